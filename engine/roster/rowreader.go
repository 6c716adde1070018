package roster

import (
	"strconv"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// rowReader turns the cells of data rows into checked records.
type rowReader struct {
	cat      *catalog.Catalog
	now      time.Time
	date1904 bool
	columns  []Column
	headers  map[string]string       // field → header as the file wrote it
	seen     map[domain.IDNumber]int // ID number → first row
	series   map[string]string       // series as written → its name, or "" if unknown
	interned map[string]string       // one copy of each repeated text
}

// maxInterned bounds the strings a read keeps one copy of: schools,
// majors and titles repeat, and a large file holds each once.
const maxInterned = 10_000

func newRowReader(opts Options, date1904 bool) *rowReader {
	return &rowReader{cat: opts.Catalog, now: opts.Now, date1904: date1904,
		seen: map[domain.IDNumber]int{}, series: map[string]string{}, interned: map[string]string{}}
}

// intern returns the copy of s kept for the read.
func (rr *rowReader) intern(s string) string {
	if v, ok := rr.interned[s]; ok {
		return v
	}
	if len(rr.interned) < maxInterned {
		rr.interned[s] = s
	}
	return s
}

func (rr *rowReader) setColumns(cols []Column) {
	rr.columns = cols
	rr.headers = map[string]string{}
	for _, c := range cols {
		rr.headers[c.Field] = c.Header
	}
}

// rowState carries what one cell tells another field of the row.
type rowState struct {
	levelCategory domain.PostCategory // the category a post level named
	levelText     string
	legacySeries  string // the series a GB/T 8561 title code named
}

// read reads one data row. It reports false for a row whose columns are
// all blank, such as a styled row at the end.
func (rr *rowReader) read(num int, cells []cell) (Row, bool) {
	var rec Record
	var ps problems
	var st rowState
	blank := true
	for _, col := range rr.columns {
		if col.Index > len(cells) || cells[col.Index-1].isBlank() {
			continue
		}
		blank = false
		rr.setField(&rec, &ps, &st, col.Field, cells[col.Index-1])
	}
	if blank {
		return Row{}, false
	}

	rr.finish(&rec, &ps, st)
	rec.Derive(rr.cat)
	ps = append(ps, withoutFields(rec.ValidateWith(rr.cat, rr.now), ps)...)
	rr.checkDuplicate(num, rec, &ps)
	for i := range ps {
		ps[i].Row, ps[i].Column = num, rr.headers[ps[i].Field]
	}
	return Row{Number: num, Record: rec, Problems: ps}, true
}

// withoutFields drops the problems of fields that already have one: a cell
// that could not be read is reported once, not again as missing.
func withoutFields(ps, have problems) problems {
	out := ps[:0]
	for _, p := range ps {
		if !have.hasField(p.Field) {
			out = append(out, p)
		}
	}
	return out
}

func (ps problems) hasField(field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

// setField reads a cell into its field by the column's kind.
func (rr *rowReader) setField(rec *Record, ps *problems, st *rowState, field string, c cell) {
	switch c.kind {
	case cellFormula:
		ps.add(field, CodeFormulaNoValue)
		return
	case cellError:
		ps.add(field, CodeCellError, "value", c.text)
		return
	}
	s := c.display()
	switch specByField[field].Kind {
	case kindName:
		rec.Name = NormalizeName(s)
	case kindID:
		rr.readID(rec, ps, c)
	case kindDate:
		rr.readDate(rec, ps, field, c)
	case kindCode:
		if !setCode(rec, field, s) {
			ps.add(field, CodeUnknownCode, "value", s)
		}
	case kindPostLevel:
		rr.readPostLevel(rec, ps, st, s)
	case kindSeries:
		rr.readSeries(rec, ps, s)
	case kindTitle:
		rr.readTitle(rec, st, rr.intern(removeSpaces(s)))
	case kindGrade:
		if !parseCode(Grades, s, &rec.TitleGrade) {
			ps.add(field, CodeUnknownCode, "value", s)
		}
	case kindFlag:
		rr.readFlag(rec, ps, field, s)
	case kindMobile:
		rec.Mobile = mobileDigits(s)
	case kindText:
		*textField(rec, field) = rr.intern(s)
	}
}

// setCode sets a coded field from a name, alias or code of its list.
func setCode(r *Record, field, s string) bool {
	switch field {
	case FieldSex:
		return parseCode(Sexes, s, &r.Sex)
	case FieldEthnicity:
		return parseCode(Ethnicities, s, &r.Ethnicity)
	case FieldPolitical:
		return parseCode(PoliticalStatuses, s, &r.Political)
	case FieldEducation:
		return parseCode(Educations, s, &r.Education)
	case FieldDegree:
		return parseCode(Degrees, s, &r.Degree)
	case FieldPostCategory:
		return parseCode(PostCategories, s, &r.PostCategory)
	case FieldTitleMethod:
		return parseCode(TitleMethods, s, &r.TitleMethod)
	case FieldStatus:
		return parseCode(Statuses, s, &r.Status)
	}
	return false
}

func parseCode[T ~string](l *CodeList[T], s string, dst *T) bool {
	v, ok := l.Parse(s)
	if ok {
		*dst = v
	}
	return ok
}

// textField returns a pointer to a free-text field.
func textField(rec *Record, field string) *string {
	switch field {
	case FieldSchool:
		return &rec.School
	case FieldMajor:
		return &rec.Major
	}
	return &rec.CertificateNo
}

// readID reads an ID number, refusing one stored as a number: a
// spreadsheet keeps 15 significant digits, so the last ones are lost. A
// leading apostrophe, which marks text in a spreadsheet and survives in
// some CSV exports, is dropped.
func (rr *rowReader) readID(rec *Record, ps *problems, c cell) {
	s := strings.TrimPrefix(removeSpaces(c.display()), "'")
	if c.kind == cellNumber {
		ps.add(FieldIDNumber, CodeIDAsNumber, "value", s)
		return
	}
	id, err := domain.ParseIDNumber(s)
	if err != nil {
		ps.add(FieldIDNumber, idProblemCode(err), "value", s, "length", len([]rune(s)))
		return
	}
	rec.IDNumber = id
}

// readDate reads a date cell into its field.
func (rr *rowReader) readDate(rec *Record, ps *problems, field string, c cell) {
	d := rr.dateOf(c)
	if d.problem != "" {
		ps.add(field, d.problem, "value", c.display())
		return
	}
	*rec.date(field) = d.t
	rec.MonthOnly = rec.MonthOnly.With(field, d.monthOnly)
}

// dateOf reads a date from a date cell (to the month if its format shows
// only year and month), a number cell as the text it shows, or text.
func (rr *rowReader) dateOf(c cell) dateValue {
	switch c.kind {
	case cellNumber:
		if c.format.date {
			v, err := strconv.ParseFloat(c.text, 64)
			if err != nil {
				return dateValue{problem: CodeDateInvalid}
			}
			d := serialDate(v, rr.date1904)
			if c.format.monthOnly && d.problem == "" {
				d.t, d.monthOnly = d.t.AddDate(0, 0, 1-d.t.Day()), true
			}
			return d
		}
		s := numberText(c)
		if len(s) == 6 && s[4] == '.' {
			return dateValue{problem: CodeDateAmbiguousMonth}
		}
		return parseDateText(s)
	case cellText, cellISODate:
		return parseDateText(c.text)
	}
	return dateValue{problem: CodeDateInvalid}
}

// readPostLevel reads a post level; its category, if it names one, is
// checked against the category column when the row is finished.
func (rr *rowReader) readPostLevel(rec *Record, ps *problems, st *rowState, s string) {
	cat, level, ok := parsePostLevel(s)
	if !ok {
		ps.add(FieldPostLevel, CodePostLevel, "value", s)
		return
	}
	rec.PostLevel, st.levelCategory, st.levelText = level, cat, s
}

// readSeries reads a series by name, alias or code, storing its name.
func (rr *rowReader) readSeries(rec *Record, ps *problems, s string) {
	s = removeSpaces(s)
	name, ok := rr.series[s]
	if !ok {
		name = rr.seriesName(s)
		rr.series[s] = name
	}
	if name == "" {
		ps.add(FieldTitleSeries, CodeTitleUnknownSeries, "value", s)
		return
	}
	rec.TitleSeries = name
}

// seriesName returns the name of the series named, aliased or coded s, or
// "" if there is none.
func (rr *rowReader) seriesName(s string) string {
	if sr, ok := rr.cat.SeriesByName(s); ok {
		return sr.Name
	}
	if sr, ok := rr.cat.SeriesByCode(s); ok {
		return sr.Name
	}
	return ""
}

// readTitle reads a title name, or a GB/T 8561 code that older records
// carry instead.
func (rr *rowReader) readTitle(rec *Record, st *rowState, s string) {
	if len(s) == 3 && isDigits(s) {
		if series, title, ok := rr.cat.ByLegacyCode(s); ok {
			rec.TitleName, st.legacySeries = title, series
			return
		}
	}
	rec.TitleName = s
}

func (rr *rowReader) readFlag(rec *Record, ps *problems, field, s string) {
	v, ok := flags.Parse(s)
	if !ok {
		ps.add(field, CodeFlag, "value", s)
		return
	}
	if field == FieldOverseas {
		rec.Overseas = v == "yes"
	} else {
		rec.Postdoctoral = v == "yes"
	}
}

// mobileDigits removes the spaces and dashes that group a phone number and
// a leading +86.
func mobileDigits(s string) string {
	if strings.ContainsAny(s, " -") {
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' {
				return -1
			}
			return r
		}, s)
	}
	if len(s) == 14 && strings.HasPrefix(s, "+86") {
		return s[3:]
	}
	return s
}

// finish applies what one cell told another field: the series of a legacy
// title code, the category of a post level.
func (rr *rowReader) finish(rec *Record, ps *problems, st rowState) {
	if rec.TitleSeries == "" && st.legacySeries != "" {
		rec.TitleSeries = st.legacySeries
	}
	switch {
	case st.levelCategory == "":
	case rec.PostCategory == "":
		rec.PostCategory = st.levelCategory
	case rec.PostCategory != st.levelCategory && !ps.hasField(FieldPostCategory):
		ps.add(FieldPostLevel, CodePostCategory, "value", st.levelText,
			"category", PostCategories.Name(rec.PostCategory))
	}
}

// checkDuplicate reports an ID number already seen on an earlier row.
func (rr *rowReader) checkDuplicate(num int, rec Record, ps *problems) {
	if rec.IDNumber == "" || ps.hasField(FieldIDNumber) {
		return
	}
	if first, ok := rr.seen[rec.IDNumber]; ok {
		ps.add(FieldIDNumber, CodeIDDuplicate, "row", first)
		return
	}
	rr.seen[rec.IDNumber] = num
}
