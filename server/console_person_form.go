package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// personField is one field of the person form.
type personField struct {
	Key     string // the record's field key; also the form name
	Kind    string // text, date, select, check
	Value   string
	Options []option
	Error   string
}

// option is a choice of a select field.
type option struct{ Value, Name string }

// codeOptions lists a code list's choices.
func codeOptions[T ~string](l *roster.CodeList[T]) []option {
	var out []option
	for _, c := range l.Codes() {
		out = append(out, option{string(c.Code), c.Name})
	}
	return out
}

// personFields lays out the form of DOMAIN.md §8 for record r.
func personFields(r roster.Record) []personField {
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	level := ""
	if r.PostLevel != 0 {
		level = strconv.Itoa(r.PostLevel)
	}
	check := func(b bool) string {
		if b {
			return "on"
		}
		return ""
	}
	return []personField{
		{Key: roster.FieldName, Kind: "text", Value: r.Name},
		{Key: roster.FieldIDNumber, Kind: "text", Value: string(r.IDNumber)},
		{Key: roster.FieldSex, Kind: "select", Value: string(r.Sex), Options: codeOptions(roster.Sexes)},
		{Key: roster.FieldBirthDate, Kind: "date", Value: date(r.BirthDate)},
		{Key: roster.FieldEthnicity, Kind: "select", Value: string(r.Ethnicity), Options: codeOptions(roster.Ethnicities)},
		{Key: roster.FieldPolitical, Kind: "select", Value: string(r.Political), Options: codeOptions(roster.PoliticalStatuses)},
		{Key: roster.FieldEducation, Kind: "select", Value: string(r.Education), Options: codeOptions(roster.Educations)},
		{Key: roster.FieldDegree, Kind: "select", Value: string(r.Degree), Options: codeOptions(roster.Degrees)},
		{Key: roster.FieldSchool, Kind: "text", Value: r.School},
		{Key: roster.FieldMajor, Kind: "text", Value: r.Major},
		{Key: roster.FieldGraduationDate, Kind: "date", Value: date(r.GraduationDate)},
		{Key: roster.FieldStartedWork, Kind: "date", Value: date(r.StartedWork)},
		{Key: roster.FieldJoinedUnit, Kind: "date", Value: date(r.JoinedUnit)},
		{Key: roster.FieldPostCategory, Kind: "select", Value: string(r.PostCategory), Options: codeOptions(roster.PostCategories)},
		{Key: roster.FieldPostLevel, Kind: "text", Value: level},
		{Key: roster.FieldAppointedDate, Kind: "date", Value: date(r.AppointedDate)},
		{Key: roster.FieldTitleSeries, Kind: "text", Value: r.TitleSeries},
		{Key: roster.FieldTitleName, Kind: "text", Value: r.TitleName},
		{Key: roster.FieldTitleGrade, Kind: "select", Value: string(r.TitleGrade), Options: codeOptions(roster.Grades)},
		{Key: roster.FieldTitleDate, Kind: "date", Value: date(r.TitleDate)},
		{Key: roster.FieldTitleMethod, Kind: "select", Value: string(r.TitleMethod), Options: codeOptions(roster.TitleMethods)},
		{Key: roster.FieldOverseas, Kind: "check", Value: check(r.Overseas)},
		{Key: roster.FieldPostdoctoral, Kind: "check", Value: check(r.Postdoctoral)},
		{Key: roster.FieldMobile, Kind: "text", Value: r.Mobile},
	}
}

// readPerson reads the posted form into a record; a date that is not a
// date is reported by field.
func readPerson(r *http.Request) (roster.Record, map[string]string) {
	p := r.PostForm
	bad := map[string]string{}
	date := func(key string) time.Time {
		v := strings.TrimSpace(p.Get(key))
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			bad[key] = "ui.form.date"
		}
		return t
	}
	rec := roster.Record{
		Name: strings.TrimSpace(p.Get(roster.FieldName)), IDNumber: domain.IDNumber(strings.TrimSpace(p.Get(roster.FieldIDNumber))),
		Sex: domain.Sex(p.Get(roster.FieldSex)), BirthDate: date(roster.FieldBirthDate),
		Ethnicity: roster.Ethnicity(p.Get(roster.FieldEthnicity)), Political: roster.Political(p.Get(roster.FieldPolitical)),
		Education: roster.Education(p.Get(roster.FieldEducation)), Degree: roster.Degree(p.Get(roster.FieldDegree)),
		School: strings.TrimSpace(p.Get(roster.FieldSchool)), Major: strings.TrimSpace(p.Get(roster.FieldMajor)),
		GraduationDate: date(roster.FieldGraduationDate), StartedWork: date(roster.FieldStartedWork),
		JoinedUnit: date(roster.FieldJoinedUnit), PostCategory: domain.PostCategory(p.Get(roster.FieldPostCategory)),
		AppointedDate: date(roster.FieldAppointedDate), TitleSeries: strings.TrimSpace(p.Get(roster.FieldTitleSeries)),
		TitleName: strings.TrimSpace(p.Get(roster.FieldTitleName)), TitleGrade: domain.Grade(p.Get(roster.FieldTitleGrade)),
		TitleDate: date(roster.FieldTitleDate), TitleMethod: roster.TitleMethod(p.Get(roster.FieldTitleMethod)),
		Overseas: p.Get(roster.FieldOverseas) == "on", Postdoctoral: p.Get(roster.FieldPostdoctoral) == "on",
		Mobile: strings.TrimSpace(p.Get(roster.FieldMobile)), Status: domain.PersonServing,
	}
	if v := strings.TrimSpace(p.Get(roster.FieldPostLevel)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad[roster.FieldPostLevel] = "ui.form.number"
		}
		rec.PostLevel = n
	}
	return rec, bad
}

// personFormData is the person form page.
type personFormData struct {
	ID     int
	Fields []personField
}

// newPerson shows an empty person form.
func (c *console) newPerson(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.s.engine.Authorize(r.Context(), policies.ObjPerson, policies.ActCreate); err != nil {
		return err
	}
	return c.renderPersonForm(w, v, http.StatusOK, 0, personFields(roster.Record{}))
}

// editPerson shows a person's record in the form; ID and phone numbers
// are shown whole there, so opening it is logged like a reveal.
func (c *console) editPerson(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.s.engine.Authorize(r.Context(), policies.ObjPerson, policies.ActUpdate); err != nil {
		return err
	}
	id := intVar(r, "id")
	d, err := c.s.engine.Person(r.Context(), id)
	if err != nil {
		return err
	}
	rev, err := c.s.engine.RevealPerson(r.Context(), id)
	if err != nil {
		return err
	}
	return c.renderPersonForm(w, v, http.StatusOK, id, personFields(recordOf(d, rev)))
}

// savePerson creates or changes a person; problems show by their fields.
func (c *console) savePerson(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := intVar(r, "id")
	rec, bad := readPerson(r)
	fields := personFields(rec)
	if len(bad) > 0 {
		for i, f := range fields {
			if k, ok := bad[f.Key]; ok {
				fields[i].Error = v.T(k)
			}
		}
		return c.renderPersonForm(w, v, http.StatusBadRequest, id, fields)
	}
	p, err := c.s.engine.SavePerson(r.Context(), v.Actor.UnitID, id, rec)
	var probs engine.RecordProblems
	if errors.As(err, &probs) {
		for _, pr := range probs {
			for i, f := range fields {
				if f.Key == pr.Field {
					fields[i].Error = roster.DefaultText(roster.Problem{Field: pr.Field, Code: pr.Code, Params: pr.Params})
				}
			}
		}
		v.Error = v.Message(engine.AsError(err))
		return c.renderPersonForm(w, v, http.StatusBadRequest, id, fields)
	}
	if k := engine.ErrorKind(err); k == engine.KindConflict || k == engine.KindInvalid {
		v.Error = v.Message(engine.AsError(err))
		return c.renderPersonForm(w, v, statusOf(k), id, fields)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/people/%d", p.ID), http.StatusSeeOther)
	return nil
}

func (c *console) renderPersonForm(w http.ResponseWriter, v *view, status, id int, fields []personField) error {
	v.Title, v.Nav, v.Data = v.T("ui.person.form"), "people", personFormData{ID: id, Fields: fields}
	return c.render(w, status, "person_form", v)
}

// setStatus marks a person retired, left or serving from a date.
func (c *console) setStatus(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := intVar(r, "id")
	var date time.Time
	if s := r.PostFormValue("status_date"); s != "" {
		date, _ = time.Parse(time.DateOnly, s)
	}
	_, err := c.s.engine.SetPersonStatus(r.Context(), id, domain.PersonStatus(r.PostFormValue("status")), date)
	if k := engine.ErrorKind(err); k == engine.KindInvalid {
		d, derr := c.s.engine.Person(r.Context(), id)
		if derr != nil {
			return derr
		}
		v.Title, v.Nav, v.Data, v.Error = d.Name, "people", personData{PersonDetail: d}, v.Message(engine.AsError(err))
		return c.render(w, http.StatusBadRequest, "person", v)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/people/%d", id), http.StatusSeeOther)
	return nil
}

// recordOf rebuilds the form's record from a person's page and numbers.
func recordOf(d engine.PersonDetail, rev engine.Revealed) roster.Record {
	t := func(p *time.Time) time.Time {
		if p == nil {
			return time.Time{}
		}
		return *p
	}
	r := roster.Record{
		Name: d.Name, IDNumber: domain.IDNumber(rev.IDNumber), Sex: d.Sex, BirthDate: t(d.BirthDate),
		Ethnicity: roster.Ethnicity(d.Ethnicity), Political: roster.Political(d.Political),
		Education: roster.Education(d.Education), Degree: roster.Degree(d.Degree), School: d.School,
		Major: d.Major, GraduationDate: t(d.GraduationDate), StartedWork: t(d.StartedWork),
		JoinedUnit: t(d.JoinedUnit), AppointedDate: t(d.AppointedDate), TitleSeries: d.TitleSeries,
		TitleName: d.TitleName, TitleDate: t(d.TitleDate), TitleMethod: roster.TitleMethod(d.TitleMethod),
		Overseas: d.Overseas, Postdoctoral: d.Postdoctoral, Mobile: rev.Mobile, Status: d.Status,
	}
	if d.PostCategory != nil {
		r.PostCategory = *d.PostCategory
	}
	if d.PostLevel != nil {
		r.PostLevel = *d.PostLevel
	}
	if d.TitleGrade != nil {
		r.TitleGrade = *d.TitleGrade
	}
	return r
}
