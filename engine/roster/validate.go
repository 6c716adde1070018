package roster

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The limits of the staff record.
const (
	MaxNameLength   = 30 // characters of a name
	MinWorkingAge   = 16 // years of age before which nobody starts work
	mobileLength    = 11
	defaultMaxChars = 100
)

// Validate checks r against the rules of the staff record with the
// national title catalogue; see [Record.ValidateWith].
func (r Record) Validate(now time.Time) []Problem {
	return r.ValidateWith(catalog.Default(), now)
}

// ValidateWith checks r against the rules of the staff record, with now as
// today: a name and a valid ID number (GB 11643) are required; sex and
// birth date must agree with the ID number; codes must be in their lists;
// no date may be after today or before the birth date; work starts at 16 or
// later; the title must belong to its series and grade in cat; the post
// level must exist in its category; a retired or departed person needs the
// date; a mobile number has 11 digits starting with 1. Problems have Row 0
// and Column "". Call [Record.Derive] first to fill what the ID number and
// the catalogue tell.
func (r Record) ValidateWith(cat *catalog.Catalog, now time.Time) []Problem {
	var ps problems
	ps.checkName(r.Name)
	id := ps.checkID(r.IDNumber)
	ps.checkAgainstID(r, id)
	ps.checkCodes(r)
	ps.checkDates(r, now)
	ps.checkTitle(cat, r)
	ps.checkPost(r)
	ps.checkText(r)
	gone := r.Status == domain.PersonRetired || r.Status == domain.PersonLeft
	if gone && r.StatusDate.IsZero() {
		ps.add(FieldStatusDate, CodeStatusDate, "value", Statuses.Name(r.Status))
	}
	return ps
}

// problems collects the problems of one record.
type problems []Problem

// add appends a problem of field with params given as name, value pairs.
func (ps *problems) add(field, code string, params ...any) {
	p := Problem{Field: field, Code: code}
	if len(params) > 0 {
		p.Params = map[string]any{}
		for i := 0; i+1 < len(params); i += 2 {
			p.Params[params[i].(string)] = params[i+1]
		}
	}
	*ps = append(*ps, p)
}

func (ps *problems) checkName(name string) {
	if name == "" {
		ps.add(FieldName, CodeRequired)
		return
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		ps.add(FieldName, CodeNameTooLong, "max", MaxNameLength, "length", n)
	}
	if c := badNameRune(name); c != "" {
		ps.add(FieldName, CodeNameChars, "value", name, "char", c)
	}
}

// badNameRune returns the first character that may not appear in a name
// where it stands, or "". A middle dot may not start or end a name.
func badNameRune(name string) string {
	for i, r := range name {
		edge := i == 0 || i+utf8.RuneLen(r) == len(name)
		if !nameRuneOK(r) || (edge && (r == MiddleDot || r == ' ')) {
			return string(r)
		}
	}
	return ""
}

// checkID checks the ID number and returns it parsed, or "" if it is
// missing or invalid.
func (ps *problems) checkID(raw domain.IDNumber) domain.IDNumber {
	if raw == "" {
		ps.add(FieldIDNumber, CodeRequired)
		return ""
	}
	id, err := domain.ParseIDNumber(string(raw))
	if err != nil {
		ps.add(FieldIDNumber, idProblemCode(err), "value", string(raw),
			"length", utf8.RuneCountInString(strings.TrimSpace(string(raw))))
		return ""
	}
	return id
}

// idProblemCode maps an error of domain.ParseIDNumber to a message key.
func idProblemCode(err error) string {
	switch {
	case errors.Is(err, domain.ErrIDAsNumber):
		return CodeIDAsNumber
	case errors.Is(err, domain.ErrIDLength):
		return CodeIDLength
	case errors.Is(err, domain.ErrIDCharacters):
		return CodeIDChars
	case errors.Is(err, domain.ErrIDBirthDate):
		return CodeIDBirthDate
	}
	return CodeIDCheck
}

// checkAgainstID checks the typed sex and birth date against the ID number.
func (ps *problems) checkAgainstID(r Record, id domain.IDNumber) {
	if id == "" {
		return
	}
	if want := id.Sex(); (r.Sex == domain.SexMale || r.Sex == domain.SexFemale) && r.Sex != want {
		ps.add(FieldSex, CodeSexMismatch, "value", Sexes.Name(r.Sex), "want", Sexes.Name(want))
	}
	birth, monthOnly := r.BirthDate, r.MonthOnly.Has(FieldBirthDate)
	if birth.IsZero() {
		return
	}
	want := id.BirthDate()
	if !sameDate(birth, want, monthOnly) {
		ps.add(FieldBirthDate, CodeBirthMismatch, "value", dateText(birth, monthOnly),
			"want", dateText(want, false))
	}
}

// sameDate compares two dates to the day, or to the month if monthOnly.
func sameDate(a, b time.Time, monthOnly bool) bool {
	if monthOnly {
		return a.Year() == b.Year() && a.Month() == b.Month()
	}
	return a.Equal(b)
}

// checkCodes checks that every coded field holds a code of its list.
func (ps *problems) checkCodes(r Record) {
	check := func(field, code string, known bool) {
		if code != "" && !known {
			ps.add(field, CodeUnknownCode, "value", code)
		}
	}
	check(FieldSex, string(r.Sex), Sexes.Name(r.Sex) != "")
	check(FieldEthnicity, string(r.Ethnicity), Ethnicities.Name(r.Ethnicity) != "")
	check(FieldPolitical, string(r.Political), PoliticalStatuses.Name(r.Political) != "")
	check(FieldEducation, string(r.Education), Educations.Name(r.Education) != "")
	check(FieldDegree, string(r.Degree), Degrees.Name(r.Degree) != "")
	check(FieldPostCategory, string(r.PostCategory), PostCategories.Name(r.PostCategory) != "")
	check(FieldTitleGrade, string(r.TitleGrade), Grades.Name(r.TitleGrade) != "")
	check(FieldTitleMethod, string(r.TitleMethod), TitleMethods.Name(r.TitleMethod) != "")
	check(FieldStatus, string(r.Status), Statuses.Name(r.Status) != "")
}

// checkDates checks that no date is after today or before the birth date,
// and that work started at 16 or later. A month-only date is taken at its
// most favourable day: after today only if its month is, too young only if
// the whole month is.
func (ps *problems) checkDates(r Record, now time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	birth := r.BirthDate
	for _, c := range columnSpecs {
		if c.Kind != kindDate {
			continue
		}
		d := *r.date(c.Field)
		monthOnly := r.MonthOnly.Has(c.Field)
		text := dateText(d, monthOnly)
		switch {
		case d.IsZero():
		case d.After(today) && !(monthOnly && sameDate(d, today, true)):
			ps.add(c.Field, CodeDateFuture, "value", text)
		case c.Field != FieldBirthDate && !birth.IsZero() && lastDay(d, monthOnly).Before(birth):
			ps.add(c.Field, CodeDateBeforeBirth, "value", text)
		}
	}
	if birth.IsZero() || r.StartedWork.IsZero() {
		return
	}
	// A month-only birth date stands for its first day, the earliest
	// sixteenth birthday; a start before birth is reported above.
	sixteen := birth.AddDate(MinWorkingAge, 0, 0)
	started := lastDay(r.StartedWork, r.MonthOnly.Has(FieldStartedWork))
	if started.Before(sixteen) && !started.Before(birth) {
		ps.add(FieldStartedWork, CodeWorkTooYoung)
	}
}

// lastDay returns the last day a date may stand for: the last of its month
// if monthOnly.
func lastDay(d time.Time, monthOnly bool) time.Time {
	if monthOnly {
		return d.AddDate(0, 1, -1)
	}
	return d
}

// checkTitle checks the title against the catalogue: a known series, a
// title of that series (or of some series when the series is blank), at
// the grade given.
func (ps *problems) checkTitle(cat *catalog.Catalog, r Record) {
	if r.TitleSeries != "" {
		if _, ok := cat.SeriesByName(r.TitleSeries); !ok {
			ps.add(FieldTitleSeries, CodeTitleUnknownSeries, "value", r.TitleSeries)
			return
		}
	}
	if r.TitleName == "" {
		return
	}
	var want domain.Grade
	if r.TitleSeries != "" {
		t, ok := cat.Title(r.TitleSeries, r.TitleName)
		if !ok {
			ps.add(FieldTitleName, CodeTitleSeries, "title", r.TitleName, "series", r.TitleSeries)
			return
		}
		want = t.Grade
	} else if len(seriesOf(cat, r.TitleName)) == 0 {
		ps.add(FieldTitleName, CodeTitleUnknown, "value", r.TitleName)
		return
	} else {
		want = gradeOf(cat, "", r.TitleName)
	}
	if r.TitleGrade != "" && want != "" && r.TitleGrade != want {
		ps.add(FieldTitleGrade, CodeTitleGrade, "title", r.TitleName,
			"want", Grades.Name(want), "value", Grades.Name(r.TitleGrade))
	}
}

// checkPost checks the post level against its category.
func (ps *problems) checkPost(r Record) {
	if r.PostLevel == 0 {
		return
	}
	if r.PostCategory == "" {
		ps.add(FieldPostCategory, CodeRequired)
		return
	}
	spec, ok := codes.PostLevels.Categories[string(r.PostCategory)]
	if ok && (r.PostLevel < 1 || r.PostLevel > spec.Max) {
		ps.add(FieldPostLevel, CodePostLevel, "value", strconv.Itoa(r.PostLevel))
	}
}

// checkText checks the mobile number and the length of free text.
func (ps *problems) checkText(r Record) {
	if r.Mobile != "" && !validMobile(r.Mobile) {
		ps.add(FieldMobile, CodeMobile, "value", r.Mobile)
	}
	texts := []struct{ field, s string }{
		{FieldSchool, r.School}, {FieldMajor, r.Major}, {FieldCertificateNo, r.CertificateNo},
	}
	for _, t := range texts {
		field, s := t.field, t.s
		limit := specByField[field].Max
		if limit == 0 {
			limit = defaultMaxChars
		}
		if n := utf8.RuneCountInString(s); n > limit {
			ps.add(field, CodeTextTooLong, "max", limit, "length", n)
		}
	}
}

// validMobile reports whether s is a mainland mobile number: 11 digits
// starting with 1.
func validMobile(s string) bool {
	return len(s) == mobileLength && s[0] == '1' && isDigits(s)
}
