package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/text/width"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// planPage is the post plan page (组织机构 › 岗位职数设置): a unit's plan
// for a year, the values as typed with their errors, the ratio warnings,
// and for the bureau the lock of the year.
type planPage struct {
	Year     int
	Unit     int
	Units    []engine.Unit // the units a reviewer may pick
	Plan     *engine.PostPlan
	Typed    []string // levels 1–13 as typed
	Errors   []string // beside each level
	Note     string
	Warnings []string
	Editable bool
	Lock     *engine.PlanLockState // the bureau's own region
	// Since is the plan's updated_at as the form was filled from it, or
	// "none" for a plan without rows; saving over a later change is refused.
	Since string
}

// Value is level l as typed.
func (p planPage) Value(l domain.PostLevel) string { return at(p.Typed, int(l)-1) }

// Problem is the error beside level l.
func (p planPage) Problem(l domain.PostLevel) string { return at(p.Errors, int(l)-1) }

// postPlans shows a unit's post plan for the year: the clerk's own unit,
// or the unit a reviewer picks.
func (c *console) postPlans(w http.ResponseWriter, r *http.Request, v *view) error {
	p := planPage{Year: yearParam(r), Unit: unitParam(r, v)}
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("ui.postplan.saved")
	}
	return c.renderPlan(w, r, v, http.StatusOK, p)
}

// savePostPlan saves the typed plan; values that are not whole numbers,
// and the engine's refusals, come back beside the fields or above them.
func (c *console) savePostPlan(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	p := planPage{Unit: v.Actor.UnitID, Note: f.Get("note")}
	p.Year, _ = strconv.Atoi(f.Get("year"))
	in := engine.PostPlanInput{Year: p.Year, Note: p.Note}
	switch p.Since = f.Get("since"); p.Since {
	case "":
	case "none":
		in.Since = &time.Time{}
	default:
		if t, err := time.Parse(time.RFC3339Nano, p.Since); err == nil {
			in.Since = &t
		}
	}
	p.Typed, p.Errors = make([]string, 13), make([]string, 13)
	bad := false
	for l := 1; l <= 13; l++ {
		typed := strings.TrimSpace(f.Get(fmt.Sprintf("level_%d", l)))
		p.Typed[l-1] = typed
		// Digits typed with a Chinese input method are full width.
		s := width.Narrow.String(typed)
		if s == "" {
			s = "0"
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > engine.MaxApproved {
			p.Errors[l-1], bad = v.T("ui.postplan.number", "max", engine.MaxApproved), true
		}
		in.Approved = append(in.Approved, n)
	}
	if bad {
		return c.renderPlan(w, r, v, http.StatusBadRequest, p)
	}
	_, err := c.s.engine.SavePostPlan(r.Context(), p.Unit, in)
	switch k := engine.ErrorKind(err); k {
	case "":
		http.Redirect(w, r, v.Path("/postplans?year=%d&saved=1", p.Year), http.StatusSeeOther)
		return nil
	case engine.KindInvalid, engine.KindConflict:
		e := engine.AsError(err)
		if l, ok := e.Params["level"].(int); ok && l >= 1 && l <= 13 {
			p.Errors[l-1] = v.Message(e)
		} else {
			v.Error = v.Message(e)
		}
		return c.renderPlan(w, r, v, statusOf(k), p)
	}
	return err
}

// lockPostPlans locks or unlocks the year for the bureau's region.
func (c *console) lockPostPlans(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	lock := r.PostFormValue("op") == "lock"
	if _, err := c.s.engine.LockPostPlans(r.Context(), year, lock); err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/postplans?year=%d", year), http.StatusSeeOther)
	return nil
}

// renderPlan fills the page from the engine: the plan of the unit (kept
// as typed when the form was refused), its warnings, the units to pick and
// the bureau's lock.
func (c *console) renderPlan(w http.ResponseWriter, r *http.Request, v *view, status int, p planPage) error {
	ctx := r.Context()
	if !v.Is(string(domain.RoleUnitClerk)) {
		us, err := c.s.engine.Units(ctx)
		if err != nil {
			return err
		}
		p.Units = us
	}
	if p.Unit != 0 {
		plan, err := c.s.engine.PostPlan(ctx, p.Unit, p.Year)
		if err != nil {
			return err
		}
		p.Plan = &plan
		p.Editable = v.Is(string(domain.RoleUnitClerk)) && plan.Editable()
		if p.Typed == nil {
			for _, l := range plan.Levels {
				p.Typed = append(p.Typed, strconv.Itoa(l.Approved))
			}
			p.Note = plan.Note
		}
		if p.Since == "" {
			p.Since = "none"
			if plan.UpdatedAt != nil {
				p.Since = plan.UpdatedAt.Format(time.RFC3339Nano)
			}
		}
		for _, w := range plan.Warnings {
			p.Warnings = append(p.Warnings, ratioWarning(v, w))
		}
	}
	if v.Is(string(domain.RoleBureauReviewer)) {
		st, err := c.s.engine.PostPlanLock(ctx, p.Year)
		if err != nil {
			return err
		}
		p.Lock = &st
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.postplans"), "postplans", p
	return c.render(w, status, "postplans", v)
}

// ratioWarning says a ratio warning in the user's language.
func ratioWarning(v *view, w engine.RatioWarning) string {
	join := func(ns []int) string {
		s := make([]string, len(ns))
		for i, n := range ns {
			s[i] = strconv.Itoa(n)
		}
		return strings.Join(s, ":")
	}
	return v.T("postplan.ratio_warning",
		"ratio", v.T("ratio."+w.Ratio), "parts", join(w.Parts), "posts", join(w.Posts),
		"top", v.T(fmt.Sprintf("ratio.%s.top%d", w.Ratio, w.Top)),
		"held", w.Held, "total", w.Total, "limit", w.Limit)
}

// postPlanRoutes adds the post plan pages.
func (c *console) postPlanRoutes(r *mux.Router) {
	get, post := http.MethodGet, http.MethodPost
	r.Handle("/postplans", c.auth(c.postPlans)).Methods(get)
	r.Handle("/postplans", c.auth(c.savePostPlan)).Methods(post)
	r.Handle("/postplans/lock", c.auth(c.lockPostPlans)).Methods(post)
}
