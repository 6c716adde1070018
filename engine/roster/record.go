package roster

import (
	"sync"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Record is one person as the template and an import carry them. Codes are
// those of the code lists; dates are at midnight UTC and the zero time
// means absent; a date field listed in MonthOnly was given to the month
// only, and its day is 1.
type Record struct {
	Name           string
	IDNumber       domain.IDNumber
	Sex            domain.Sex
	BirthDate      time.Time
	Ethnicity      Ethnicity
	Political      Political
	Education      Education
	Degree         Degree
	School         string
	Major          string
	GraduationDate time.Time
	StartedWork    time.Time
	JoinedUnit     time.Time
	PostCategory   domain.PostCategory
	// PostLevel is the level within the post category: 1–13 for
	// professional posts, 1–10 for management, 1–5 for worker posts.
	PostLevel     int
	AppointedDate time.Time
	// TitleSeries is the series' name in the title catalogue.
	TitleSeries   string
	TitleName     string
	TitleGrade    domain.Grade
	TitleDate     time.Time
	TitleMethod   TitleMethod
	CertificateNo string
	Status        domain.PersonStatus
	StatusDate    time.Time
	Overseas      bool // recruited from abroad (境外引进人才)
	Postdoctoral  bool // postdoctoral researcher (博士后科研人才)
	Mobile        string
	// MonthOnly holds the date fields given to the month only.
	MonthOnly DateFields
}

// DateFields is a set of the record's date fields.
type DateFields uint8

// dateFields are the date fields, in the order of their bits in
// DateFields.
var dateFields = []string{
	FieldBirthDate, FieldGraduationDate, FieldStartedWork, FieldJoinedUnit,
	FieldAppointedDate, FieldTitleDate, FieldStatusDate,
}

// NewDateFields returns the set of the named date fields; a key that is
// not a date field is ignored.
func NewDateFields(fields ...string) DateFields {
	var s DateFields
	for _, f := range fields {
		s = s.With(f, true)
	}
	return s
}

// Has reports whether the set holds the date field with the given key.
func (s DateFields) Has(field string) bool {
	b := dateBit(field)
	return b != 0 && s&b != 0
}

// With returns the set with the field added, or removed if on is false.
func (s DateFields) With(field string, on bool) DateFields {
	if on {
		return s | dateBit(field)
	}
	return s &^ dateBit(field)
}

func dateBit(field string) DateFields {
	for i, f := range dateFields {
		if f == field {
			return 1 << i
		}
	}
	return 0
}

// The field keys, as [Problem.Field] and [Record.MonthOnly] name them.
const (
	FieldName           = "name"
	FieldIDNumber       = "id_number"
	FieldSex            = "sex"
	FieldBirthDate      = "birth_date"
	FieldEthnicity      = "ethnicity"
	FieldPolitical      = "political"
	FieldEducation      = "education"
	FieldDegree         = "degree"
	FieldSchool         = "school"
	FieldMajor          = "major"
	FieldGraduationDate = "graduation_date"
	FieldStartedWork    = "started_work"
	FieldJoinedUnit     = "joined_unit"
	FieldPostCategory   = "post_category"
	FieldPostLevel      = "post_level"
	FieldAppointedDate  = "appointed_date"
	FieldTitleSeries    = "title_series"
	FieldTitleName      = "title_name"
	FieldTitleGrade     = "title_grade"
	FieldTitleDate      = "title_date"
	FieldTitleMethod    = "title_method"
	FieldCertificateNo  = "certificate_no"
	FieldStatus         = "status"
	FieldStatusDate     = "status_date"
	FieldOverseas       = "overseas"
	FieldPostdoctoral   = "postdoctoral"
	FieldMobile         = "mobile"
)

// Fields returns the field keys in template order.
func Fields() []string {
	out := make([]string, len(columnSpecs))
	for i, c := range columnSpecs {
		out[i] = c.Field
	}
	return out
}

// date returns a pointer to the date field with the given key, or nil.
func (r *Record) date(field string) *time.Time {
	switch field {
	case FieldBirthDate:
		return &r.BirthDate
	case FieldGraduationDate:
		return &r.GraduationDate
	case FieldStartedWork:
		return &r.StartedWork
	case FieldJoinedUnit:
		return &r.JoinedUnit
	case FieldAppointedDate:
		return &r.AppointedDate
	case FieldTitleDate:
		return &r.TitleDate
	case FieldStatusDate:
		return &r.StatusDate
	}
	return nil
}

// Derive fills what a record leaves blank and its other fields tell: the
// name normalised (see [NormalizeName]); sex and birth date from a valid ID
// number; the title's grade, and its series when only one series has it,
// from the catalogue; the status serving when neither a status nor a status
// date is given. It changes nothing that was given.
func (r *Record) Derive(cat *catalog.Catalog) {
	r.Name = NormalizeName(r.Name)
	if id, err := domain.ParseIDNumber(string(r.IDNumber)); err == nil {
		r.IDNumber = id
		if r.Sex == "" {
			r.Sex = id.Sex()
		}
		if r.BirthDate.IsZero() {
			r.BirthDate = id.BirthDate()
			r.MonthOnly = r.MonthOnly.With(FieldBirthDate, false)
		}
	}
	r.deriveTitle(cat)
	if r.Status == "" && r.StatusDate.IsZero() {
		r.Status = domain.PersonServing
	}
}

// deriveTitle fills the title's series and grade from its name.
func (r *Record) deriveTitle(cat *catalog.Catalog) {
	if r.TitleName == "" {
		return
	}
	if r.TitleSeries == "" {
		if series := seriesOf(cat, r.TitleName); len(series) == 1 {
			r.TitleSeries = series[0]
		}
	}
	if r.TitleGrade == "" {
		r.TitleGrade = gradeOf(cat, r.TitleSeries, r.TitleName)
	}
}

// seriesOf returns the names of the series that have a title of that name.
func seriesOf(cat *catalog.Catalog, title string) []string {
	var out []string
	for _, t := range indexOf(cat).byTitle[title] {
		out = append(out, t.Series)
	}
	return out
}

// gradeOf returns the grade of the title in the series, or, when the series
// is blank, the grade the title has in every series that has it; "" if
// there is none or the series disagree.
func gradeOf(cat *catalog.Catalog, series, title string) domain.Grade {
	if series != "" {
		t, _ := cat.Title(series, title)
		return t.Grade
	}
	var g domain.Grade
	for _, t := range indexOf(cat).byTitle[title] {
		if g != "" && t.Grade != g {
			return ""
		}
		g = t.Grade
	}
	return g
}

// titleIndex maps each title name of a catalogue to the series that have
// it; building it walks the whole catalogue, so it is built once per
// catalogue.
type titleIndex struct {
	byTitle map[string][]catalog.Title
	names   []string // every title name once, in catalogue order
}

// titleIndexes keeps the index of each catalogue used, for the life of the
// program: catalogues are loaded once per tenant and never change.
var titleIndexes sync.Map // *catalog.Catalog → *titleIndex

func indexOf(cat *catalog.Catalog) *titleIndex {
	if ix, ok := titleIndexes.Load(cat); ok {
		return ix.(*titleIndex)
	}
	ix := &titleIndex{byTitle: map[string][]catalog.Title{}}
	for _, s := range cat.Series() {
		for _, g := range domain.Grades {
			for _, name := range cat.Titles(s.Name, g) {
				t, _ := cat.Title(s.Name, name)
				if len(ix.byTitle[name]) == 0 {
					ix.names = append(ix.names, name)
				}
				ix.byTitle[name] = append(ix.byTitle[name], t)
			}
		}
	}
	actual, _ := titleIndexes.LoadOrStore(cat, ix)
	return actual.(*titleIndex)
}
