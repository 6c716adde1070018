package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// loginPage shows the login form, with why the user is there when a
// session ended.
func (c *console) loginPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if v.Actor != nil {
		http.Redirect(w, r, v.Path("/"), http.StatusSeeOther)
		return nil
	}
	v.Title = v.T("ui.login.title")
	if reason := r.URL.Query().Get("reason"); reason == "auth.idle" {
		v.Notice = v.T("auth.idle")
	}
	v.Data = loginForm{}
	return c.render(w, http.StatusOK, "login", v)
}

// loginForm keeps what the user typed, never the password.
type loginForm struct {
	Username string
}

// login checks the password and opens a session; a refusal shows the form
// again with the reason.
func (c *console) login(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	form := loginForm{Username: strings.TrimSpace(r.PostFormValue("username"))}
	sess, err := c.s.engine.Login(r.Context(), v.Tenant.ID, form.Username, r.PostFormValue("password"))
	if engine.ErrorKind(err) == engine.KindUnauthenticated {
		v.Title, v.Data, v.Error = v.T("ui.login.title"), form, v.Message(engine.AsError(err))
		return c.render(w, http.StatusUnauthorized, "login", v)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, newSessionCookie(r, sess.Token))
	http.Redirect(w, r, v.Path("/"), http.StatusSeeOther)
	return nil
}

// logout ends the session and returns to the login page.
func (c *console) logout(w http.ResponseWriter, r *http.Request, v *view) error {
	if token := infoFrom(r.Context()).token; token != "" {
		if err := c.s.engine.Logout(r.Context(), token); err != nil {
			return err
		}
	}
	clearSessionCookie(w, r)
	http.Redirect(w, r, v.Path("/login"), http.StatusSeeOther)
	return nil
}

// homeData counts what awaits the user.
type homeData struct {
	Drafts, Returned, InReview, Approved, ToReview int
	// ApplicationsToReview counts the title applications awaiting the
	// reviewer.
	ApplicationsToReview int
}

// home shows what awaits the user, with counts that link to the lists.
func (c *console) home(w http.ResponseWriter, r *http.Request, v *view) error {
	var d homeData
	if v.Is(string(domain.RoleUnitClerk)) {
		ds, err := c.s.engine.Declarations(r.Context(), engine.DeclarationFilter{})
		if err != nil {
			return err
		}
		for _, x := range ds {
			switch x.Status {
			case domain.StatusDraft:
				d.Drafts++
			case domain.StatusReturned:
				d.Returned++
			case domain.StatusInReview:
				d.InReview++
			case domain.StatusApproved:
				d.Approved++
			}
		}
	}
	if v.IsReviewer() {
		q, err := c.s.engine.ReviewQueue(r.Context())
		if err != nil {
			return err
		}
		d.ToReview = len(q)
		aq, err := c.s.engine.ApplicationQueue(r.Context())
		if err != nil {
			return err
		}
		d.ApplicationsToReview = len(aq)
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.home"), "home", d
	return c.render(w, http.StatusOK, "home", v)
}

// units lists the units in the user's charge.
func (c *console) units(w http.ResponseWriter, r *http.Request, v *view) error {
	us, err := c.s.engine.Units(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.units"), "units", us
	return c.render(w, http.StatusOK, "units", v)
}

// unit shows a unit's basic information.
func (c *console) unit(w http.ResponseWriter, r *http.Request, v *view) error {
	u, err := c.s.engine.Unit(r.Context(), intVar(r, "id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = u.Name, "units", u
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("ui.unit.saved")
	}
	return c.render(w, http.StatusOK, "unit", v)
}

// unitForm is the unit edit form: what the clerk typed and the choices.
type unitForm struct {
	ID          int
	In          engine.UnitInput
	Departments []engine.Department
}

// editUnit shows the unit's basic information in a form.
func (c *console) editUnit(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := c.s.engine.Authorize(r.Context(), policies.ObjUnit, policies.ActUpdate); err != nil {
		return err
	}
	u, err := c.s.engine.Unit(r.Context(), intVar(r, "id"))
	if err != nil {
		return err
	}
	in := engine.UnitInput{
		Name: u.Name, CreditCode: string(u.CreditCode), Kind: u.Kind, Funding: u.Funding,
		Sector: u.Sector, Region: u.Region, DepartmentID: u.DepartmentID,
		ContactName: u.ContactName, ContactPhone: u.ContactPhone, Address: u.Address,
		UsesInstitutionSystem: u.UsesInstitutionSystem,
	}
	return c.renderUnitForm(w, r, v, http.StatusOK, unitForm{ID: u.ID, In: in})
}

// updateUnit saves the form; a refusal shows it again with the reason.
func (c *console) updateUnit(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	p := r.PostForm
	f := unitForm{ID: intVar(r, "id"), In: engine.UnitInput{
		Name: p.Get("name"), CreditCode: p.Get("credit_code"), Kind: domain.UnitKind(p.Get("kind")),
		Funding: p.Get("funding"), Sector: p.Get("sector"), Region: domain.RegionCode(p.Get("region")),
		ContactName: p.Get("contact_name"), ContactPhone: p.Get("contact_phone"),
		Address: p.Get("address"), UsesInstitutionSystem: p.Get("uses_institution_system") == "on",
	}}
	f.In.DepartmentID, _ = strconv.Atoi(p.Get("department_id"))
	_, err := c.s.engine.UpdateUnit(r.Context(), f.ID, f.In)
	if k := engine.ErrorKind(err); k == engine.KindInvalid {
		v.Error = v.Message(engine.AsError(err))
		return c.renderUnitForm(w, r, v, http.StatusBadRequest, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/units/%d?saved=1", f.ID), http.StatusSeeOther)
	return nil
}

func (c *console) renderUnitForm(w http.ResponseWriter, r *http.Request, v *view, status int, f unitForm) error {
	ds, err := c.s.engine.Departments(r.Context())
	if err != nil {
		return err
	}
	f.Departments = ds
	v.Title, v.Nav, v.Data = v.T("ui.unit.edit"), "units", f
	return c.render(w, status, "unit_form", v)
}

// peopleData is a page of people and the search that found it.
type peopleData struct {
	engine.PeoplePage
	Query      string
	Unit       int
	Level      int
	Status     string
	Sort       string
	Prev, Next string // links, "" at the ends
	From, To   int
}

const peoplePerPage = 20

// people lists the people in the user's charge, searchable and paged.
func (c *console) people(w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	unit, _ := strconv.Atoi(q.Get("unit"))
	level, _ := strconv.Atoi(q.Get("level"))
	d := peopleData{Query: strings.TrimSpace(q.Get("q")), Unit: unit, Level: level,
		Status: q.Get("status"), Sort: q.Get("sort")}
	page, err := c.s.engine.People(r.Context(), engine.PeopleFilter{
		UnitID: unit, Query: d.Query, PostLevel: level, Status: domain.PersonStatus(d.Status),
		Sort: d.Sort, Offset: max(0, offset), Limit: peoplePerPage,
	})
	if err != nil {
		return err
	}
	d.PeoplePage = page
	d.From, d.To = page.Offset+1, page.Offset+len(page.Items)
	link := func(off int) string {
		return v.Path("/people?q=%s&unit=%d&level=%d&status=%s&sort=%s&offset=%d", url.QueryEscape(d.Query),
			unit, level, url.QueryEscape(d.Status), url.QueryEscape(d.Sort), off)
	}
	if page.Offset > 0 {
		d.Prev = link(max(0, page.Offset-peoplePerPage))
	}
	if d.To < page.Total {
		d.Next = link(d.To)
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.people"), "people", d
	return c.render(w, http.StatusOK, "people", v)
}

// declarationsData is the declaration page of a unit and year.
type declarationsData struct {
	Year         int
	Unit         int
	Status       string
	Vacancies    *engine.VacancyTable
	Special      *engine.SpecialQuota
	Declarations []engine.Declaration
}

// declarations shows the vacancy table of the unit for the year and the
// unit's declarations with where each stands.
func (c *console) declarations(w http.ResponseWriter, r *http.Request, v *view) error {
	d := declarationsData{Year: yearParam(r), Unit: unitParam(r, v), Status: r.URL.Query().Get("status")}
	if d.Unit != 0 {
		t, err := c.s.engine.Vacancies(r.Context(), d.Unit, d.Year)
		if err != nil {
			return err
		}
		d.Vacancies = &t
		q, err := c.s.engine.SpecialQuota(r.Context(), d.Unit, d.Year)
		if err != nil {
			return err
		}
		d.Special = &q
	}
	ds, err := c.s.engine.Declarations(r.Context(), engine.DeclarationFilter{
		UnitID: d.Unit, Year: d.Year, Status: domain.Status(d.Status),
	})
	if err != nil {
		return err
	}
	d.Declarations = ds
	v.Title, v.Nav, v.Data = v.T("ui.nav.declare"), "declare", d
	if n := r.URL.Query().Get("submitted"); n != "" {
		v.Notice = v.T("ui.declaration.submitted_n", "n", n)
	}
	return c.render(w, http.StatusOK, "declarations", v)
}

// yearParam is the year the page asks for, or the current one.
func yearParam(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		return y
	}
	return time.Now().Year()
}

// unitParam is the unit the page asks for, or the clerk's own.
func unitParam(r *http.Request, v *view) int {
	if u, err := strconv.Atoi(r.URL.Query().Get("unit")); err == nil {
		return u
	}
	return v.Actor.UnitID
}

// submitSelected submits the declarations ticked in the list, each on its
// own; the page reports how many went through and why others did not.
func (c *console) submitSelected(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	var done int
	var problems []string
	for _, s := range r.PostForm["id"] {
		id, _ := strconv.Atoi(s)
		if _, err := c.s.engine.SubmitDeclaration(r.Context(), id, engine.Action{}); err != nil {
			if engine.ErrorKind(err) == engine.KindInternal {
				return err
			}
			problems = append(problems, "#"+s+" "+v.Message(engine.AsError(err)))
			continue
		}
		done++
	}
	if len(problems) == 0 {
		http.Redirect(w, r, v.Path("/declarations?submitted=%d", done), http.StatusSeeOther)
		return nil
	}
	v.Error = strings.Join(problems, "；")
	r.URL.RawQuery = ""
	return c.declarations(w, r, v)
}
