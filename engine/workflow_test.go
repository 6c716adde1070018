package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

const (
	year          = 2026
	healthSeries  = "卫生技术人员"
	stateHealthWJ = "433100-WJW" // the department of the state hospitals
)

func lines(g domain.Grade, n int) []engine.Line {
	return []engine.Line{{Channel: domain.ChannelNormal, Grade: g, Series: healthSeries, Count: n, Reason: "临床科室需要"}}
}

func wantKind(t *testing.T, err error, kind engine.Kind, code string) *engine.Error {
	t.Helper()
	if got := engine.ErrorKind(err); got != kind {
		t.Fatalf("got error %v (kind %q), want kind %q", err, got, kind)
	}
	e := engine.AsError(err)
	if code != "" && e.Code != code {
		t.Fatalf("got code %q, want %q (%v)", e.Code, code, err)
	}
	return e
}

func TestDeclarationApprovalChain(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		dept := f.As(t, stateHealthWJ)
		bureau := f.As(t, tenants.DemoBureau)
		unitID := f.UnitID(t, stateHospital)

		d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 2)})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != domain.StatusDraft || d.Unit.ID != unitID {
			t.Fatalf("got status %s unit %d, want draft of unit %d", d.Status, d.Unit.ID, unitID)
		}

		// A draft reserves nothing.
		assertReserved(t, e, clerk, unitID, domain.GradeAssociateSenior, 0, 7)

		d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{Version: d.Version})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != domain.StatusInReview || d.Stage != domain.RoleDepartmentReviewer {
			t.Fatalf("after submit: got %s/%s, want in_review/department_reviewer", d.Status, d.Stage)
		}
		// 105 approved − 98 occupied − 2 reserved = 5.
		assertReserved(t, e, clerk, unitID, domain.GradeAssociateSenior, 2, 5)

		// The bureau cannot act before the department.
		_, err = e.ApproveDeclaration(bureau, d.ID, engine.Action{})
		wantKind(t, err, engine.KindConflict, "declaration.not_awaiting")

		queue, err := e.ReviewQueue(dept)
		if err != nil {
			t.Fatal(err)
		}
		if !containsDeclaration(queue, d.ID) {
			t.Fatalf("department queue lacks declaration %d", d.ID)
		}
		if d, err = e.ApproveDeclaration(dept, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if d.Status != domain.StatusInReview || d.Stage != domain.RoleBureauReviewer {
			t.Fatalf("after department: got %s/%s, want in_review/bureau_reviewer", d.Status, d.Stage)
		}
		if d, err = e.ApproveDeclaration(bureau, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if d.Status != domain.StatusApproved {
			t.Fatalf("after bureau: got %s, want approved", d.Status)
		}
		wantActions(t, d, "submit", "approve", "approve")
		if h := d.History[2]; h.Username != tenants.DemoBureau || h.Role != domain.RoleBureauReviewer ||
			h.FromStatus != domain.StatusInReview || h.ToStatus != domain.StatusApproved {
			t.Errorf("last history entry: got %+v", h)
		}
		// Approved quota stays reserved.
		assertReserved(t, e, clerk, unitID, domain.GradeAssociateSenior, 2, 5)

		events, err := e.Client().AuditEvent.Query().
			Where(auditevent.Object(fmt.Sprintf("declaration:%d", d.ID))).
			Order(auditevent.ByID()).All(f.As(t, tenants.DemoAdmin))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range events {
			got = append(got, ev.Event+"/"+ev.Username)
		}
		want := []string{"declaration.create/" + stateHospital, "declaration.submit/" + stateHospital,
			"declaration.approve/" + stateHealthWJ, "declaration.approve/" + tenants.DemoBureau}
		if !slices.Equal(got, want) {
			t.Errorf("audit log: got %v, want %v", got, want)
		}
	})
}

func TestDeclarationOverVacancy(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)

		t.Run("create", func(t *testing.T) {
			_, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 8)})
			ee := wantKind(t, err, engine.KindConflict, "quota.exceeds_vacancy")
			if ee.Params["grade"] != domain.GradeAssociateSenior || ee.Params["vacancy"] != 7 || ee.Params["asked"] != 8 {
				t.Errorf("got params %v, want grade associate_senior, vacancy 7, asked 8", ee.Params)
			}
			list, err := e.Declarations(clerk, engine.DeclarationFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 0 {
				t.Errorf("got %d declarations after a refused one, want 0", len(list))
			}
		})

		t.Run("exactly full grade", func(t *testing.T) {
			// 州民族中医院: associate senior 43 approved, 43 occupied.
			_, err := e.CreateDeclaration(f.As(t, tcmHospital), engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 1)})
			ee := wantKind(t, err, engine.KindConflict, "quota.exceeds_vacancy")
			if ee.Params["vacancy"] != 0 {
				t.Errorf("got vacancy %v, want 0", ee.Params["vacancy"])
			}
		})

		t.Run("over-staffed grade", func(t *testing.T) {
			// 吉首市人民医院: 25 approved, 26 occupied.
			_, err := e.CreateDeclaration(f.As(t, jishouHospital), engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 1)})
			wantKind(t, err, engine.KindConflict, "quota.exceeds_vacancy")
		})

		t.Run("submit after another submission took the room", func(t *testing.T) {
			// Vacancy 4 at intermediate (128 − 124): two drafts of 3 fit alone.
			first, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeIntermediate, 3)})
			if err != nil {
				t.Fatal(err)
			}
			second, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeIntermediate, 3)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.SubmitDeclaration(clerk, first.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			_, err = e.SubmitDeclaration(clerk, second.ID, engine.Action{})
			ee := wantKind(t, err, engine.KindConflict, "quota.exceeds_vacancy")
			if ee.Params["vacancy"] != 1 || ee.Params["asked"] != 3 {
				t.Errorf("got params %v, want vacancy 1, asked 3", ee.Params)
			}
			got, err := e.Declaration(clerk, second.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != domain.StatusDraft || got.Version != second.Version || len(got.History) != 0 {
				t.Errorf("refused submission changed the draft: %+v", got)
			}
			assertReserved(t, e, clerk, f.UnitID(t, stateHospital), domain.GradeIntermediate, 3, 1)
		})
	})
}

func TestReturnRejectWithdraw(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		dept := f.As(t, stateHealthWJ)
		unitID := f.UnitID(t, stateHospital)
		submitted := func(n int) engine.Declaration {
			t.Helper()
			d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssistant, n)})
			if err != nil {
				t.Fatal(err)
			}
			if d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			return d
		}

		t.Run("return needs a reason, releases quota, keeps history", func(t *testing.T) {
			d := submitted(2)
			_, err := e.ReturnDeclaration(dept, d.ID, engine.Action{Reason: "  "})
			wantKind(t, err, engine.KindInvalid, "review.reason_required")
			d, err = e.ReturnDeclaration(dept, d.ID, engine.Action{Reason: "请补充申报理由"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != domain.StatusReturned {
				t.Fatalf("got %s, want returned", d.Status)
			}
			// Assistant: 58 approved − 55 occupied = 3, all free again.
			assertReserved(t, e, clerk, unitID, domain.GradeAssistant, 0, 3)

			d, err = e.UpdateDeclaration(clerk, d.ID, engine.DeclarationInput{Version: d.Version, Lines: lines(domain.GradeAssistant, 1)})
			if err != nil {
				t.Fatal(err)
			}
			if d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			wantActions(t, d, "submit", "return", "submit")
			if d.History[1].Reason != "请补充申报理由" {
				t.Errorf("got return reason %q", d.History[1].Reason)
			}
			assertReserved(t, e, clerk, unitID, domain.GradeAssistant, 1, 2)
			if _, err := e.WithdrawDeclaration(clerk, d.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("reject is final", func(t *testing.T) {
			d := submitted(1)
			d, err := e.RejectDeclaration(dept, d.ID, engine.Action{Reason: "不符合条件"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != domain.StatusRejected {
				t.Fatalf("got %s, want rejected", d.Status)
			}
			_, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{})
			wantKind(t, err, engine.KindConflict, "declaration.not_editable")
			_, err = e.UpdateDeclaration(clerk, d.ID, engine.DeclarationInput{Lines: lines(domain.GradeAssistant, 1)})
			wantKind(t, err, engine.KindConflict, "declaration.not_editable")
			assertReserved(t, e, clerk, unitID, domain.GradeAssistant, 0, 3)
		})

		t.Run("withdrawn cannot be approved", func(t *testing.T) {
			d := submitted(1)
			d, err := e.WithdrawDeclaration(clerk, d.ID, engine.Action{})
			if err != nil {
				t.Fatal(err)
			}
			if d.Status != domain.StatusWithdrawn {
				t.Fatalf("got %s, want withdrawn", d.Status)
			}
			_, err = e.ApproveDeclaration(dept, d.ID, engine.Action{})
			wantKind(t, err, engine.KindConflict, "declaration.not_awaiting")
			assertReserved(t, e, clerk, unitID, domain.GradeAssistant, 0, 3)
		})

		t.Run("a stale version is a conflict", func(t *testing.T) {
			d := submitted(1)
			_, err := e.ApproveDeclaration(dept, d.ID, engine.Action{Version: d.Version - 1})
			wantKind(t, err, engine.KindConflict, "declaration.changed")
		})

		t.Run("only drafts are deleted", func(t *testing.T) {
			d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeTechnician, 1)})
			if err != nil {
				t.Fatal(err)
			}
			if err := e.DeleteDeclaration(clerk, d.ID); err != nil {
				t.Fatal(err)
			}
			_, err = e.Declaration(clerk, d.ID)
			wantKind(t, err, engine.KindNotFound, "")
			s := submitted(1)
			err = e.DeleteDeclaration(clerk, s.ID)
			wantKind(t, err, engine.KindConflict, "declaration.not_deletable")
		})
	})
}

func TestDeclarationInputRefused(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		clerk := f.As(t, stateHospital)
		tests := []struct {
			name string
			in   engine.DeclarationInput
			code string
		}{
			{"no lines", engine.DeclarationInput{Year: year}, "declaration.no_lines"},
			{"year", engine.DeclarationInput{Year: 1999, Lines: lines(domain.GradeAssistant, 1)}, "year"},
			{"grade", engine.DeclarationInput{Year: year, Lines: lines("senior", 1)}, "declaration.grade"},
			{"count", engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssistant, 0)}, "declaration.count"},
			{"series", engine.DeclarationInput{Year: year, Lines: []engine.Line{{Grade: domain.GradeAssistant, Count: 1}}}, "declaration.series"},
			{"reason", engine.DeclarationInput{Year: year, Lines: []engine.Line{
				{Grade: domain.GradeAssistant, Series: healthSeries, Count: 1, Reason: " "},
			}}, "declaration.reason_required"},
			{"unknown series", engine.DeclarationInput{Year: year, Lines: []engine.Line{
				{Grade: domain.GradeAssistant, Series: "炼金术人员", Count: 1},
			}}, "declaration.series"},
			{"unknown channel", engine.DeclarationInput{Year: year, Lines: []engine.Line{
				{Channel: "lottery", Grade: domain.GradeAssistant, Series: healthSeries, Count: 1, Reason: "x"},
			}}, "declaration.channel"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.Engine.CreateDeclaration(clerk, tt.in)
				wantKind(t, err, engine.KindInvalid, tt.code)
			})
		}
	})
}

func TestRolePermissions(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		in := engine.DeclarationInput{UnitID: f.UnitID(t, stateHospital), Year: year, Lines: lines(domain.GradeAssistant, 1)}
		for _, who := range []string{stateHealthWJ, tenants.DemoBureau, tenants.DemoAdmin} {
			_, err := e.CreateDeclaration(f.As(t, who), in)
			wantKind(t, err, engine.KindPermissionDenied, "")
		}
		denied, err := e.Client().AuditEvent.Query().
			Where(auditevent.Event("declaration.create"), auditevent.Result("denied")).
			Count(f.As(t, tenants.DemoAdmin))
		if err != nil || denied != 3 {
			t.Errorf("got %d denied creations in the audit log (%v), want 3", denied, err)
		}
		clerk := f.As(t, stateHospital)
		d, err := e.CreateDeclaration(clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		// A draft is the unit's own until it is submitted.
		_, err = e.Declaration(f.As(t, stateHealthWJ), d.ID)
		wantKind(t, err, engine.KindNotFound, "")
		if ds, _ := e.Declarations(f.As(t, stateHealthWJ), engine.DeclarationFilter{}); len(ds) != 0 {
			t.Errorf("the department lists %d drafts", len(ds))
		}
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		_, err = e.ApproveDeclaration(clerk, d.ID, engine.Action{})
		wantKind(t, err, engine.KindPermissionDenied, "")
		_, err = e.ReviewQueue(clerk)
		wantKind(t, err, engine.KindPermissionDenied, "")
		_, err = e.Declarations(context.Background(), engine.DeclarationFilter{})
		wantKind(t, err, engine.KindUnauthenticated, "")
	})
}

// TestLastSeatRace has two clerks of one unit submit, at the same moment,
// declarations for the only vacant full-senior seat of 州人民医院 (13
// approved, 12 occupied): exactly one may win.
func TestLastSeatRace(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		unitID := f.UnitID(t, stateHospital)
		second := createUser(t, f, engine.UserSpec{Username: "clerk2", Role: domain.RoleUnitClerk, UnitID: unitID})
		clerks := []context.Context{f.As(t, stateHospital), second}
		var ids []int
		for _, c := range clerks {
			d, err := e.CreateDeclaration(c, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeFullSenior, 1)})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID)
		}
		errs := race(len(clerks), func(i int) error {
			_, err := e.SubmitDeclaration(clerks[i], ids[i], engine.Action{})
			return err
		})
		wantOneWinner(t, errs, "quota.exceeds_vacancy")
		assertReserved(t, e, clerks[0], unitID, domain.GradeFullSenior, 1, 0)
	})
}

// TestReviewerRace has two reviewers of one department approve the same
// declaration at the same moment: one wins, the other gets a conflict.
func TestReviewerRace(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		first := f.As(t, stateHealthWJ)
		a, _ := domain.ActorFrom(first)
		second := createUser(t, f, engine.UserSpec{Username: "reviewer2", Role: domain.RoleDepartmentReviewer, DepartmentID: a.DepartmentID})
		d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssistant, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		reviewers := []context.Context{first, second}
		errs := race(2, func(i int) error {
			_, err := e.ApproveDeclaration(reviewers[i], d.ID, engine.Action{})
			return err
		})
		wantOneWinner(t, errs, "")
		got, err := e.Declaration(clerk, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Stage != domain.RoleBureauReviewer || len(got.History) != 2 {
			t.Errorf("got stage %s with %d history entries, want bureau_reviewer with 2", got.Stage, len(got.History))
		}
	})
}

// race runs fn(0..n-1) in goroutines released together.
func race(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func wantOneWinner(t *testing.T, errs []error, code string) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
			continue
		}
		ee := wantKind(t, err, engine.KindConflict, code)
		if ee.Kind == engine.KindInternal {
			t.Errorf("internal error in race: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("got %d winners, want exactly 1 (errors %v)", wins, errs)
	}
}

func createUser(t *testing.T, f *enginetest.Fixture, spec engine.UserSpec) context.Context {
	t.Helper()
	spec.TenantID, spec.Password = f.Tenant.ID, tenants.DemoPassword
	if _, err := f.Engine.CreateUser(f.As(t, tenants.DemoAdmin), spec); err != nil {
		t.Fatal(err)
	}
	return f.As(t, spec.Username)
}

func assertReserved(t *testing.T, e *engine.Engine, ctx context.Context, unitID int, g domain.Grade, reserved, vacancy int) {
	t.Helper()
	table, err := e.Vacancies(ctx, unitID, year)
	if err != nil {
		t.Fatal(err)
	}
	r := table.Grade(g)
	if r.Reserved != reserved || r.Vacancy != vacancy {
		t.Errorf("grade %s: got reserved %d vacancy %d, want reserved %d vacancy %d",
			g, r.Reserved, r.Vacancy, reserved, vacancy)
	}
}

func wantActions(t *testing.T, d engine.Declaration, actions ...string) {
	t.Helper()
	if len(d.History) != len(actions) {
		t.Fatalf("got %d history entries, want %d: %+v", len(d.History), len(actions), d.History)
	}
	for i, a := range actions {
		if d.History[i].Action != a {
			t.Errorf("history %d: got %s, want %s", i, d.History[i].Action, a)
		}
	}
}

func containsDeclaration(ds []engine.Declaration, id int) bool {
	for _, d := range ds {
		if d.ID == id {
			return true
		}
	}
	return false
}

// TestLongChineseText stores reasons of the full 500 characters in
// Chinese, three bytes each, and refuses the 501st.
func TestLongChineseText(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		long := strings.Repeat("长", 500)
		in := engine.DeclarationInput{Year: year, Lines: []engine.Line{
			{Grade: domain.GradeAssistant, Series: healthSeries, Count: 1, Reason: long},
		}}
		d, err := e.CreateDeclaration(clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		if d.Lines[0].Reason != long {
			t.Errorf("reason came back with %d characters", len([]rune(d.Lines[0].Reason)))
		}
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ReturnDeclaration(f.As(t, stateHealthWJ), d.ID, engine.Action{Reason: strings.Repeat("退", 500)}); err != nil {
			t.Errorf("500-character return reason: %v", err)
		}
		in.Lines[0].Reason = long + "长"
		_, err = e.CreateDeclaration(clerk, in)
		wantKind(t, err, engine.KindInvalid, "declaration.reason_too_long")
		_, err = e.Login(context.Background(), f.Tenant.ID, strings.Repeat("名", 100), "x")
		wantKind(t, err, engine.KindUnauthenticated, "auth.bad_credentials")
	})
}
