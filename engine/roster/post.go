package roster

import (
	"slices"
	"strconv"
	"strings"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// postCategoryOrder is the order in which post level prefixes are tried
// and drop-down entries listed.
var postCategoryOrder = []domain.PostCategory{
	domain.PostProfessional, domain.PostManagement, domain.PostWorker,
}

// parsePostLevel reads a post level as codes.json's post_levels writes it:
// with a category prefix (专技十级, 管理八级, 工勤三级), with a category
// suffix (八级职员), or bare (10, 十级), when the category comes from its
// own column. It returns the category ("" for a bare level) and the level.
func parsePostLevel(s string) (domain.PostCategory, int, bool) {
	s = lookupKey(s)
	cat, rest := splitPostCategory(s)
	rest = strings.TrimSuffix(rest, codes.PostLevels.LevelWord)
	if isDigits(rest) && len(rest) <= 2 {
		n, _ := strconv.Atoi(rest)
		return cat, n, n > 0
	}
	if i := slices.Index(codes.PostLevels.Numerals, rest); i >= 0 {
		return cat, i + 1, true
	}
	return "", 0, false
}

// splitPostCategory removes the words that name a post category from a
// post level, longest first, and returns the category they name.
func splitPostCategory(s string) (domain.PostCategory, string) {
	var best domain.PostCategory
	bestLen := 0
	rest := s
	for _, c := range postCategoryOrder {
		spec := codes.PostLevels.Categories[string(c)]
		for _, p := range spec.Prefixes {
			if strings.HasPrefix(s, p) && len(p) > bestLen {
				best, bestLen, rest = c, len(p), s[len(p):]
			}
		}
		for _, p := range spec.Suffixes {
			if strings.HasSuffix(s, p) && len(p) > bestLen {
				best, bestLen, rest = c, len(p), s[:len(s)-len(p)]
			}
		}
	}
	return best, rest
}

// postLevelNames returns the drop-down entries of every post level, such as
// 专技一级 … 专技十三级, 管理一级 …, 工勤一级 ….
func postLevelNames() []string {
	var out []string
	pl := codes.PostLevels
	for _, c := range postCategoryOrder {
		spec := pl.Categories[string(c)]
		for n := 1; n <= spec.Max && n <= len(pl.Numerals); n++ {
			out = append(out, spec.Prefixes[0]+pl.Numerals[n-1]+pl.LevelWord)
		}
	}
	return out
}
