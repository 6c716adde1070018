package sqlsource

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode"
)

//go:embed mappings/xiangxi.json
var exportMappingJSON []byte

// Mapping says where a Source finds each field of the sync contract in an
// institution system's database, and how to translate the values it
// finds. ParseMapping reads one from JSON; plugins/README.md describes the
// format, and mappings/xiangxi.json is the mapping of the Xiangxi export.
type Mapping struct {
	Departments TableMapping `json:"departments"`
	Units       TableMapping `json:"units"`
	People      TableMapping `json:"people"`
	Posts       TableMapping `json:"posts"`
}

// TableMapping maps one kind of record to one table or view. Fields are
// named as in the contract, in snake case: "credit_code", "id_number",
// "post_level".
type TableMapping struct {
	// Table is the table or view to read, optionally qualified by its
	// database as "db.table".
	Table string `json:"table"`

	// Columns maps fields to the columns that hold them. A field that
	// has neither a column nor a value is left empty.
	Columns map[string]string `json:"columns"`

	// Codes translates a field's values: from the source's value to the
	// contract's, such as "男" to "1". Values not listed pass unchanged.
	Codes map[string]map[string]string `json:"codes,omitempty"`

	// Dates gives the form of a date field's values when it is not
	// "YYYY-MM-DD", as a pattern of YYYY, MM and DD among other
	// characters, such as "YYYYMMDD" or "YYYY年MM月DD日". A date without
	// its day becomes the first of the month. A value that does not fit
	// passes unchanged, for zhicheng to refuse.
	Dates map[string]string `json:"dates,omitempty"`

	// Values gives fields that no column holds a fixed value, such as a
	// unit kind of "1" where every unit is an institution.
	Values map[string]string `json:"values,omitempty"`
}

// ParseMapping reads a mapping from JSON and checks it: the four tables
// named, the key fields mapped, no unknown fields, valid date patterns.
func ParseMapping(data []byte) (*Mapping, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Mapping
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parse mapping: %w", err)
	}
	if _, err := m.schema(); err != nil {
		return nil, fmt.Errorf("parse mapping: %w", err)
	}
	return &m, nil
}

// LoadMapping reads the mapping file at path.
func LoadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load mapping: %w", err)
	}
	return ParseMapping(data)
}

// ExportMapping returns the mapping of the Xiangxi export: tables zgbm,
// dw, gwsz and ry with pinyin-initial columns. It is what New and Open
// use.
func ExportMapping() *Mapping {
	m, err := ParseMapping(exportMappingJSON)
	if err != nil {
		panic("sqlsource: embedded export mapping: " + err.Error())
	}
	return m
}

// dateLayout converts a date pattern such as "YYYY年MM月DD日" to a Go time
// layout. The pattern needs YYYY and MM; its other characters must not be
// ASCII letters or digits, which Go's layouts would read as elements.
func dateLayout(pattern string) (string, error) {
	if !strings.Contains(pattern, "YYYY") || !strings.Contains(pattern, "MM") {
		return "", fmt.Errorf("date pattern %q: needs YYYY and MM", pattern)
	}
	rest := strings.NewReplacer("YYYY", "", "MM", "", "DD", "").Replace(pattern)
	for _, r := range rest {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return "", fmt.Errorf("date pattern %q: unexpected %q", pattern, r)
		}
	}
	return strings.NewReplacer("YYYY", "2006", "MM", "01", "DD", "02").Replace(pattern), nil
}
