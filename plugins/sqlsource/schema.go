package sqlsource

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// schema is a Mapping checked and compiled: the tables and columns that a
// Source reads, and how each column becomes a field.
type schema struct {
	departments table[contract.Department]
	units       table[contract.Unit]
	posts       table[contract.Post]
	people      table[contract.Person]
}

// schema checks m and compiles it.
func (m *Mapping) schema() (schema, error) {
	var s schema
	if m == nil {
		return s, errors.New("no mapping")
	}
	var err error
	if s.departments, err = compile(departmentSpec(), m.Departments); err != nil {
		return s, err
	}
	if s.units, err = compile(unitSpec(), m.Units); err != nil {
		return s, err
	}
	if s.people, err = compile(personSpec(), m.People); err != nil {
		return s, err
	}
	if s.posts, err = compile(postSpec(), m.Posts); err != nil {
		return s, err
	}
	return s, nil
}

// fieldKind tells how a value read from the database becomes a field.
type fieldKind int

const (
	textField   fieldKind = iota
	dateField             // text in the form YYYY-MM-DD
	numberField           // an integer; empty is 0
)

// field binds a field name of the mapping to a field of record type T.
type field[T any] struct {
	name string
	kind fieldKind
	text func(*T) *string // for text and date fields
	num  func(*T) *int    // for number fields
}

// errNotInteger reports a value that does not fit an integer field. It
// does not quote the value, which may be personal data.
var errNotInteger = errors.New("not an integer")

// set stores s, a value already translated, in r's field.
func (f field[T]) set(r *T, s string) error {
	if f.kind != numberField {
		*f.text(r) = s
		return nil
	}
	n := 0
	if s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			return fmt.Errorf("%s: %w", f.name, errNotInteger)
		}
	}
	*f.num(r) = n
	return nil
}

// spec says what a kind of record needs from its table mapping.
type spec[T any] struct {
	kind     string
	fields   []field[T]
	required []string // fields that must have a column
	key      []string // fields that order the rows, the first ones required
	unit     string   // field holding the unit's credit code, if any
	year     string   // field holding the year, if any
}

// table is one compiled table mapping.
type table[T any] struct {
	name    string
	columns []column[T] // in the order of spec.fields
	fixed   []fixedValue[T]
	key     []string // the columns that order the rows
	unit    string   // the column holding the unit's credit code
	year    string   // the column holding the year
}

// column is a column read into a field.
type column[T any] struct {
	name   string
	field  field[T]
	codes  map[string]string
	layout string // Go layout of a date field's values; "" for YYYY-MM-DD
}

// fixedValue is a field set to the same value in every record.
type fixedValue[T any] struct {
	field field[T]
	value string
}

// compile checks tm against sp and compiles it.
func compile[T any](sp spec[T], tm TableMapping) (table[T], error) {
	t := table[T]{name: tm.Table}
	if tm.Table == "" {
		return t, fmt.Errorf("%s: no table", sp.kind)
	}
	if err := checkNames(sp, tm); err != nil {
		return t, fmt.Errorf("%s: %w", sp.kind, err)
	}
	for _, f := range sp.fields {
		if v, ok := tm.Values[f.name]; ok {
			t.fixed = append(t.fixed, fixedValue[T]{field: f, value: v})
		}
		name, ok := tm.Columns[f.name]
		if !ok {
			continue
		}
		c := column[T]{name: name, field: f, codes: tm.Codes[f.name]}
		if p, ok := tm.Dates[f.name]; ok {
			layout, err := dateLayout(p)
			if err != nil {
				return t, fmt.Errorf("%s: %s: %w", sp.kind, f.name, err)
			}
			c.layout = layout
		}
		t.columns = append(t.columns, c)
	}
	for _, k := range sp.key {
		if name, ok := tm.Columns[k]; ok {
			t.key = append(t.key, name)
		}
	}
	t.unit, t.year = tm.Columns[sp.unit], tm.Columns[sp.year]
	return t, nil
}

// checkNames checks that tm names only fields of sp, maps every required
// field to a column, gives no field both a column and a value, and has
// codes and dates only for fields read from a column.
func checkNames[T any](sp spec[T], tm TableMapping) error {
	kinds := map[string]fieldKind{}
	for _, f := range sp.fields {
		kinds[f.name] = f.kind
	}
	for name, col := range tm.Columns {
		if _, ok := kinds[name]; !ok {
			return fmt.Errorf("unknown field %q", name)
		}
		if col == "" {
			return fmt.Errorf("%s: empty column name", name)
		}
	}
	for _, name := range sp.required {
		if _, ok := tm.Columns[name]; !ok {
			return fmt.Errorf("%s: a column is required", name)
		}
	}
	for name := range tm.Values {
		if _, ok := kinds[name]; !ok {
			return fmt.Errorf("unknown field %q", name)
		}
		if _, ok := tm.Columns[name]; ok {
			return fmt.Errorf("%s: both a column and a value", name)
		}
	}
	for name := range tm.Codes {
		if _, ok := tm.Columns[name]; !ok {
			return fmt.Errorf("%s: codes for a field without a column", name)
		}
	}
	for name := range tm.Dates {
		if _, ok := tm.Columns[name]; !ok || kinds[name] != dateField {
			return fmt.Errorf("%s: a date pattern needs a date field with a column", name)
		}
	}
	return nil
}

// record makes a record from one row's values, in the order of t.columns.
func (t table[T]) record(vals []any) (T, error) {
	var r T
	for _, f := range t.fixed {
		if err := f.field.set(&r, f.value); err != nil {
			return r, err
		}
	}
	for i, c := range t.columns {
		if err := c.field.set(&r, c.convert(vals[i])); err != nil {
			return r, err
		}
	}
	return r, nil
}

// convert turns a value read from the column into the field's text:
// NULL is empty, spaces are trimmed, codes are translated, dates are
// brought to YYYY-MM-DD.
func (c column[T]) convert(v any) string {
	s := toText(v)
	if to, ok := c.codes[s]; ok {
		s = to
	}
	if c.field.kind == dateField {
		s = normalizeDate(s, c.layout)
	}
	return s
}

// toText formats a value that database/sql scanned into an any.
func toText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	case []byte:
		return strings.TrimSpace(string(v))
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "1"
		}
		return "0"
	case time.Time:
		if h, m, sec := v.Clock(); h == 0 && m == 0 && sec == 0 && v.Nanosecond() == 0 {
			return v.Format(time.DateOnly)
		}
		return v.Format(time.DateTime)
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

// normalizeDate brings s to the form YYYY-MM-DD: by layout when given,
// else by dropping the time of day from "YYYY-MM-DD hh:mm:ss". A value
// that does not fit is returned unchanged.
func normalizeDate(s, layout string) string {
	if s == "" {
		return s
	}
	if layout != "" {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly)
		}
		return s
	}
	if len(s) > 10 && (s[10] == ' ' || s[10] == 'T') {
		if _, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			return s[:10]
		}
	}
	return s
}

// filter is an equality condition on one column.
type filter struct {
	column string
	value  any
}

// unitFilter limits t to one unit, or to nothing when unitCode is empty.
func (t table[T]) unitFilter(unitCode string) []filter {
	if unitCode == "" {
		return nil
	}
	return []filter{{column: t.unit, value: unitCode}}
}

// query returns a statement that reads t's columns in key order from the
// rows that match every filter, and the statement's arguments. Names are
// quoted with backquotes and the placeholder is "?", which serve both
// SQLite and MySQL.
func (t table[T]) query(filters []filter) (string, []any) {
	q := t.selectFrom()

	conds := make([]string, 0, len(filters))
	args := make([]any, 0, len(filters))
	for _, f := range filters {
		conds = append(conds, quote(f.column)+" = ?")
		args = append(args, f.value)
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	return q + " ORDER BY " + quoteAll(t.key), args
}

// probe returns a statement that reads t's columns and no row, to check
// that the table and its columns exist.
func (t table[T]) probe() string {
	return t.selectFrom() + " WHERE 1 = 0"
}

// selectFrom returns the clauses that select t's columns from its table.
func (t table[T]) selectFrom() string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	return "SELECT " + quoteAll(names) + " FROM " + quote(t.name)
}

// quote quotes a table or column name, each part of "db.table" apart.
func quote(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = "`" + strings.ReplaceAll(p, "`", "``") + "`"
	}
	return strings.Join(parts, ".")
}

// quoteAll quotes names and joins them with commas.
func quoteAll(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quote(n)
	}
	return strings.Join(quoted, ", ")
}
