package engine_test

import (
	"slices"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/ent/postplanhistory"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// enterprise is the first demo enterprise: no institution system, no
// post plan until its clerk enters one.
var enterprise = tenants.DemoEnterprises[0].CreditCode

// stateHospitalPlan is 州人民医院's plan of 2026 from the export (gwsz),
// levels 1–13, as vacancy_test.go lists it.
var stateHospitalPlan = []int{0, 2, 5, 6, 27, 29, 49, 40, 29, 59, 19, 39, 10}

// byHand turns a unit of the institution system into one whose clerk
// enters the plan, as if it had never used the institution system.
func byHand(t *testing.T, f *enginetest.Fixture, code string) int {
	t.Helper()
	id := f.UnitID(t, code)
	err := f.Engine.Client().Unit.UpdateOneID(id).SetUsesInstitutionSystem(false).
		Exec(f.As(t, tenants.DemoAdmin))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func plan(year int, approved ...int) engine.PostPlanInput {
	return engine.PostPlanInput{Year: year, Approved: approved}
}

func TestPostPlanRatioWarnings(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, enterprise)
		unitID := f.UnitID(t, enterprise)

		// Levels 1–13: full senior 0:1:2, associate 2:4:4, intermediate
		// 12:16:12, assistant 40:40, technician 20. Senior 13 of 153 ≤ 1/10;
		// senior and intermediate 53 ≤ 153 × 4/10 = 61.2; inside each grade
		// every prefix is within its share (e.g. 2 ≤ 10 × 2/10, 6 ≤ 10 × 6/10).
		p, err := e.SavePostPlan(clerk, unitID, plan(year, 0, 0, 1, 2, 2, 4, 4, 12, 16, 12, 40, 40, 20))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Warnings) != 0 {
			t.Errorf("got warnings %+v, want none", p.Warnings)
		}
		if p.Total != 153 || p.Grade(domain.GradeAssociateSenior).Approved != 10 || !p.Editable() {
			t.Errorf("got total %d, associate senior %d, editable %v; want 153, 10, true",
				p.Total, p.Grade(domain.GradeAssociateSenior).Approved, p.Editable())
		}

		// Level 6 from 4 to 10. Grades: senior 0+1+2+2+10+4 = 19 of 159,
		// more than 159 × 1/10 = 15.9, so at most 15. Associate 2:10:4 of 16
		// against 2:4:4: level 5 holds 2 ≤ 16 × 2/10 = 3.2, but levels 5–6
		// hold 12 > 16 × 6/10 = 9.6, so at most 9.
		p, err = e.SavePostPlan(clerk, unitID, plan(year, 0, 0, 1, 2, 2, 10, 4, 12, 16, 12, 40, 40, 20))
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.RatioWarning{
			{Ratio: "grades", Parts: []int{1, 3, 6}, Posts: []int{19, 40, 100}, Top: 1, Held: 19, Total: 159, Limit: 15},
			{Ratio: "associate_senior", Parts: []int{2, 4, 4}, Posts: []int{2, 10, 4}, Top: 2, Held: 12, Total: 16, Limit: 9},
		}
		if !slices.EqualFunc(p.Warnings, want, equalWarning) {
			t.Errorf("got warnings\n%+v\nwant\n%+v", p.Warnings, want)
		}

		// The vacancy table reads the new plan: associate senior 16.
		table, err := e.Vacancies(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		if got := table.Grade(domain.GradeAssociateSenior).Approved; got != 16 {
			t.Errorf("vacancy table: associate senior approved %d, want 16", got)
		}

		admin := f.As(t, tenants.DemoAdmin)
		n, err := e.Client().AuditEvent.Query().Where(auditevent.Event("post_plan.save")).Count(admin)
		if err != nil || n != 2 {
			t.Errorf("got %d post_plan.save audit entries (%v), want 2", n, err)
		}
		hist, err := e.Client().PostPlanHistory.Query().
			Where(postplanhistory.UnitID(unitID), postplanhistory.Level(6)).All(admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[1].OldApproved != 4 || hist[1].NewApproved == nil || *hist[1].NewApproved != 10 {
			t.Errorf("level 6 history: got %d entries, want 0→4 then 4→10", len(hist))
		}
	})
}

func equalWarning(a, b engine.RatioWarning) bool {
	return a.Ratio == b.Ratio && slices.Equal(a.Parts, b.Parts) && slices.Equal(a.Posts, b.Posts) &&
		a.Top == b.Top && a.Held == b.Held && a.Total == b.Total && a.Limit == b.Limit
}

func TestPostPlanInputRefused(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		clerk := f.As(t, enterprise)
		unitID := f.UnitID(t, enterprise)
		tests := []struct {
			name string
			in   engine.PostPlanInput
			code string
			kind engine.Kind
		}{
			{"twelve levels", plan(year, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), "postplan.levels", engine.KindInvalid},
			{"negative", plan(year, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0), "postplan.approved", engine.KindInvalid},
			{"year", plan(1999, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "year", engine.KindInvalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.Engine.SavePostPlan(clerk, unitID, tt.in)
				ee := wantKind(t, err, tt.kind, tt.code)
				if tt.code == "postplan.approved" && (ee.Params["level"] != 4 || ee.Params["value"] != -1) {
					t.Errorf("got params %v, want level 4 value -1", ee.Params)
				}
			})
		}
		p, err := f.Engine.PostPlan(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 0 {
			t.Errorf("refused plans left %d posts, want 0", p.Total)
		}
	})
}

// TestPostPlanFromInstitutionSystem: a unit of the institution system
// shows its synchronised plan and cannot change it by hand.
func TestPostPlanFromInstitutionSystem(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		p, err := f.Engine.PostPlan(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		// 13 + 105 + 128 + 58 + 10 from the export.
		if !p.FromInstitutionSystem || p.Editable() || p.Total != 314 {
			t.Errorf("got from institution system %v, editable %v, total %d; want true, false, 314",
				p.FromInstitutionSystem, p.Editable(), p.Total)
		}
		_, err = f.Engine.SavePostPlan(clerk, unitID, plan(year, stateHospitalPlan...))
		wantKind(t, err, engine.KindConflict, "postplan.from_institution_system")
		_, err = f.Engine.SavePostPlan(f.As(t, stateHealthWJ), unitID, plan(year, stateHospitalPlan...))
		wantKind(t, err, engine.KindPermissionDenied, "")
	})
}

func TestPostPlanLock(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, enterprise)
		unitID := f.UnitID(t, enterprise)
		in := plan(year, 0, 0, 1, 2, 2, 4, 4, 12, 16, 12, 40, 40, 20)

		_, err := e.LockPostPlans(clerk, year, true)
		wantKind(t, err, engine.KindPermissionDenied, "")

		// 吉首市's bureau locks its county; the enterprise is a prefecture unit.
		county := f.As(t, tenants.DemoBureau+"-433101")
		if st, err := e.LockPostPlans(county, year, true); err != nil || !st.Locked {
			t.Fatalf("county lock: got %+v, %v", st, err)
		}
		if _, err := e.SavePostPlan(clerk, unitID, in); err != nil {
			t.Fatalf("a county's lock held a prefecture unit: %v", err)
		}

		bureau := f.As(t, tenants.DemoBureau)
		if _, err := e.LockPostPlans(bureau, year, true); err != nil {
			t.Fatal(err)
		}
		// The county's bureau sees that the prefecture's lock holds its units.
		st, err := e.PostPlanLock(county, year)
		if err != nil || st.PrefectureLockedAt == nil || !st.Locked {
			t.Errorf("county's view: got %+v, %v; want its own lock and the prefecture's", st, err)
		}
		if st, err := e.PostPlanLock(bureau, year); err != nil || st.PrefectureLockedAt != nil {
			t.Errorf("prefecture's view: got %+v, %v; want no prefecture lock above it", st, err)
		}
		in.Approved[12] = 21
		_, err = e.SavePostPlan(clerk, unitID, in)
		ee := wantKind(t, err, engine.KindConflict, "postplan.locked")
		if ee.Params["year"] != year {
			t.Errorf("got params %v, want the year", ee.Params)
		}
		p, err := e.PostPlan(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		if p.Lock == nil || p.Editable() || p.Level(13).Approved != 20 {
			t.Errorf("locked plan: lock %v, editable %v, level 13 %d; want a lock, false, 20",
				p.Lock, p.Editable(), p.Level(13).Approved)
		}
		// Next year is not locked.
		if _, err := e.SavePostPlan(clerk, unitID, plan(year+1, in.Approved...)); err != nil {
			t.Errorf("next year: %v", err)
		}

		if _, err := e.LockPostPlans(bureau, year, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SavePostPlan(clerk, unitID, in); err != nil {
			t.Errorf("after unlock: %v", err)
		}
		events, err := e.Client().AuditEvent.Query().
			Where(auditevent.EventIn("post_plan.lock", "post_plan.unlock"), auditevent.Result("ok")).
			Order(auditevent.ByID()).All(f.As(t, tenants.DemoAdmin))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range events {
			got = append(got, ev.Event+"/"+ev.Username)
		}
		wantEvents := []string{"post_plan.lock/bureau-433101", "post_plan.lock/bureau", "post_plan.unlock/bureau"}
		if !slices.Equal(got, wantEvents) {
			t.Errorf("audit: got %v, want %v", got, wantEvents)
		}
	})
}

// TestPostPlanBelowReserved: 州人民医院, entered by hand, full senior 13
// approved (levels 2–4: 2, 5, 6), 12 occupied. A submitted declaration
// reserves the one vacant seat; lowering the grade to 12 would leave
// 12 − 12 = 0 for 1 reserved.
func TestPostPlanBelowReserved(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := byHand(t, f, stateHospital)
		d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeFullSenior, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}

		lower := slices.Clone(stateHospitalPlan)
		lower[3] = 5 // level 4: 6 → 5
		_, err = e.SavePostPlan(clerk, unitID, plan(year, lower...))
		ee := wantKind(t, err, engine.KindConflict, "postplan.below_reserved")
		wantParams := engine.P{"grade": domain.GradeFullSenior, "approved": 12, "occupied": 12, "reserved": 1}
		for k, v := range wantParams {
			if ee.Params[k] != v {
				t.Errorf("param %s: got %v, want %v", k, ee.Params[k], v)
			}
		}
		assertReserved(t, e, clerk, unitID, domain.GradeFullSenior, 1, 0)
		if tb, _ := e.Vacancies(clerk, unitID, year); tb.Grade(domain.GradeFullSenior).Approved != 13 {
			t.Errorf("refused plan changed approved to %d", tb.Grade(domain.GradeFullSenior).Approved)
		}

		// Moving a post between levels of the grade keeps it at 13.
		moved := slices.Clone(lower)
		moved[2] = 6 // level 3: 5 → 6
		if _, err := e.SavePostPlan(clerk, unitID, plan(year, moved...)); err != nil {
			t.Errorf("moving a post inside the grade: %v", err)
		}

		// Once the declaration is withdrawn, nothing holds the seat.
		if _, err := e.WithdrawDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SavePostPlan(clerk, unitID, plan(year, lower...)); err != nil {
			t.Errorf("after withdrawal: %v", err)
		}
		assertReserved(t, e, clerk, unitID, domain.GradeFullSenior, 0, 0)
	})
}

// TestPostPlanSubmitRace has a clerk lower the plan of 州人民医院's full
// senior grade (13 → 12, with 12 occupied) while another submits a
// declaration for its only vacant seat: one of the two may pass, and the
// reserved quota never exceeds approved − occupied.
func TestPostPlanSubmitRace(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		unitID := byHand(t, f, stateHospital)
		clerk := f.As(t, stateHospital)
		second := createUser(t, f, engine.UserSpec{Username: "clerk2", Role: domain.RoleUnitClerk, UnitID: unitID})
		lower := slices.Clone(stateHospitalPlan)
		lower[3] = 5
		for round := range 4 {
			if _, err := e.SavePostPlan(clerk, unitID, plan(year, stateHospitalPlan...)); err != nil {
				t.Fatalf("round %d: reset plan: %v", round, err)
			}
			d, err := e.CreateDeclaration(second, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeFullSenior, 1)})
			if err != nil {
				t.Fatal(err)
			}
			errs := race(2, func(i int) error {
				if i == 0 {
					_, err := e.SubmitDeclaration(second, d.ID, engine.Action{})
					return err
				}
				_, err := e.SavePostPlan(clerk, unitID, plan(year, lower...))
				return err
			})
			wins := 0
			for i, err := range errs {
				switch engine.ErrorKind(err) {
				case "":
					wins++
				case engine.KindConflict:
					code := engine.AsError(err).Code
					if (i == 0 && code != "quota.exceeds_vacancy") || (i == 1 && code != "postplan.below_reserved") {
						t.Errorf("round %d: %d refused with %s", round, i, code)
					}
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: got %d winners (%v), want 1", round, wins, errs)
			}
			tb, err := e.Vacancies(clerk, unitID, year)
			if err != nil {
				t.Fatal(err)
			}
			r := tb.Grade(domain.GradeFullSenior)
			if r.Reserved > r.Approved-r.Occupied {
				t.Fatalf("round %d: reserved %d over approved %d − occupied %d", round, r.Reserved, r.Approved, r.Occupied)
			}
			if errs[0] == nil {
				if _, err := e.WithdrawDeclaration(second, d.ID, engine.Action{}); err != nil {
					t.Fatal(err)
				}
			} else if err := e.DeleteDeclaration(second, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	})
}
