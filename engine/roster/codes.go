package roster

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Ethnicity is an ethnic group coded by GB/T 3304, such as "15" (土家族).
type Ethnicity string

// Political is a political status coded by GB/T 4762, such as "13" (群众).
type Political string

// Education is a level of education coded by GB/T 4658, such as "21"
// (大学本科毕业).
type Education string

// Degree is an academic degree coded by GB/T 6864 at its first digit, such
// as "4" (学士); "9" (无) means no degree.
type Degree string

// TitleMethod is how a person obtained a title.
type TitleMethod string

// The title methods.
const (
	MethodEvaluation  TitleMethod = "evaluation"  // 评审
	MethodRecognition TitleMethod = "recognition" // 认定
	MethodExamination TitleMethod = "examination" // 考试
)

// Code is one entry of a code list: the code stored, the name a clerk
// picks from a drop-down list, and further spellings that spreadsheets use.
type Code[T ~string] struct {
	Code    T
	Name    string
	Aliases []string
}

// CodeList is a list of codes read from codes.json. It does not change
// after the program starts and is safe for concurrent use.
type CodeList[T ~string] struct {
	key      string // the list's key in codes.json
	standard string
	codes    []Code[T]
	byCode   map[T]int
	byName   map[string]int // name and aliases, folded by lookupKey
}

// The code lists of the staff record, read from the embedded codes.json.
var (
	Sexes             = mustList[domain.Sex]("sex")
	Ethnicities       = mustList[Ethnicity]("ethnicity")
	PoliticalStatuses = mustList[Political]("political")
	Educations        = mustList[Education]("education")
	Degrees           = mustList[Degree]("degree")
	PostCategories    = mustList[domain.PostCategory]("post_category")
	TitleMethods      = mustList[TitleMethod]("title_method")
	Statuses          = mustList[domain.PersonStatus]("status")
	Grades            = mustList[domain.Grade]("grade")
	flags             = mustList[string]("flag")
)

// Key returns the list's key in codes.json, such as "ethnicity".
func (l *CodeList[T]) Key() string { return l.key }

// Standard returns the national standard the list follows, or "" for a list
// this system defines.
func (l *CodeList[T]) Standard() string { return l.standard }

// Codes returns the list's entries in file order.
func (l *CodeList[T]) Codes() []Code[T] {
	out := slices.Clone(l.codes)
	for i := range out {
		out[i].Aliases = slices.Clone(out[i].Aliases)
	}
	return out
}

// Names returns the entries' names in file order, for drop-down lists.
func (l *CodeList[T]) Names() []string {
	out := make([]string, len(l.codes))
	for i, c := range l.codes {
		out[i] = c.Name
	}
	return out
}

// ByCode returns the entry with the given code.
func (l *CodeList[T]) ByCode(code T) (Code[T], bool) {
	i, ok := l.byCode[code]
	if !ok {
		return Code[T]{}, false
	}
	return l.codes[i], true
}

// Name returns the name of code, or "" if the list has no such code.
func (l *CodeList[T]) Name(code T) string {
	c, _ := l.ByCode(code)
	return c.Name
}

// ByName returns the code whose name or alias is name. Full-width
// characters, surrounding spaces and the case of Latin letters are ignored.
func (l *CodeList[T]) ByName(name string) (T, bool) {
	i, ok := l.byName[lookupKey(name)]
	if !ok {
		return "", false
	}
	return l.codes[i].Code, true
}

// Parse reads s as a name, an alias or a code of the list, in that order. A
// numeric code may lack its leading zeros ("1" for "01").
func (l *CodeList[T]) Parse(s string) (T, bool) {
	if c, ok := l.ByName(s); ok {
		return c, true
	}
	s = lookupKey(s)
	if _, ok := l.byCode[T(s)]; ok {
		return T(s), true
	}
	if isDigits(s) {
		want := strings.TrimLeft(s, "0")
		for _, c := range l.codes {
			if code := string(c.Code); isDigits(code) && strings.TrimLeft(code, "0") == want {
				return c.Code, true
			}
		}
	}
	return "", false
}

// lookupKey folds s for comparing names: full-width characters and odd
// spaces folded, all spaces removed, Latin letters upper-cased.
func lookupKey(s string) string {
	return strings.ToUpper(removeSpaces(foldText(s)))
}

//go:embed codes.json
var codesData []byte

// codesFile is codes.json; see its comment.
type codesFile struct {
	Comment    string                   `json:"comment"`
	Sources    []string                 `json:"sources"`
	Lists      map[string]codesFileList `json:"lists"`
	PostLevels postLevels               `json:"post_levels"`
	DateWords  dateWords                `json:"date_words"`
}

type codesFileList struct {
	Standard string `json:"standard"`
	Codes    []struct {
		Code    string   `json:"code"`
		Name    string   `json:"name"`
		Aliases []string `json:"aliases"`
	} `json:"codes"`
}

// postLevels is how post levels are written: a prefix naming the category,
// a numeral (or digits) and the level word, as in 专技十级, or a suffix
// naming the category, as in 八级职员.
type postLevels struct {
	Numerals   []string                 `json:"numerals"`
	LevelWord  string                   `json:"level_word"`
	Categories map[string]postLevelSpec `json:"categories"`
}

// postLevelSpec is how the levels of one post category are written.
type postLevelSpec struct {
	Max      int      `json:"max"`
	Prefixes []string `json:"prefixes"`
	Suffixes []string `json:"suffixes"`
}

// dateWords are the words of a date written in Chinese.
type dateWords struct {
	Year  string   `json:"year"`
	Month string   `json:"month"`
	Day   []string `json:"day"`
}

var codes = mustParseCodes(codesData)

// mustParseCodes parses the embedded codes.json; it fails only if the file
// itself is broken, which the package's tests catch.
func mustParseCodes(data []byte) codesFile {
	var f codesFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		panic("roster: embedded codes.json: " + err.Error())
	}
	return f
}

func mustList[T ~string](key string) *CodeList[T] {
	l, err := newList[T](key, codes.Lists[key])
	if err != nil {
		panic("roster: embedded codes.json: " + err.Error())
	}
	return l
}

// newList indexes a list, refusing an empty list and a code, name or alias
// used twice.
func newList[T ~string](key string, fl codesFileList) (*CodeList[T], error) {
	if len(fl.Codes) == 0 {
		return nil, fmt.Errorf("list %q: no codes", key)
	}
	l := &CodeList[T]{key: key, standard: fl.Standard,
		byCode: map[T]int{}, byName: map[string]int{}}
	for i, c := range fl.Codes {
		if c.Code == "" || c.Name == "" {
			return nil, fmt.Errorf("list %q: entry %d: code and name are required", key, i+1)
		}
		if _, dup := l.byCode[T(c.Code)]; dup {
			return nil, fmt.Errorf("list %q: code %q used twice", key, c.Code)
		}
		l.byCode[T(c.Code)] = i
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			k := lookupKey(n)
			if _, dup := l.byName[k]; dup || k == "" {
				return nil, fmt.Errorf("list %q: name %q empty or used twice", key, n)
			}
			l.byName[k] = i
		}
		l.codes = append(l.codes, Code[T]{Code: T(c.Code), Name: c.Name, Aliases: c.Aliases})
	}
	return l, nil
}
