package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

func special(ch domain.Channel, g domain.Grade, n int, people ...int) engine.Line {
	return engine.Line{Channel: ch, Grade: g, Series: healthSeries, Count: n, Reason: "人才引进", People: people}
}

func declare(ls ...engine.Line) engine.DeclarationInput {
	return engine.DeclarationInput{Year: year, Lines: ls}
}

// TestRetireMore works on 吉首市人民医院: associate senior 25 approved, 26
// occupied (vacancy_test.go). Since 1 January 2025 two people retired from
// associate-senior posts (the export's 谭芳, level 6, 2025-04-01, and 舒亚,
// level 7, 2025-02-01; 舒欣松 retired from level 4, a full-senior post).
// The allowance is ⌊2 × 1/2⌋ = 1.
func TestRetireMore(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, jishouHospital)
		unitID := f.UnitID(t, jishouHospital)

		_, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeAssociateSenior, 2)))
		ee := wantKind(t, err, engine.KindConflict, "special.retire_over_allowance")
		if ee.Params["departures"] != 2 || ee.Params["allowance"] != 1 || ee.Params["asked"] != 2 {
			t.Errorf("got params %v, want departures 2, allowance 1, asked 2", ee.Params)
		}

		d, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeAssociateSenior, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, id := range d.Lines[0].Departures {
			names = append(names, d.Person(id).Name)
		}
		slices.Sort(names)
		if want := []string{"舒亚", "谭芳"}; !slices.Equal(names, want) {
			t.Errorf("evidence: got %v, want %v", names, want)
		}
		// The allowance is used up.
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeAssociateSenior, 1)))
		wantKind(t, err, engine.KindConflict, "special.retire_over_allowance")
		// Special lines reserve no normal quota: associate senior stays at
		// reserved 0, vacancy max(0, 25 − 26) = 0.
		assertReserved(t, e, clerk, unitID, domain.GradeAssociateSenior, 0, 0)

		// Full senior has a vacancy (5 approved, 4 occupied): not over.
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeFullSenior, 1)))
		ee = wantKind(t, err, engine.KindConflict, "special.retire_not_over")
		if ee.Params["approved"] != 5 || ee.Params["occupied"] != 4 {
			t.Errorf("got params %v, want approved 5, occupied 4", ee.Params)
		}

		// One more associate-senior person leaves: three departures, but 25
		// occupied of 25 approved is no longer over, so no allowance.
		leaver := servingAt(t, f, clerk, unitID, 5, 6, 7)
		if _, err := e.SetPersonStatus(clerk, leaver, domain.PersonLeft, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		q, err := e.SpecialQuota(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		as := specialGrade(q, domain.GradeAssociateSenior)
		if len(as.Departures) != 3 || as.Allowance != 0 || as.OverStaffed || as.ByChannel["retire_more"] != 1 {
			t.Errorf("associate senior: got %+v, want 3 departures, allowance 0, not over, 1 retire-more", as)
		}
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeAssociateSenior, 1)))
		ee = wantKind(t, err, engine.KindConflict, "special.retire_not_over")
		if ee.Params["approved"] != 25 || ee.Params["occupied"] != 25 {
			t.Errorf("got params %v, want approved 25, occupied 25", ee.Params)
		}
	})
}

// TestSpecialRulesAtApproval changes a tenant setting between submission
// and approval: with departures counted only since 1 January 2026, 吉首市人民
// 医院 has none at associate senior (both retired in 2025), so the
// allowance is ⌊0/2⌋ = 0 and the department's approval is refused.
func TestSpecialRulesAtApproval(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, jishouHospital)
		d, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeAssociateSenior, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		admin := f.As(t, tenants.DemoAdmin)
		s, err := e.Settings(admin, year)
		if err != nil {
			t.Fatal(err)
		}
		s.Settings.Special.DepartureYears = 0
		if _, err := e.UpdateSettings(admin, year, s.Settings, s.Version); err != nil {
			t.Fatal(err)
		}
		dept := f.As(t, "433101-WJJ")
		_, err = e.ApproveDeclaration(dept, d.ID, engine.Action{})
		ee := wantKind(t, err, engine.KindConflict, "special.retire_over_allowance")
		if ee.Params["departures"] != 0 || ee.Params["allowance"] != 0 {
			t.Errorf("got params %v, want departures 0, allowance 0", ee.Params)
		}
		got, err := e.Declaration(clerk, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != domain.StatusInReview || got.Stage != domain.RoleDepartmentReviewer {
			t.Errorf("refused approval moved the declaration to %s/%s", got.Status, got.Stage)
		}
	})
}

// TestNamedPeople: overseas and postdoctoral lines of 州人民医院 name
// people who must carry the channel's flag, and a postdoctoral researcher
// a doctorate.
func TestNamedPeople(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		doctor := findPerson(t, f, clerk, person.UnitID(unitID), person.StatusEQ(domain.PersonServing),
			person.Education("11"), person.Degree("2"))
		bachelor := findPerson(t, f, clerk, person.UnitID(unitID), person.StatusEQ(domain.PersonServing),
			person.Education("21"), person.Degree("4"))
		for _, p := range []*ent.Person{doctor, bachelor} {
			if err := e.Client().Person.UpdateOneID(p.ID).SetPostdoctoral(true).Exec(clerk); err != nil {
				t.Fatal(err)
			}
		}
		g := domain.GradeIntermediate

		_, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelPostdoctoral, g, 1, bachelor.ID)))
		ee := wantKind(t, err, engine.KindInvalid, "special.no_doctorate")
		if ee.Params["line"] != 1 || ee.Params["name"] != bachelor.Name {
			t.Errorf("got params %v, want line 1 and the person's name", ee.Params)
		}
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelOverseas, g, 1, doctor.ID)))
		wantKind(t, err, engine.KindInvalid, "special.not_overseas")
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelPostdoctoral, g, 2, doctor.ID)))
		wantKind(t, err, engine.KindInvalid, "special.people_count")
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelUrgentNeed, g, 1, doctor.ID)))
		wantKind(t, err, engine.KindInvalid, "special.people_not_allowed")

		// Someone of another unit is unknown to this unit's clerk.
		other := findPerson(t, f, f.As(t, tenants.DemoAdmin), person.UnitID(f.UnitID(t, tcmHospital)),
			person.StatusEQ(domain.PersonServing))
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelOverseas, g, 1, other.ID)))
		wantKind(t, err, engine.KindInvalid, "special.person_not_in_unit")

		d, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelPostdoctoral, g, 1, doctor.ID)))
		if err != nil {
			t.Fatal(err)
		}
		if d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if got := d.Lines[0].People; !slices.Equal(got, []int{doctor.ID}) || d.Person(doctor.ID).Name != doctor.Name {
			t.Errorf("got people %v, want [%d] named", got, doctor.ID)
		}
		// The same person cannot be named again the same year.
		_, err = e.CreateDeclaration(clerk, declare(special(domain.ChannelPostdoctoral, g, 1, doctor.ID)))
		wantKind(t, err, engine.KindConflict, "special.person_already_named")

		// A person who retires after submission fails the next check.
		if _, err := e.SetPersonStatus(clerk, doctor.ID, domain.PersonRetired, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		_, err = e.ApproveDeclaration(f.As(t, stateHealthWJ), d.ID, engine.Action{})
		wantKind(t, err, engine.KindInvalid, "special.person_not_serving")
	})
}

// TestUrgentNeedCap: the demo enterprise enters 40 approved posts, so its
// special quota is max(1, ⌊40 × 3/100⌋) = max(1, 1) = 1; then 200 posts,
// ⌊200 × 3/100⌋ = 6.
func TestUrgentNeedCap(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, enterprise)
		unitID := f.UnitID(t, enterprise)
		if _, err := e.SavePostPlan(clerk, unitID, plan(year, 0, 0, 0, 0, 0, 0, 0, 12, 16, 12, 0, 0, 0)); err != nil {
			t.Fatal(err)
		}
		urgent := func(n int) engine.Line {
			l := special(domain.ChannelUrgentNeed, domain.GradeIntermediate, n)
			l.Series = "工程技术人员"
			return l
		}

		_, err := e.CreateDeclaration(clerk, declare(urgent(1), urgent(1)))
		ee := wantKind(t, err, engine.KindConflict, "special.over_cap")
		if ee.Params["line"] != 2 || ee.Params["cap"] != 1 || ee.Params["approved"] != 40 {
			t.Errorf("got params %v, want line 2, cap 1, approved 40", ee.Params)
		}
		d, err := e.CreateDeclaration(clerk, declare(urgent(1)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		_, err = e.CreateDeclaration(clerk, declare(urgent(1)))
		ee = wantKind(t, err, engine.KindConflict, "special.over_cap")
		if ee.Params["used"] != 1 || ee.Params["line"] != 1 {
			t.Errorf("got params %v, want used 1 on line 1", ee.Params)
		}

		if _, err := e.SavePostPlan(clerk, unitID, plan(year, 0, 0, 0, 0, 0, 0, 0, 60, 80, 60, 0, 0, 0)); err != nil {
			t.Fatal(err)
		}
		// 1 in review + 6 > 6; 1 + 5 = 6 fits.
		_, err = e.CreateDeclaration(clerk, declare(urgent(6)))
		ee = wantKind(t, err, engine.KindConflict, "special.over_cap")
		if ee.Params["cap"] != 6 {
			t.Errorf("got cap %v, want 6", ee.Params["cap"])
		}
		if _, err := e.CreateDeclaration(clerk, declare(urgent(5))); err != nil {
			t.Errorf("5 more within the cap of 6: %v", err)
		}
		q, err := e.SpecialQuota(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		if q.Approved != 200 || q.Cap != 6 || q.CapUsed != 1 {
			t.Errorf("got approved %d cap %d used %d, want 200, 6, 1 (drafts do not count)", q.Approved, q.Cap, q.CapUsed)
		}
	})
}

// TestSpecialKeepsVacancy: urgent-need lines of 州人民医院 leave the normal
// vacancy alone (associate senior 105 − 98 = 7) and show in the special
// quota with their stage.
func TestSpecialKeepsVacancy(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		d, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelUrgentNeed, domain.GradeAssociateSenior, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		assertReserved(t, e, clerk, unitID, domain.GradeAssociateSenior, 0, 7)
		if _, err := e.ApproveDeclaration(f.As(t, stateHealthWJ), d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		q, err := e.SpecialQuota(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		// Cap: ⌊314 × 3/100⌋ = 9.
		if q.Cap != 9 || q.CapUsed != 2 {
			t.Errorf("got cap %d used %d, want 9 and 2", q.Cap, q.CapUsed)
		}
		if len(q.Lines) != 1 || q.Lines[0].Stage != domain.RoleBureauReviewer || q.Lines[0].Status != domain.StatusInReview {
			t.Errorf("got lines %+v, want one awaiting the bureau", q.Lines)
		}
		if got := specialGrade(q, domain.GradeAssociateSenior).ByChannel["urgent_need"]; got != 2 {
			t.Errorf("associate senior urgent need: got %d, want 2", got)
		}
		assertReserved(t, e, clerk, unitID, domain.GradeAssociateSenior, 0, 7)
	})
}

func specialGrade(q engine.SpecialQuota, g domain.Grade) engine.SpecialGrade {
	for _, r := range q.Grades {
		if r.Grade == g {
			return r
		}
	}
	return engine.SpecialGrade{}
}

// servingAt returns a serving person of the unit at one of the
// professional post levels.
func servingAt(t *testing.T, f *enginetest.Fixture, ctx context.Context, unitID int, levels ...int) int {
	t.Helper()
	return findPerson(t, f, ctx, person.UnitID(unitID), person.StatusEQ(domain.PersonServing),
		person.PostCategoryEQ(domain.PostProfessional), person.PostLevelIn(levels...)).ID
}

// findPerson returns the first person, by id, that where selects.
func findPerson(t *testing.T, f *enginetest.Fixture, ctx context.Context, where ...predicate.Person) *ent.Person {
	t.Helper()
	p, err := f.Engine.Client().Person.Query().Where(where...).Order(ent.Asc(person.FieldID)).First(ctx)
	if err != nil {
		t.Fatalf("find person: %v", err)
	}
	return p
}

// TestRetireMoreEvidenceKept: 吉首市人民医院 submits one retire-more seat at
// associate senior on its two departures, 谭芳 (level 6, retired
// 2025-04-01) and 舒亚 (level 7, retired 2025-02-01). 舒亚's record is
// then set back to serving: the declaration still shows both as they
// stood at submission. A new draft shows the live list, now 谭芳 alone.
func TestRetireMoreEvidenceKept(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, jishouHospital)
		d, err := e.CreateDeclaration(clerk, declare(special(domain.ChannelRetireMore, domain.GradeAssociateSenior, 1)))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Lines[0].Evidence) != 0 {
			t.Errorf("draft: got evidence %+v, want none before submission", d.Lines[0].Evidence)
		}
		if _, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		shuya := findPerson(t, f, clerk, person.UnitID(f.UnitID(t, jishouHospital)), person.Name("舒亚"))
		if _, err := e.SetPersonStatus(clerk, shuya.ID, domain.PersonServing, time.Time{}); err != nil {
			t.Fatal(err)
		}
		got, err := e.Declaration(clerk, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		day := func(s string) *time.Time {
			v, _ := time.Parse(time.DateOnly, s)
			return &v
		}
		want := map[string]domain.Departure{
			"谭芳": {Name: "谭芳", PostLevel: 6, Status: domain.PersonRetired, StatusDate: day("2025-04-01")},
			"舒亚": {PersonID: shuya.ID, Name: "舒亚", PostLevel: 7, Status: domain.PersonRetired, StatusDate: day("2025-02-01")},
		}
		ev := got.Lines[0].Evidence
		if len(ev) != 2 {
			t.Fatalf("got evidence %+v, want 谭芳 and 舒亚", ev)
		}
		for _, dep := range ev {
			w, ok := want[dep.Name]
			if !ok || dep.PostLevel != w.PostLevel || dep.Status != w.Status ||
				dep.StatusDate == nil || !dep.StatusDate.Equal(*w.StatusDate) ||
				(w.PersonID != 0 && dep.PersonID != w.PersonID) {
				t.Errorf("got %+v, want %+v", dep, w)
			}
		}
		if got.Person(shuya.ID).Status != domain.PersonServing {
			t.Errorf("舒亚's record: got %s, want serving", got.Person(shuya.ID).Status)
		}
	})
}

// TestPersonInTwoLines: a postdoctoral researcher of 州人民医院 named on
// two postdoctoral lines of one declaration (副高 1 and 中级 1) would fill
// two special seats: refused, naming her and both lines.
func TestPersonInTwoLines(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		doctor := findPerson(t, f, clerk, person.UnitID(f.UnitID(t, stateHospital)),
			person.StatusEQ(domain.PersonServing), person.Education("11"), person.Degree("2"))
		if err := e.Client().Person.UpdateOneID(doctor.ID).SetPostdoctoral(true).Exec(clerk); err != nil {
			t.Fatal(err)
		}
		in := declare(special(domain.ChannelPostdoctoral, domain.GradeAssociateSenior, 1, doctor.ID),
			special(domain.ChannelPostdoctoral, domain.GradeIntermediate, 1, doctor.ID))
		_, err := e.CreateDeclaration(clerk, in)
		ee := wantKind(t, err, engine.KindInvalid, "special.person_in_two_lines")
		if ee.Params["line"] != 2 || ee.Params["first"] != 1 || ee.Params["name"] != doctor.Name {
			t.Errorf("got params %v, want line 2, first 1 and the person's name", ee.Params)
		}
		// Saved with one line, then changed to two, it is refused too.
		d, err := e.CreateDeclaration(clerk, declare(in.Lines[0]))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.UpdateDeclaration(clerk, d.ID, in)
		wantKind(t, err, engine.KindInvalid, "special.person_in_two_lines")
	})
}
