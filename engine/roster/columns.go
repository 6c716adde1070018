package roster

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// columnKind says how a column's cells are read.
type columnKind string

const (
	kindName      columnKind = "name"
	kindID        columnKind = "id"
	kindCode      columnKind = "code"
	kindDate      columnKind = "date"
	kindText      columnKind = "text"
	kindPostLevel columnKind = "post_level"
	kindSeries    columnKind = "series"
	kindTitle     columnKind = "title"
	kindGrade     columnKind = "grade"
	kindFlag      columnKind = "flag"
	kindMobile    columnKind = "mobile"
)

// columnSpec is one column of columns.json; see its comment.
type columnSpec struct {
	Field    string     `json:"field"`
	Header   string     `json:"header"`
	Synonyms []string   `json:"synonyms"`
	Kind     columnKind `json:"kind"`
	List     string     `json:"list"`
	Required bool       `json:"required"`
	Max      int        `json:"max"`
	Width    float64    `json:"width"`
	Help     string     `json:"help"`
}

type columnsFile struct {
	Comment  string       `json:"comment"`
	Columns  []columnSpec `json:"columns"`
	DateHelp string       `json:"date_help"`
}

//go:embed columns.json
var columnsData []byte

var (
	columnsDoc  = mustParseColumns(columnsData)
	columnSpecs = columnsDoc.Columns
	headerIndex = indexHeaders(columnSpecs)
	specByField = indexFields(columnSpecs)
)

// mustParseColumns parses the embedded columns.json; it fails only if the
// file itself is broken, which the package's tests catch.
func mustParseColumns(data []byte) columnsFile {
	var f columnsFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		panic("roster: embedded columns.json: " + err.Error())
	}
	return f
}

// indexHeaders maps each folded header and synonym to its column's index;
// a header used twice is a broken file.
func indexHeaders(specs []columnSpec) map[string]int {
	idx := map[string]int{}
	for i, c := range specs {
		for _, h := range append([]string{c.Header}, c.Synonyms...) {
			k := headerKey(h)
			if _, dup := idx[k]; dup {
				panic(fmt.Sprintf("roster: embedded columns.json: header %q used twice", h))
			}
			idx[k] = i
		}
	}
	return idx
}

func indexFields(specs []columnSpec) map[string]*columnSpec {
	idx := map[string]*columnSpec{}
	for i := range specs {
		idx[specs[i].Field] = &specs[i]
	}
	return idx
}

// headerOf returns the template's header of a field, or the field key if
// there is no such field.
func headerOf(field string) string {
	if c, ok := specByField[field]; ok {
		return c.Header
	}
	return field
}

// headerMarks removes the asterisks that mark required columns (a
// full-width one is folded first) and makes every bracket a parenthesis.
var headerMarks = strings.NewReplacer("*", "", "\u3010", "(", "\u3011", ")",
	"\u3014", "(", "\u3015", ")")

// headerKey folds a header for matching: full-width characters folded,
// spaces, asterisks and a trailing colon removed, a note in brackets
// dropped, Latin letters upper-cased.
func headerKey(s string) string {
	s = headerMarks.Replace(lookupKey(s))
	s = strings.TrimRight(s, ":")
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	return s
}

// matchHeader returns the index of the column spec that header names.
func matchHeader(header string) (int, bool) {
	i, ok := headerIndex[headerKey(header)]
	return i, ok
}
