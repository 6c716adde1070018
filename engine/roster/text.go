package roster

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldText returns s as a person reads it: full-width ASCII letters, digits
// and punctuation folded to their ASCII forms, the ideographic space, the
// no-break space and other wide spaces made ordinary spaces, zero-width
// characters and the byte order mark removed, and surrounding spaces
// trimmed. It allocates only when s changes.
func foldText(s string) string {
	if isPlainASCII(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			b.WriteRune(r - 0xFEE0)
		case isOddSpace(r):
			b.WriteByte(' ')
		case isZeroWidth(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// isPlainASCII reports whether s has only printable ASCII and tabs, which
// foldText would leave as they are.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isOddSpace(r rune) bool {
	switch r {
	case '\u00A0', '\u1680', '\u202F', '\u205F', '\u3000':
		return true
	}
	return r >= '\u2000' && r <= '\u200A'
}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD':
		return true
	}
	return false
}

// removeSpaces returns s without any white space.
func removeSpaces(s string) string {
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// isDigits reports whether s is non-empty and has only ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MiddleDot is the separator of the parts of a name, U+00B7, as in
// 阿依古丽·买买提.
const MiddleDot = '·'

// lookalikeDots are characters typed in place of the middle dot: the
// katakana and half-width katakana middle dots, the hyphenation point,
// bullets, the dot operator, the Greek ano teleia, the word separator
// middle dot, the Hangul araea, the runic single punctuation and the full
// stops (a full-width one is folded to '.' first).
var lookalikeDots = map[rune]bool{
	'\u30FB': true, '\uFF65': true, '\u2027': true, '\u2022': true, '\u2219': true,
	'\u22C5': true, '\u0387': true, '\u2E31': true, '\u318D': true, '\u16EB': true,
	'.': true, '\u3002': true,
}

// NormalizeName returns a name as it is stored: full-width characters
// folded, every look-alike of the middle dot replaced by "·" with spaces
// around it removed, and the spaces that clerks put between Chinese
// characters to align short names (张　三) removed. Spaces between Latin
// letters are kept, one at a time.
func NormalizeName(s string) string {
	s = foldText(s)
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	pendingSpace := false
	for _, r := range s {
		if lookalikeDots[r] {
			r = MiddleDot
		}
		if unicode.IsSpace(r) {
			pendingSpace = prev != 0
			continue
		}
		if pendingSpace && keepSpace(prev, r) {
			b.WriteByte(' ')
		}
		pendingSpace = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// keepSpace reports whether a space between a and b separates words of a
// name written in Latin letters.
func keepSpace(a, b rune) bool {
	return a < 0x3000 && b < 0x3000 && a != MiddleDot && b != MiddleDot
}

// nameRuneOK reports whether r may appear in a name: a letter (which
// includes every Chinese character, rare ones outside the Basic
// Multilingual Plane too), a combining mark, the middle dot, a space between
// Latin words, or a private-use character, where older systems put rare
// characters that Unicode lacked.
func nameRuneOK(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == MiddleDot || r == ' ' ||
		unicode.Is(unicode.Co, r)
}
