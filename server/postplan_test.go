package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestPostPlanAPI enters a demo enterprise's plan through the API, whose
// answers the OpenAPI document checks, reads its special quota, and has
// the bureau lock the year.
func TestPostPlanAPI(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		code := tenants.DemoEnterprises[0].CreditCode
		unit := strconv.Itoa(env.unitID(code))
		clerk := env.login(t, "xiangxi", code)

		// Levels 8–10: 12, 16, 12 = 40 posts, all intermediate: the first two
		// grades (senior and intermediate) hold 40 > 40 × 4/10 = 16.
		in := engine.PostPlanInput{Year: 2026, Approved: []int{0, 0, 0, 0, 0, 0, 0, 12, 16, 12, 0, 0, 0}}
		var p engine.PostPlan
		clerk.do(t, http.MethodPut, "/units/"+unit+"/post-plan", in, http.StatusOK, &p)
		if p.Total != 40 || len(p.Warnings) != 1 || p.Warnings[0].Ratio != "grades" || p.Warnings[0].Limit != 16 {
			t.Errorf("got total %d warnings %+v, want 40 and the grades ratio with limit 16", p.Total, p.Warnings)
		}
		clerk.do(t, http.MethodGet, "/units/"+unit+"/post-plan?year=2026", nil, http.StatusOK, &p)
		if p.Level(9).Approved != 16 {
			t.Errorf("level 9: got %d, want 16", p.Level(9).Approved)
		}
		in.Approved = in.Approved[:12]
		if e := clerk.raw().fail(t, http.MethodPut, "/units/"+unit+"/post-plan", in, http.StatusBadRequest); e.Code != "postplan.levels" {
			t.Errorf("twelve levels: got %s", e.Code)
		}

		// max(1, ⌊40 × 3/100⌋) = 1.
		var q engine.SpecialQuota
		clerk.do(t, http.MethodGet, "/units/"+unit+"/special-quota?year=2026", nil, http.StatusOK, &q)
		if q.Approved != 40 || q.Cap != 1 || len(q.Grades) != 5 {
			t.Errorf("got approved %d cap %d with %d grades, want 40, 1, 5", q.Approved, q.Cap, len(q.Grades))
		}

		bureau := env.login(t, "xiangxi", tenants.DemoBureau)
		var st engine.PlanLockState
		bureau.do(t, http.MethodPut, "/post-plan-locks/2026", nil, http.StatusOK, &st)
		if !st.Locked || st.Region != "433100" {
			t.Errorf("got %+v, want locked for 433100", st)
		}
		in.Approved = append(in.Approved, 1)
		if e := clerk.fail(t, http.MethodPut, "/units/"+unit+"/post-plan", in, http.StatusConflict); e.Code != "postplan.locked" {
			t.Errorf("locked: got %s", e.Code)
		}
		clerk.fail(t, http.MethodPut, "/post-plan-locks/2026", nil, http.StatusForbidden)
		bureau.do(t, http.MethodDelete, "/post-plan-locks/2026", nil, http.StatusOK, &st)
		if st.Locked {
			t.Errorf("after unlock: got %+v", st)
		}
	})
}

// TestPostPlanFormNumbers: digits typed full width count, a number over
// the bound is refused with the range, and nothing is saved then.
func TestPostPlanFormNumbers(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	code := tenants.DemoEnterprises[0].CreditCode
	p := env.forms(t)
	p.login(code)
	form := url.Values{"year": {"2026"}, "level_8": {"１２"}, "level_9": {"　8　"}}
	if status, loc, body := p.do(http.MethodPost, "/postplans", form, nil); status != http.StatusSeeOther {
		t.Fatalf("full-width digits: got %d to %q: %s", status, loc, pageError(body))
	}
	plan, err := f.Engine.PostPlan(f.As(t, code), env.unitID(code), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if got := planLevel(plan, 8); got != 12 {
		t.Fatalf("level 8: got %d, want 12 from １２", got)
	}
	form.Set("level_8", "99999999999999999999")
	status, _, body := p.do(http.MethodPost, "/postplans", form, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "请填写 0 到 9999 之间的整数") {
		t.Errorf("huge number: got %d, want 400 naming the range", status)
	}
	if plan, _ := f.Engine.PostPlan(f.As(t, code), env.unitID(code), 2026); planLevel(plan, 8) != 12 {
		t.Errorf("a refused form changed level 8 to %d", planLevel(plan, 8))
	}
}

// planLevel is the approved posts of level l in a plan.
func planLevel(p engine.PostPlan, l int) int {
	for _, x := range p.Levels {
		if int(x.Level) == l {
			return x.Approved
		}
	}
	return -1
}

// TestPostPlanTwoTabs: two pages of the same plan; the second to save is
// told the plan changed, and the first save stands.
func TestPostPlanTwoTabs(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	code := tenants.DemoEnterprises[0].CreditCode
	p := env.forms(t)
	p.login(code)
	since := regexp.MustCompile(`name="since" value="([^"]*)"`)
	read := func() string {
		_, _, page := p.do(http.MethodGet, "/postplans?year=2026", nil, nil)
		m := since.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the plan form has no since field")
		}
		return m[1]
	}
	// Both tabs read the plan before either saves; then again after a
	// first save, both tabs read the same state.
	for round, levels := range []string{"3", "4"} {
		first, second := read(), read()
		form := url.Values{"year": {"2026"}, "level_8": {levels}, "since": {first}}
		if status, _, body := p.do(http.MethodPost, "/postplans", form, nil); status != http.StatusSeeOther {
			t.Fatalf("round %d first tab: got %d: %s", round, status, pageError(body))
		}
		form = url.Values{"year": {"2026"}, "level_8": {"9"}, "since": {second}}
		status, _, body := p.do(http.MethodPost, "/postplans", form, nil)
		if status != http.StatusConflict || !strings.Contains(body, "已被他人修改") {
			t.Errorf("round %d second tab: got %d, want 409 saying the plan changed: %s", round, status, pageError(body))
		}
		plan, err := f.Engine.PostPlan(f.As(t, code), env.unitID(code), 2026)
		if err != nil || strconv.Itoa(planLevel(plan, 8)) != levels {
			t.Fatalf("round %d: level 8 is %d (%v), want the first tab's %s", round, planLevel(plan, 8), err, levels)
		}
	}
}
