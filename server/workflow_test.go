package server

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// associateSenior declares n associate senior quotas in the normal channel.
func associateSenior(n int) engine.DeclarationInput {
	return engine.DeclarationInput{Year: 2026, Lines: []engine.Line{{
		Channel: domain.ChannelNormal, Grade: domain.GradeAssociateSenior, Series: series, Count: n,
		Reason: "学科建设",
	}}}
}

// TestDeclarationApproved walks a quota declaration through the whole
// chain over HTTP: the clerk of 州人民医院 reads the vacancy, declares two
// associate senior quotas and submits; the health department and then the
// bureau approve; the quota stays reserved.
func TestDeclarationApproved(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		clerk := env.login(t, "xiangxi", stateHospital)
		var me sessionView
		clerk.do(t, http.MethodGet, "/session", nil, http.StatusOK, &me)
		if me.Role != domain.RoleUnitClerk || me.Tenant.Key != "xiangxi" || me.UnitID == 0 {
			t.Fatalf("who am I: got %+v, want a unit clerk of xiangxi with a unit", me)
		}
		vacanciesPath := fmt.Sprintf("/units/%d/vacancies?year=2026", me.UnitID)

		// 105 approved, 98 occupied, nothing reserved: 7 vacant.
		var table engine.VacancyTable
		clerk.do(t, http.MethodGet, vacanciesPath, nil, http.StatusOK, &table)
		checkGrade(t, table, domain.GradeAssociateSenior, figures{105, 98, 0, 7})

		var d engine.Declaration
		resp := clerk.do(t, http.MethodPost, "/declarations", associateSenior(2), http.StatusCreated, &d)
		if got, want := resp.Header.Get("Location"), "/t/xiangxi/api/v1"+declPath(d.ID); got != want {
			t.Errorf("Location: got %q, want %q", got, want)
		}
		checkStatus(t, d, domain.StatusDraft, "")
		d = takeStep(t, clerk, d, "submit", nil)
		checkStatus(t, d, domain.StatusInReview, domain.RoleDepartmentReviewer)

		for _, reviewer := range []string{healthDept, tenants.DemoBureau} {
			c := env.login(t, "xiangxi", reviewer)
			var queue []engine.Declaration
			c.do(t, http.MethodGet, "/reviews", nil, http.StatusOK, &queue)
			if !hasDeclaration(queue, d.ID) {
				t.Fatalf("%s: declaration %d not in the review queue %v", reviewer, d.ID, ids(queue))
			}
			d = approve(t, c, d)
		}
		checkStatus(t, d, domain.StatusApproved, "")

		d = show(t, clerk, d.ID)
		checkHistory(t, d.History, []step{
			{"submit", domain.RoleUnitClerk, domain.StatusDraft, domain.StatusInReview},
			{"approve", domain.RoleDepartmentReviewer, domain.StatusInReview, domain.StatusInReview},
			{"approve", domain.RoleBureauReviewer, domain.StatusInReview, domain.StatusApproved},
		})

		// The approved declaration still holds its 2 seats: 105 − 98 − 2.
		var after engine.VacancyTable
		clerk.do(t, http.MethodGet, vacanciesPath, nil, http.StatusOK, &after)
		checkGrade(t, after, domain.GradeAssociateSenior, figures{105, 98, 2, 5})
	})
}

// TestDeclarationOverVacancy declares 8 associate senior quotas where 7
// are vacant.
func TestDeclarationOverVacancy(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		clerk := env.login(t, "xiangxi", stateHospital)
		list := fmt.Sprintf("/declarations?year=2026&unit_id=%d", env.unitID(stateHospital))
		var before, after []engine.Declaration
		clerk.do(t, http.MethodGet, list, nil, http.StatusOK, &before)

		tests := []struct {
			name, lang, message string
		}{
			{"Chinese by default", "", "副高级评审职数不足：空岗数 7，申报 8"},
			{"English by query", "?lang=en",
				"Not enough associate senior evaluation quota: vacancy 7, asked 8"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := clerk.fail(t, http.MethodPost, "/declarations"+tt.lang, associateSenior(8),
					http.StatusConflict)
				if e.Code != "quota.exceeds_vacancy" {
					t.Errorf("code: got %q, want quota.exceeds_vacancy", e.Code)
				}
				want := map[string]any{"grade": "associate_senior", "vacancy": 7.0, "asked": 8.0}
				for k, v := range want {
					if e.Params[k] != v {
						t.Errorf("param %s: got %v, want %v", k, e.Params[k], v)
					}
				}
				if e.Message != tt.message {
					t.Errorf("message: got %q, want %q", e.Message, tt.message)
				}
			})
		}

		clerk.do(t, http.MethodGet, list, nil, http.StatusOK, &after)
		if !slices.Equal(ids(before), ids(after)) {
			t.Errorf("declarations of the unit: got %v, want %v as before", ids(after), ids(before))
		}
	})
}

// approve approves d at the client's stage, naming the version it read.
func approve(t *testing.T, c *client, d engine.Declaration) engine.Declaration {
	t.Helper()
	return takeStep(t, c, d, "approve", engine.Action{Version: d.Version})
}

// takeStep takes one step on d and returns d as it is after the step.
func takeStep(t *testing.T, c *client, d engine.Declaration, action string,
	body any) engine.Declaration {
	t.Helper()
	var out engine.Declaration
	c.do(t, http.MethodPost, declPath(d.ID, action), body, http.StatusOK, &out)
	return out
}

// show returns declaration id as c sees it.
func show(t *testing.T, c *client, id int) engine.Declaration {
	t.Helper()
	var out engine.Declaration
	c.do(t, http.MethodGet, declPath(id), nil, http.StatusOK, &out)
	return out
}

// figures are a grade row's approved, occupied, reserved and vacancy.
type figures struct{ approved, occupied, reserved, vacancy int }

func checkGrade(t *testing.T, table engine.VacancyTable, g domain.Grade, want figures) {
	t.Helper()
	r := table.Grade(g)
	if got := (figures{r.Approved, r.Occupied, r.Reserved, r.Vacancy}); got != want {
		t.Errorf("%s: got %+v, want %+v", g, got, want)
	}
}

func checkStatus(t *testing.T, d engine.Declaration, status domain.Status, stage domain.Role) {
	t.Helper()
	if d.Status != status || d.Stage != stage {
		t.Fatalf("declaration %d: got %s at %q, want %s at %q", d.ID, d.Status, d.Stage, status, stage)
	}
}

// step is the part of a history entry a test checks.
type step struct {
	action   string
	role     domain.Role
	from, to domain.Status
}

func checkHistory(t *testing.T, history []engine.Event, want []step) {
	t.Helper()
	got := make([]step, len(history))
	for i, ev := range history {
		got[i] = step{ev.Action, ev.Role, ev.FromStatus, ev.ToStatus}
	}
	if !slices.Equal(got, want) {
		t.Errorf("history: got %+v, want %+v", got, want)
	}
}

func ids(ds []engine.Declaration) []int {
	out := make([]int, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func hasDeclaration(ds []engine.Declaration, id int) bool {
	return slices.Contains(ids(ds), id)
}

// TestDeclarationReturnedAndWithdrawn follows the other ways out of
// review: a return that releases the quota until the clerk resubmits, a
// withdrawal, a rejection, and what each leaves possible.
func TestDeclarationReturnedAndWithdrawn(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		clerk := env.login(t, "xiangxi", stateHospital)
		dept := env.login(t, "xiangxi", healthDept)
		vacancy := func() figures {
			t.Helper()
			var table engine.VacancyTable
			path := fmt.Sprintf("/units/%d/vacancies?year=2026", env.unitID(stateHospital))
			clerk.do(t, http.MethodGet, path, nil, http.StatusOK, &table)
			r := table.Grade(domain.GradeAssociateSenior)
			return figures{r.Approved, r.Occupied, r.Reserved, r.Vacancy}
		}

		var d engine.Declaration
		clerk.do(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusCreated, &d)
		d = takeStep(t, clerk, d, "submit", engine.Action{Version: d.Version})
		if got, want := vacancy(), (figures{105, 98, 1, 6}); got != want {
			t.Errorf("submitted: got %+v, want %+v", got, want)
		}
		e := dept.fail(t, http.MethodPost, declPath(d.ID, "return"), engine.Action{},
			http.StatusBadRequest)
		if e.Code != "review.reason_required" || e.Message != "退回或不予通过时必须填写理由" {
			t.Errorf("return without a reason: got %s %q", e.Code, e.Message)
		}
		d = takeStep(t, dept, d, "return", engine.Action{Reason: "请补充说明"})
		checkStatus(t, d, domain.StatusReturned, "")
		if got, want := vacancy(), (figures{105, 98, 0, 7}); got != want {
			t.Errorf("returned: got %+v, want %+v", got, want)
		}

		// The clerk changes the returned declaration and submits it again;
		// an update naming an old version is refused.
		stale := associateSenior(2)
		stale.Version = d.Version - 1
		e = clerk.fail(t, http.MethodPut, declPath(d.ID), stale, http.StatusConflict)
		if e.Code != "declaration.changed" {
			t.Errorf("stale update: got %s, want declaration.changed", e.Code)
		}
		in := associateSenior(2)
		in.Version = d.Version
		clerk.do(t, http.MethodPut, declPath(d.ID), in, http.StatusOK, &d)
		d = takeStep(t, clerk, d, "submit", nil)
		d = takeStep(t, clerk, d, "withdraw", nil)
		checkStatus(t, d, domain.StatusWithdrawn, "")
		if got, want := vacancy(), (figures{105, 98, 0, 7}); got != want {
			t.Errorf("withdrawn: got %+v, want %+v", got, want)
		}
		checkHistory(t, show(t, clerk, d.ID).History, []step{
			{"submit", domain.RoleUnitClerk, domain.StatusDraft, domain.StatusInReview},
			{"return", domain.RoleDepartmentReviewer, domain.StatusInReview, domain.StatusReturned},
			{"submit", domain.RoleUnitClerk, domain.StatusReturned, domain.StatusInReview},
			{"withdraw", domain.RoleUnitClerk, domain.StatusInReview, domain.StatusWithdrawn},
		})
		if e := dept.fail(t, http.MethodPost, declPath(d.ID, "approve"), nil,
			http.StatusConflict); e.Code != "declaration.not_awaiting" {
			t.Errorf("approve a withdrawn declaration: got %s, want declaration.not_awaiting", e.Code)
		}
		if e := clerk.fail(t, http.MethodDelete, declPath(d.ID), nil,
			http.StatusConflict); e.Code != "declaration.not_deletable" {
			t.Errorf("delete a withdrawn declaration: got %s, want declaration.not_deletable", e.Code)
		}

		// A rejection is final; a draft that was never submitted goes away.
		var r engine.Declaration
		clerk.do(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusCreated, &r)
		r = takeStep(t, clerk, r, "submit", nil)
		r = takeStep(t, dept, r, "reject", engine.Action{Reason: "不符合条件"})
		checkStatus(t, r, domain.StatusRejected, "")
		clerk.fail(t, http.MethodPost, declPath(r.ID, "submit"), nil, http.StatusConflict)
		var draft engine.Declaration
		clerk.do(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusCreated, &draft)
		clerk.do(t, http.MethodDelete, declPath(draft.ID), nil, http.StatusNoContent, nil)
		clerk.fail(t, http.MethodGet, declPath(draft.ID), nil, http.StatusNotFound)
	})
}
