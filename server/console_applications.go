package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
	titles "github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// applicationRoutes adds the pages of title applications: the clerk's
// lists of evaluations and recognitions with their form, the detail page
// with its actions, and the reviewers' queue.
func (c *console) applicationRoutes(r *mux.Router) {
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/applications", c.auth(c.applications)).Methods(get)
	r.Handle("/applications", c.auth(c.createApplication)).Methods(post)
	r.Handle("/applications/new", c.auth(c.newApplication)).Methods(get)
	r.Handle("/applications/{id:[0-9]+}", c.auth(c.application)).Methods(get)
	r.Handle("/applications/{id:[0-9]+}/edit", c.auth(c.editApplication)).Methods(get)
	r.Handle("/applications/{id:[0-9]+}/edit", c.auth(c.updateApplication)).Methods(post)
	r.Handle("/applications/{id:[0-9]+}/{action:submit|withdraw|delete|approve|return|reject}",
		c.auth(c.actOnApplication)).Methods(post)
	r.Handle("/application-reviews", c.auth(c.applicationReviews)).Methods(get)
}

// applicationKind is the kind a page asks for; evaluation by default.
func applicationKind(s string) domain.ApplicationKind {
	if k := domain.ApplicationKind(s); k.Valid() {
		return k
	}
	return domain.KindEvaluation
}

// navOf is the menu entry of a kind's pages.
func navOf(k domain.ApplicationKind) string { return string(k) }

// applicationsData is a list of applications with the unit's quota use.
type applicationsData struct {
	Kind         domain.ApplicationKind
	Year         int
	Unit         int
	Applications []engine.Application
	Quota        []engine.QuotaUse
}

// applications lists the evaluations or recognitions of a year; for an
// evaluation list of one unit, the use of its quota above.
func (c *console) applications(w http.ResponseWriter, r *http.Request, v *view) error {
	d := applicationsData{Kind: applicationKind(r.URL.Query().Get("kind")), Year: yearParam(r), Unit: unitParam(r, v)}
	list, err := c.s.engine.Applications(r.Context(), engine.ApplicationFilter{UnitID: d.Unit, Year: d.Year, Kind: d.Kind})
	if err != nil {
		return err
	}
	d.Applications = list
	if d.Kind == domain.KindEvaluation && d.Unit != 0 {
		if d.Quota, err = c.s.engine.ApplicationQuotaUse(r.Context(), d.Unit, d.Year); err != nil {
			return err
		}
	}
	v.Title, v.Nav, v.Data = v.Name("application_kind", d.Kind), navOf(d.Kind), d
	if !v.Is(string(domain.RoleUnitClerk)) {
		v.Nav = "applications"
	}
	return c.render(w, http.StatusOK, "applications", v)
}

// applicationForm is the application form: what the clerk chose, kept
// when the server refuses it, with refusals beside their fields, and the
// preview of the person's facts and eligibility.
type applicationForm struct {
	ID, Version, Year int
	Kind              domain.ApplicationKind
	PersonID          int
	Series            string
	TargetGrade       string
	TargetTitle       string
	Channel           string
	Exceptional       bool
	Recommenders      [2]domain.Recommender

	Preview       *engine.Application
	Errors        map[string]string
	Query         string
	People        []engine.PersonSummary
	SeriesOptions []string
	Titles        []string
	Channels      []domain.Channel
}

// newApplication shows the search for a person of the unit, then the form
// filled from the chosen person's record.
func (c *console) newApplication(w http.ResponseWriter, r *http.Request, v *view) error {
	if !v.Is(string(domain.RoleUnitClerk)) {
		return requestError(engine.KindPermissionDenied, "permission_denied", nil)
	}
	q := r.URL.Query()
	f := applicationForm{Kind: applicationKind(q.Get("kind")), Year: yearParam(r), Query: strings.TrimSpace(q.Get("q"))}
	f.PersonID, _ = strconv.Atoi(q.Get("person"))
	f.Series, f.TargetGrade, f.TargetTitle = q.Get("series"), q.Get("target_grade"), q.Get("target_title")
	if f.PersonID == 0 {
		page, err := c.s.engine.People(r.Context(), engine.PeopleFilter{UnitID: v.Actor.UnitID,
			Query: f.Query, Status: domain.PersonServing, Limit: 50})
		if err != nil {
			return err
		}
		f.People = page.Items
	}
	if f.Kind == domain.KindEvaluation {
		f.Channel = string(domain.ChannelNormal)
	}
	return c.renderApplicationForm(w, r, v, http.StatusOK, f)
}

// createApplication checks the form's conditions again, or saves a new
// draft.
func (c *console) createApplication(w http.ResponseWriter, r *http.Request, v *view) error {
	f, err := readApplicationForm(w, r)
	if err != nil {
		return err
	}
	if r.PostFormValue("op") == "check" {
		return c.renderApplicationForm(w, r, v, http.StatusOK, f)
	}
	x, err := c.s.engine.CreateApplication(r.Context(), f.input())
	if err != nil {
		return c.refuseApplicationForm(w, r, v, f, err)
	}
	http.Redirect(w, r, v.Path("/applications/%d", x.ID), http.StatusSeeOther)
	return nil
}

// editApplication shows a draft or returned application in the form.
func (c *console) editApplication(w http.ResponseWriter, r *http.Request, v *view) error {
	x, err := c.s.engine.Application(r.Context(), intVar(r, "id"))
	if err != nil {
		return err
	}
	if !v.Is(string(domain.RoleUnitClerk)) {
		return requestError(engine.KindPermissionDenied, "permission_denied", nil)
	}
	if !x.Status.Editable() {
		return requestError(engine.KindConflict, "application.not_editable", engine.P{"status": x.Status})
	}
	f := applicationForm{ID: x.ID, Version: x.Version, Year: x.Year, Kind: x.Kind, PersonID: x.Person.ID,
		Series: x.Series, TargetGrade: string(x.TargetGrade), TargetTitle: x.TargetTitle,
		Channel: string(x.Channel), Exceptional: x.Exceptional}
	copy(f.Recommenders[:], x.Recommenders)
	return c.renderApplicationForm(w, r, v, http.StatusOK, f)
}

// updateApplication checks the form's conditions again, or saves the
// changes.
func (c *console) updateApplication(w http.ResponseWriter, r *http.Request, v *view) error {
	f, err := readApplicationForm(w, r)
	if err != nil {
		return err
	}
	f.ID = intVar(r, "id")
	if r.PostFormValue("op") == "check" {
		return c.renderApplicationForm(w, r, v, http.StatusOK, f)
	}
	if _, err := c.s.engine.UpdateApplication(r.Context(), f.ID, f.input()); err != nil {
		return c.refuseApplicationForm(w, r, v, f, err)
	}
	http.Redirect(w, r, v.Path("/applications/%d", f.ID), http.StatusSeeOther)
	return nil
}

// applicationFields places the engine's refusals beside their fields.
var applicationFields = map[string]string{
	"application.series":                  "series",
	"application.grade":                   "target_grade",
	"application.title":                   "target_title",
	"application.channel":                 "channel",
	"application.channel_recognition":     "channel",
	"application.channel_person":          "channel",
	"application.exceptional_recognition": "exceptional",
	"application.recommenders":            "recommenders",
	"application.recommender":             "recommenders",
	"application.recommender_too_long":    "recommenders",
	"application.recommender_duplicate":   "recommenders",
}

// refuseApplicationForm shows the form again with the engine's refusal
// beside its field, or above the form.
func (c *console) refuseApplicationForm(w http.ResponseWriter, r *http.Request, v *view, f applicationForm, err error) error {
	e := engine.AsError(err)
	if e.Kind == engine.KindInternal || e.Kind == engine.KindNotFound {
		return err
	}
	if field, ok := applicationFields[e.Code]; ok {
		f.Errors = map[string]string{field: v.Message(e)}
	} else {
		v.Error = v.Message(e)
	}
	return c.renderApplicationForm(w, r, v, statusOf(e.Kind), f)
}

// renderApplicationForm fills the form's choices and the preview of the
// chosen person, and shows it.
func (c *console) renderApplicationForm(w http.ResponseWriter, r *http.Request, v *view, status int, f applicationForm) error {
	for _, s := range titles.Default().Series() {
		f.SeriesOptions = append(f.SeriesOptions, s.Name)
	}
	if f.PersonID != 0 {
		p, err := c.s.engine.PreviewApplication(r.Context(), f.input())
		if err != nil {
			return err
		}
		f.Preview = &p
		f.Titles = titles.Default().Titles(f.Series, domain.Grade(f.TargetGrade))
		if f.Kind == domain.KindEvaluation {
			f.Channels = c.channels(r, p.Unit.ID, f.Year)
		}
	}
	v.Nav, v.Data = navOf(f.Kind), f
	if f.ID != 0 {
		v.Title = v.T("ui.application.edit_title", "kind", v.Name("application_kind", f.Kind), "id", f.ID)
	} else {
		v.Title = v.T("ui.application.new_title", "kind", v.Name("application_kind", f.Kind))
	}
	return c.render(w, status, "application_form", v)
}

// channels lists the quota an evaluation may use: the normal channel, and
// the special channels the unit has approved lines of this year.
func (c *console) channels(r *http.Request, unitID, year int) []domain.Channel {
	out := []domain.Channel{domain.ChannelNormal}
	uses, err := c.s.engine.ApplicationQuotaUse(r.Context(), unitID, year)
	if err != nil {
		return out
	}
	for _, u := range uses {
		if u.Channel != domain.ChannelNormal && u.Approved > 0 && !containsChannel(out, u.Channel) {
			out = append(out, u.Channel)
		}
	}
	return out
}

func containsChannel(cs []domain.Channel, c domain.Channel) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// readApplicationForm reads the posted application form.
func readApplicationForm(w http.ResponseWriter, r *http.Request) (applicationForm, error) {
	if err := parseForm(w, r); err != nil {
		return applicationForm{}, err
	}
	p := r.PostForm
	f := applicationForm{Kind: applicationKind(p.Get("kind")), Series: strings.TrimSpace(p.Get("series")),
		TargetGrade: p.Get("target_grade"), TargetTitle: p.Get("target_title"), Channel: p.Get("channel"),
		Exceptional: p.Get("exceptional") == "on"}
	f.Year, _ = strconv.Atoi(p.Get("year"))
	f.Version, _ = strconv.Atoi(p.Get("version"))
	f.PersonID, _ = strconv.Atoi(p.Get("person"))
	names, ranks := p["recommender_name"], p["recommender_title"]
	for i := range f.Recommenders {
		f.Recommenders[i] = domain.Recommender{Name: at(names, i), Title: at(ranks, i)}
	}
	return f, nil
}

// input turns the form into the engine's input.
func (f applicationForm) input() engine.ApplicationInput {
	in := engine.ApplicationInput{Kind: f.Kind, PersonID: f.PersonID, Year: f.Year, Version: f.Version,
		Series: f.Series, TargetGrade: domain.Grade(f.TargetGrade), TargetTitle: f.TargetTitle,
		Channel: domain.Channel(f.Channel), Exceptional: f.Exceptional}
	if f.Exceptional {
		in.Recommenders = f.Recommenders[:]
	}
	return in
}

// applicationDetail is an application with what the page needs besides.
type applicationDetail struct {
	engine.Application
	Reason string // a reason typed for a refused return or rejection
}

// application shows an application, its person's facts, its eligibility,
// its history and what the user may do with it.
func (c *console) application(w http.ResponseWriter, r *http.Request, v *view) error {
	return c.renderApplication(w, r, v, http.StatusOK, intVar(r, "id"), "")
}

func (c *console) renderApplication(w http.ResponseWriter, r *http.Request, v *view, status, id int, reason string) error {
	x, err := c.s.engine.Application(r.Context(), id)
	if err != nil {
		return err
	}
	v.Title = v.T("ui.application.title", "kind", v.Name("application_kind", x.Kind), "id", x.ID)
	v.Nav, v.Data = navOf(x.Kind), applicationDetail{Application: x, Reason: reason}
	if v.IsReviewer() {
		v.Nav = "application_review"
	}
	return c.render(w, status, "application", v)
}

// actOnApplication carries out a button of the application page.
func (c *console) actOnApplication(w http.ResponseWriter, r *http.Request, v *view) error {
	e := c.s.engine
	if mux.Vars(r)["action"] == "delete" {
		id, _, err := buttonForm(w, r)
		var x engine.Application
		if err == nil {
			x, err = e.Application(r.Context(), id)
		}
		if err == nil {
			err = e.DeleteApplication(r.Context(), id)
		}
		if err == nil {
			http.Redirect(w, r, v.Path("/applications?kind=%s&year=%d", x.Kind, x.Year), http.StatusSeeOther)
			return nil
		}
		if k := engine.ErrorKind(err); k == engine.KindConflict {
			v.Error = v.Message(engine.AsError(err))
			return c.renderApplication(w, r, v, statusOf(k), id, "")
		}
		return err
	}
	moves := map[string]move[engine.Application]{
		"submit": e.SubmitApplication, "withdraw": e.WithdrawApplication,
		"approve": e.ApproveApplication, "return": e.ReturnApplication, "reject": e.RejectApplication,
	}
	return press(w, r, v, moves, "/applications/%d", func(status, id int, reason string) error {
		return c.renderApplication(w, r, v, status, id, reason)
	})
}

// applicationReviews is the reviewer's queue of title applications.
func (c *console) applicationReviews(w http.ResponseWriter, r *http.Request, v *view) error {
	q, err := c.s.engine.ApplicationQueue(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.application_review"), "application_review", q
	return c.render(w, http.StatusOK, "application_reviews", v)
}

// ReasonText says an eligibility reason in the user's language, with
// grades and educations by their names.
func (v *view) ReasonText(rs engine.Reason) string {
	params := make(map[string]any, len(rs.Params))
	for k, p := range rs.Params {
		params[k] = v.namedValue(p)
	}
	if msg := text(v.loc, rs.Code, params); msg != "" {
		return msg
	}
	return rs.Code
}

// namedValue is a parameter of a reason as the user reads it.
func (v *view) namedValue(p any) any {
	switch x := p.(type) {
	case domain.Grade:
		return v.Name("grade", x)
	case domain.Education:
		return v.Name("education_level", x)
	case []domain.Education:
		sep := "、"
		if v.Lang == "en" {
			sep = ", "
		}
		names := make([]string, len(x))
		for i, e := range x {
			names[i] = v.Name("education_level", e)
		}
		return strings.Join(names, sep)
	}
	return p
}

// EducationLevel names the education level of a person's codes.
func (v *view) EducationLevel(education, degree string) string {
	e := domain.EducationOf(education, degree)
	if e == "" {
		return ""
	}
	return v.Name("education_level", e)
}

// Channels lists every channel, normal first.
func (v *view) Channels() []string { return domain.Channel("").Values() }

// Plus1 counts from one what a range counts from zero.
func (v *view) Plus1(i int) int { return i + 1 }
