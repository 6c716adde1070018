package engine_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

const engineering = "工程技术人员"

// applicantID makes a valid GB 11643 ID number of a person of region 433101
// born on birth, with sequence seq: the check character is Σ(digit ×
// weight) mod 11 looked up in 10X98765432.
func applicantID(birth time.Time, seq int) domain.IDNumber {
	body := fmt.Sprintf("433101%s%03d", birth.Format("20060102"), seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return domain.IDNumber(body + string("10X98765432"[sum%11]))
}

// applicant is a person the tests create in 州人民医院.
type applicant struct {
	education, degree string
	graduated         *time.Time
	grade             domain.Grade
	title             string
	since             *time.Time
}

// newPerson saves a serving person with the given facts and returns the
// id. seq tells people apart; odd numbers are men.
func newPerson(t *testing.T, e *engine.Engine, clerk context.Context, unitID, seq int, a applicant) int {
	t.Helper()
	birth := time.Date(1990, 1, 1+seq%28, 0, 0, 0, 0, time.UTC)
	sex := domain.SexFemale
	if seq%2 == 1 {
		sex = domain.SexMale
	}
	rec := roster.Record{
		Name: fmt.Sprintf("申报人%c", '甲'+rune(seq)), IDNumber: applicantID(birth, seq), Sex: sex, BirthDate: birth,
		Education: roster.Education(a.education), Degree: roster.Degree(a.degree),
		Status: domain.PersonServing,
	}
	if a.graduated != nil {
		rec.GraduationDate = *a.graduated
	}
	if a.grade != "" {
		rec.TitleSeries, rec.TitleName, rec.TitleGrade = engineering, a.title, a.grade
		rec.TitleDate, rec.TitleMethod = *a.since, "evaluation"
	}
	p, err := e.SavePerson(clerk, unitID, 0, rec)
	if err != nil {
		t.Fatalf("save person %d: %v", seq, err)
	}
	return p.ID
}

// engineer5 is a bachelor engineer with intermediate since 2021-07-01: 5
// whole years to 31 December 2026, as associate senior asks of a bachelor.
var engineer5 = applicant{education: bachelor, graduated: day(2010, 7, 1),
	grade: domain.GradeIntermediate, title: "工程师", since: day(2021, 7, 1)}

// seniorEvaluation asks associate senior (高级工程师) in the normal channel.
func seniorEvaluation(personID int) engine.ApplicationInput {
	return engine.ApplicationInput{Kind: domain.KindEvaluation, PersonID: personID, Year: year,
		Series: engineering, TargetGrade: domain.GradeAssociateSenior, TargetTitle: "高级工程师"}
}

// approveQuota has the bureau approve a normal-channel declaration of n
// seats of grade g for 州人民医院.
func approveQuota(t *testing.T, f *enginetest.Fixture, g domain.Grade, n int) {
	t.Helper()
	e := f.Engine
	d, err := e.CreateDeclaration(f.As(t, stateHospital), engine.DeclarationInput{Year: year, Lines: lines(g, n)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SubmitDeclaration(f.As(t, stateHospital), d.ID, engine.Action{}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{stateHealthWJ, tenants.DemoBureau} {
		if _, err := e.ApproveDeclaration(f.As(t, who), d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
	}
}

// wantQuota checks the use of the normal-channel quota of grade g.
func wantQuota(t *testing.T, e *engine.Engine, ctx context.Context, unitID int, g domain.Grade, approved, used, left int) {
	t.Helper()
	uses, err := e.ApplicationQuotaUse(ctx, unitID, year)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(uses, func(u engine.QuotaUse) bool { return u.Channel == domain.ChannelNormal && u.Grade == g })
	if i < 0 {
		t.Fatalf("no normal-channel row for %s in %+v", g, uses)
	}
	if u := uses[i]; u.Approved != approved || u.Used != used || u.Left != left {
		t.Errorf("%s quota: got approved %d used %d left %d, want %d %d %d", g, u.Approved, u.Used, u.Left, approved, used, left)
	}
}

func TestApplicationRecognitionGrades(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)

		// A bachelor graduated 2025-07-01: one whole year to 31 December 2026.
		bach := newPerson(t, e, clerk, unitID, 1, applicant{education: bachelor, graduated: day(2025, 7, 1)})
		x, err := e.CreateApplication(clerk, engine.ApplicationInput{Kind: domain.KindRecognition, PersonID: bach,
			Year: year, Series: engineering, TargetGrade: domain.GradeAssistant, TargetTitle: "助理工程师"})
		if err != nil {
			t.Fatal(err)
		}
		if x.Eligibility == nil || x.Eligibility.Recognised != domain.GradeAssistant || !x.Eligibility.Eligible {
			t.Fatalf("bachelor: got %+v, want assistant recognised", x.Eligibility)
		}
		if x.Person.GraduationDate == nil || x.Person.Education != bachelor || x.Channel != "" {
			t.Errorf("snapshot: got %+v channel %q", x.Person, x.Channel)
		}

		// A doctorate graduated 2026-06-30: intermediate at once.
		doc := newPerson(t, e, clerk, unitID, 2, applicant{education: doctorate, degree: "2", graduated: day(2026, 6, 30)})
		x, err = e.CreateApplication(clerk, engine.ApplicationInput{Kind: domain.KindRecognition, PersonID: doc,
			Year: year, Series: engineering, TargetGrade: domain.GradeIntermediate, TargetTitle: "工程师"})
		if err != nil {
			t.Fatal(err)
		}
		if x.Eligibility.Recognised != domain.GradeIntermediate || !x.Eligibility.Eligible {
			t.Fatalf("doctorate: got %+v, want intermediate recognised", x.Eligibility)
		}

		// Recognition uses no quota: it goes into review with none approved.
		x, err = e.SubmitApplication(clerk, x.ID, engine.Action{Version: x.Version})
		if err != nil {
			t.Fatal(err)
		}
		if x.Status != domain.StatusInReview || x.Stage != domain.RoleDepartmentReviewer || x.HoldsQuota {
			t.Errorf("got %s/%s holds %v, want in review at the department, no quota", x.Status, x.Stage, x.HoldsQuota)
		}
	})
}

func TestApplicationEvaluationYears(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		approveQuota(t, f, domain.GradeAssociateSenior, 2)

		// Intermediate since 2022-07-01: 4 whole years to 31 December 2026.
		four := newPerson(t, e, clerk, unitID, 3, applicant{education: bachelor, graduated: day(2010, 7, 1),
			grade: domain.GradeIntermediate, title: "工程师", since: day(2022, 7, 1)})
		x, err := e.CreateApplication(clerk, seniorEvaluation(four))
		if err != nil {
			t.Fatalf("an ineligible draft is still saved: %v", err)
		}
		if x.Eligibility.Eligible {
			t.Fatalf("eligible with 4 years: %+v", x.Eligibility)
		}
		r := reasonOf(t, *x.Eligibility, "eligibility.held")
		if r.Params["Years"] != 4 || r.Params["Required"] != 5 {
			t.Errorf("got %+v, want 4 years held, 5 required", r.Params)
		}
		_, err = e.SubmitApplication(clerk, x.ID, engine.Action{})
		wantKind(t, err, engine.KindInvalid, "application.ineligible")
		got, _ := e.Application(clerk, x.ID)
		if got.Status != domain.StatusDraft || got.Version != x.Version || len(got.History) != 0 {
			t.Errorf("refused submission changed the draft: %s v%d", got.Status, got.Version)
		}
		wantQuota(t, e, clerk, unitID, domain.GradeAssociateSenior, 2, 0, 2)

		five := newPerson(t, e, clerk, unitID, 5, engineer5)
		x, err = e.CreateApplication(clerk, seniorEvaluation(five))
		if err != nil {
			t.Fatal(err)
		}
		if !x.Eligibility.Eligible {
			t.Fatalf("not eligible with 5 years: %+v", x.Eligibility)
		}
		if x, err = e.SubmitApplication(clerk, x.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if !x.HoldsQuota || x.Channel != domain.ChannelNormal {
			t.Errorf("got holds %v channel %q, want a normal-channel seat", x.HoldsQuota, x.Channel)
		}
		wantQuota(t, e, clerk, unitID, domain.GradeAssociateSenior, 2, 1, 1)
	})
}

func TestApplicationExceptionalMerit(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		approveQuota(t, f, domain.GradeAssociateSenior, 1)
		// Intermediate since 2024-07-01: 2 whole years of 5.
		p := newPerson(t, e, clerk, unitID, 7, applicant{education: bachelor, graduated: day(2010, 7, 1),
			grade: domain.GradeIntermediate, title: "工程师", since: day(2024, 7, 1)})
		in := seniorEvaluation(p)
		in.Exceptional = true
		in.Recommenders = []domain.Recommender{{Name: "王教授", Title: "正高级工程师"}}
		_, err := e.CreateApplication(clerk, in)
		ee := wantKind(t, err, engine.KindInvalid, "application.recommenders")
		if ee.Params["count"] != 1 {
			t.Errorf("got params %v, want count 1", ee.Params)
		}
		// The same expert twice, once with full-width and surrounding spaces.
		in.Recommenders = append(in.Recommenders, domain.Recommender{Name: "　王 教授 ", Title: "研究员"})
		_, err = e.CreateApplication(clerk, in)
		ee = wantKind(t, err, engine.KindInvalid, "application.recommender_duplicate")
		if ee.Params["name"] != "王教授" {
			t.Errorf("got params %v, want the name repeated", ee.Params)
		}
		in.Recommenders[1] = domain.Recommender{Name: "李研究员", Title: "研究员"}
		x, err := e.CreateApplication(clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		// Not eligible: the years are waived, for the reviewers to decide.
		if x.Eligibility.Eligible || !x.Eligibility.Waived || len(x.Recommenders) != 2 {
			t.Fatalf("exceptional merit: got %+v with %d recommenders", x.Eligibility, len(x.Recommenders))
		}
		if x, err = e.SubmitApplication(clerk, x.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		// The reviewer sees the years that were set aside.
		got, err := e.Application(f.As(t, stateHealthWJ), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		r := reasonOf(t, *got.Eligibility, "eligibility.held_exceptional")
		if r.Met || !r.Waived || r.Params["Years"] != 2 || r.Params["Required"] != 5 {
			t.Errorf("reviewer sees %+v, want 2 of 5 years, not met and waived", r)
		}
	})
}

// TestApplicationExceptionalMeritEducation has exceptional merit with two
// recommenders claimed for a person whose education has no path to the
// grade: only years are waived, so the submission is refused.
func TestApplicationExceptionalMeritEducation(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		approveQuota(t, f, domain.GradeAssociateSenior, 1)
		// 中专 (41), intermediate for 9 years: no path to associate senior.
		p := newPerson(t, e, clerk, f.UnitID(t, stateHospital), 11, applicant{education: "41",
			graduated: day(2005, 7, 1), grade: domain.GradeIntermediate, title: "工程师", since: day(2017, 7, 1)})
		in := seniorEvaluation(p)
		in.Exceptional = true
		in.Recommenders = []domain.Recommender{{Name: "王教授", Title: "正高级工程师"}, {Name: "李研究员", Title: "研究员"}}
		x, err := e.CreateApplication(clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		if x.Eligibility.Eligible || x.Eligibility.Waived {
			t.Fatalf("got %+v, want neither eligible nor waived", x.Eligibility)
		}
		_, err = e.SubmitApplication(clerk, x.ID, engine.Action{})
		if ee := wantKind(t, err, engine.KindInvalid, "application.ineligible"); ee.Params["count"] != 1 {
			t.Errorf("got params %v, want 1 reason not met", ee.Params)
		}
	})
}

func TestApplicationInputRefused(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		p := newPerson(t, e, clerk, f.UnitID(t, stateHospital), 9, engineer5)
		with := func(change func(*engine.ApplicationInput)) engine.ApplicationInput {
			in := seniorEvaluation(p)
			change(&in)
			return in
		}
		tests := []struct {
			name string
			in   engine.ApplicationInput
			code string
		}{
			{"kind", with(func(in *engine.ApplicationInput) { in.Kind = "promotion" }), "application.kind"},
			{"series", with(func(in *engine.ApplicationInput) { in.Series = "炼金术人员" }), "application.series"},
			{"grade", with(func(in *engine.ApplicationInput) { in.TargetGrade = "senior" }), "application.grade"},
			{"title of another grade", with(func(in *engine.ApplicationInput) { in.TargetTitle = "工程师" }), "application.title"},
			{"title of another series", with(func(in *engine.ApplicationInput) { in.TargetTitle = "副主任医师" }), "application.title"},
			{"channel", with(func(in *engine.ApplicationInput) { in.Channel = "back_door" }), "application.channel"},
			{"recognition with a channel", with(func(in *engine.ApplicationInput) {
				in.Kind, in.TargetGrade, in.TargetTitle = domain.KindRecognition, domain.GradeAssistant, "助理工程师"
				in.Channel = domain.ChannelNormal
			}), "application.channel_recognition"},
			{"exceptional recognition", with(func(in *engine.ApplicationInput) {
				in.Kind, in.TargetGrade, in.TargetTitle = domain.KindRecognition, domain.GradeAssistant, "助理工程师"
				in.Exceptional = true
			}), "application.exceptional_recognition"},
			{"one recommender", with(func(in *engine.ApplicationInput) {
				in.Exceptional = true
				in.Recommenders = []domain.Recommender{{Name: "王教授", Title: "正高级工程师"}, {Name: "李工"}}
			}), "application.recommender"},
			{"overseas channel for a person not from abroad", with(func(in *engine.ApplicationInput) {
				in.Channel = domain.ChannelOverseas
			}), "application.channel_person"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.CreateApplication(clerk, tt.in)
				wantKind(t, err, engine.KindInvalid, tt.code)
			})
		}
		if list, _ := e.Applications(clerk, engine.ApplicationFilter{}); len(list) != 0 {
			t.Errorf("got %d applications after refusals, want 0", len(list))
		}
	})
}

// TestApplicationLastSeatRace has two clerks of 州人民医院 submit, at the
// same moment, evaluations for the only approved associate-senior seat:
// exactly one may win.
func TestApplicationLastSeatRace(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		unitID := f.UnitID(t, stateHospital)
		approveQuota(t, f, domain.GradeAssociateSenior, 1)
		second := createUser(t, f, engine.UserSpec{Username: "clerk2", Role: domain.RoleUnitClerk, UnitID: unitID})
		clerks := []context.Context{f.As(t, stateHospital), second}
		var ids []int
		for i, c := range clerks {
			p := newPerson(t, e, c, unitID, 11+2*i, engineer5)
			x, err := e.CreateApplication(c, seniorEvaluation(p))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, x.ID)
		}
		errs := race(len(clerks), func(i int) error {
			_, err := e.SubmitApplication(clerks[i], ids[i], engine.Action{})
			return err
		})
		wantOneWinner(t, errs, "application.quota_exhausted")
		for _, err := range errs {
			if err != nil {
				ee := engine.AsError(err)
				if ee.Params["approved"] != 1 || ee.Params["used"] != 1 {
					t.Errorf("got params %v, want approved 1 used 1", ee.Params)
				}
			}
		}
		wantQuota(t, e, clerks[0], unitID, domain.GradeAssociateSenior, 1, 1, 0)

		// Returning the winner frees the seat for the other.
		winner, loser := ids[0], ids[1]
		if errs[0] != nil {
			winner, loser = ids[1], ids[0]
		}
		if _, err := e.ReturnApplication(f.As(t, stateHealthWJ), winner, engine.Action{Reason: "材料不全"}); err != nil {
			t.Fatal(err)
		}
		wantQuota(t, e, clerks[0], unitID, domain.GradeAssociateSenior, 1, 0, 1)
		if _, err := e.SubmitApplication(clerks[0], loser, engine.Action{}); err != nil {
			t.Fatalf("the freed seat: %v", err)
		}
		wantQuota(t, e, clerks[0], unitID, domain.GradeAssociateSenior, 1, 1, 0)
	})
}

// TestApplicationOnePerYear checks that a person has one open application
// a year, also when two clerks create one at the same moment, and may
// apply again once the first is withdrawn.
func TestApplicationOnePerYear(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		unitID := f.UnitID(t, stateHospital)
		clerk := f.As(t, stateHospital)
		second := createUser(t, f, engine.UserSpec{Username: "clerk2", Role: domain.RoleUnitClerk, UnitID: unitID})
		p := newPerson(t, e, clerk, unitID, 15, engineer5)

		clerks := []context.Context{clerk, second}
		errs := race(2, func(i int) error {
			_, err := e.CreateApplication(clerks[i], seniorEvaluation(p))
			return err
		})
		wantOneWinner(t, errs, "application.open_exists")
		list, err := e.Applications(clerk, engine.ApplicationFilter{Year: year})
		if err != nil || len(list) != 1 {
			t.Fatalf("got %d applications (%v), want 1", len(list), err)
		}
		first := list[0]

		// Another kind is still the same person's open application.
		in := seniorEvaluation(p)
		in.Kind, in.TargetGrade, in.TargetTitle = domain.KindRecognition, domain.GradeAssistant, "助理工程师"
		_, err = e.CreateApplication(clerk, in)
		ee := wantKind(t, err, engine.KindConflict, "application.open_exists")
		if ee.Params["id"] != first.ID {
			t.Errorf("got params %v, want the first's id %d", ee.Params, first.ID)
		}
		// Next year is free.
		next := seniorEvaluation(p)
		next.Year = year + 1
		if _, err := e.CreateApplication(clerk, next); err != nil {
			t.Errorf("next year: %v", err)
		}

		// Withdrawn, it no longer blocks a new one.
		approveQuota(t, f, domain.GradeAssociateSenior, 1)
		if _, err := e.SubmitApplication(clerk, first.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.WithdrawApplication(clerk, first.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		wantQuota(t, e, clerk, unitID, domain.GradeAssociateSenior, 1, 0, 1)
		if _, err := e.CreateApplication(clerk, seniorEvaluation(p)); err != nil {
			t.Errorf("after withdrawal: %v", err)
		}
	})
}

func TestApplicationReturnRejectWithdraw(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		dept := f.As(t, stateHealthWJ)
		bureau := f.As(t, tenants.DemoBureau)
		unitID := f.UnitID(t, stateHospital)
		approveQuota(t, f, domain.GradeAssociateSenior, 3)
		seq := 20
		submitted := func() engine.Application {
			t.Helper()
			seq += 2
			x, err := e.CreateApplication(clerk, seniorEvaluation(newPerson(t, e, clerk, unitID, seq, engineer5)))
			if err != nil {
				t.Fatal(err)
			}
			if x, err = e.SubmitApplication(clerk, x.ID, engine.Action{Version: x.Version}); err != nil {
				t.Fatal(err)
			}
			return x
		}

		t.Run("returned and resubmitted keeps its history", func(t *testing.T) {
			x := submitted()
			_, err := e.ReturnApplication(dept, x.ID, engine.Action{Reason: " "})
			wantKind(t, err, engine.KindInvalid, "review.reason_required")
			x, err = e.ReturnApplication(dept, x.ID, engine.Action{Reason: "请补充业绩材料"})
			if err != nil {
				t.Fatal(err)
			}
			if x.Status != domain.StatusReturned || x.HoldsQuota {
				t.Fatalf("got %s holds %v, want returned without a seat", x.Status, x.HoldsQuota)
			}
			if x, err = e.UpdateApplication(clerk, x.ID, seniorEvaluation(x.Person.ID)); err != nil {
				t.Fatal(err)
			}
			if x, err = e.SubmitApplication(clerk, x.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			if x, err = e.ApproveApplication(dept, x.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			_, err = e.ApproveApplication(dept, x.ID, engine.Action{})
			wantKind(t, err, engine.KindConflict, "application.not_awaiting")
			if x, err = e.ApproveApplication(bureau, x.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			if x.Status != domain.StatusApproved || !x.HoldsQuota {
				t.Fatalf("got %s holds %v, want approved holding its seat", x.Status, x.HoldsQuota)
			}
			var actions []string
			for _, h := range x.History {
				actions = append(actions, h.Action+"/"+h.Username)
			}
			want := []string{"submit/" + stateHospital, "return/" + stateHealthWJ, "submit/" + stateHospital,
				"approve/" + stateHealthWJ, "approve/" + tenants.DemoBureau}
			if !slices.Equal(actions, want) {
				t.Errorf("history: got %v, want %v", actions, want)
			}
			if h := x.History[1]; h.Reason != "请补充业绩材料" || h.Role != domain.RoleDepartmentReviewer ||
				h.FromStatus != domain.StatusInReview || h.ToStatus != domain.StatusReturned {
				t.Errorf("return entry: got %+v", h)
			}
			// An approved application stays open: the person has their one.
			_, err = e.CreateApplication(clerk, seniorEvaluation(x.Person.ID))
			wantKind(t, err, engine.KindConflict, "application.open_exists")
		})

		t.Run("withdrawn cannot be approved", func(t *testing.T) {
			x := submitted()
			x, err := e.WithdrawApplication(clerk, x.ID, engine.Action{})
			if err != nil {
				t.Fatal(err)
			}
			if x.Status != domain.StatusWithdrawn || x.HoldsQuota {
				t.Fatalf("got %s holds %v, want withdrawn without a seat", x.Status, x.HoldsQuota)
			}
			_, err = e.ApproveApplication(dept, x.ID, engine.Action{})
			wantKind(t, err, engine.KindConflict, "application.not_awaiting")
			_, err = e.SubmitApplication(clerk, x.ID, engine.Action{})
			wantKind(t, err, engine.KindConflict, "application.not_editable")
		})

		t.Run("no withdrawal after the department approved", func(t *testing.T) {
			x := submitted()
			if _, err := e.ApproveApplication(dept, x.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			_, err := e.WithdrawApplication(clerk, x.ID, engine.Action{})
			wantKind(t, err, engine.KindConflict, "application.not_withdrawable")
			x, err = e.RejectApplication(bureau, x.ID, engine.Action{Reason: "业绩不符合条件"})
			if err != nil {
				t.Fatal(err)
			}
			if x.Status != domain.StatusRejected || x.HoldsQuota {
				t.Errorf("got %s holds %v, want rejected without a seat", x.Status, x.HoldsQuota)
			}
		})

		t.Run("only drafts are deleted", func(t *testing.T) {
			x := submitted()
			err := e.DeleteApplication(clerk, x.ID)
			wantKind(t, err, engine.KindConflict, "application.not_deletable")
			seq += 2
			d, err := e.CreateApplication(clerk, seniorEvaluation(newPerson(t, e, clerk, unitID, seq, engineer5)))
			if err != nil {
				t.Fatal(err)
			}
			if err := e.DeleteApplication(clerk, d.ID); err != nil {
				t.Fatal(err)
			}
			_, err = e.Application(clerk, d.ID)
			wantKind(t, err, engine.KindNotFound, "")
		})

		// Seats: of 3, the approved application holds one and the one
		// submitted in "only drafts are deleted" another; the withdrawn and
		// the rejected ones gave theirs back: 2 used, 1 left.
		wantQuota(t, e, clerk, unitID, domain.GradeAssociateSenior, 3, 2, 1)

		n, err := e.Client().AuditEvent.Query().
			Where(auditevent.EventHasPrefix("application."), auditevent.Result("ok")).Count(f.As(t, tenants.DemoAdmin))
		if err != nil || n == 0 {
			t.Errorf("got %d application audit entries (%v)", n, err)
		}
	})
}

// TestApplicationReviewerRace has two reviewers of one department approve
// the same application at once: one wins, the other gets a conflict.
func TestApplicationReviewerRace(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		first := f.As(t, stateHealthWJ)
		a, _ := domain.ActorFrom(first)
		second := createUser(t, f, engine.UserSpec{Username: "reviewer2", Role: domain.RoleDepartmentReviewer, DepartmentID: a.DepartmentID})
		p := newPerson(t, e, clerk, f.UnitID(t, stateHospital), 31, applicant{education: bachelor, graduated: day(2025, 7, 1)})
		x, err := e.CreateApplication(clerk, engine.ApplicationInput{Kind: domain.KindRecognition, PersonID: p,
			Year: year, Series: engineering, TargetGrade: domain.GradeAssistant, TargetTitle: "助理工程师"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SubmitApplication(clerk, x.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		queue, err := e.ApplicationQueue(first)
		if err != nil || !slices.ContainsFunc(queue, func(q engine.Application) bool { return q.ID == x.ID }) {
			t.Fatalf("department queue lacks application %d (%v)", x.ID, err)
		}
		reviewers := []context.Context{first, second}
		errs := race(2, func(i int) error {
			_, err := e.ApproveApplication(reviewers[i], x.ID, engine.Action{})
			return err
		})
		wantOneWinner(t, errs, "")
		got, err := e.Application(clerk, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Stage != domain.RoleBureauReviewer || len(got.History) != 2 {
			t.Errorf("got stage %s with %d history entries, want bureau_reviewer with 2", got.Stage, len(got.History))
		}
	})
}

func TestApplicationWindowAndSettings(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		admin := f.As(t, tenants.DemoAdmin)
		unitID := f.UnitID(t, stateHospital)
		// Intermediate since 2023-07-01: 3 whole years of the 5 the default
		// table asks.
		p := newPerson(t, e, clerk, unitID, 33, applicant{education: bachelor, graduated: day(2010, 7, 1),
			grade: domain.GradeIntermediate, title: "工程师", since: day(2023, 7, 1)})
		x, err := e.CreateApplication(clerk, seniorEvaluation(p))
		if err != nil {
			t.Fatal(err)
		}
		if x.Eligibility.Eligible {
			t.Fatalf("eligible with 3 years under the defaults")
		}

		// The prefecture asks 3 years of intermediate of every education.
		s, err := e.Settings(admin, year)
		if err != nil {
			t.Fatal(err)
		}
		next := s.Settings
		next.Eligibility = []domain.Eligibility{{
			Recognition: domain.DefaultEligibility()[0].Recognition,
			Evaluation: []domain.EvaluationRule{{Target: domain.GradeAssociateSenior, Paths: []domain.Requirement{
				{Education: domain.Educations[:], Held: domain.GradeIntermediate, Years: 3},
			}}},
		}}
		if s, err = e.UpdateSettings(admin, year, next, s.Version); err != nil {
			t.Fatal(err)
		}
		if x, err = e.Application(clerk, x.ID); err != nil || !x.Eligibility.Eligible {
			t.Fatalf("after the change: got %+v (%v), want eligible", x.Eligibility, err)
		}

		// The application window closed on 1 March 2026 (today is later in
		// the tests' year or after it).
		next.Windows.Application = domain.Window{Opens: "2026-01-10", Closes: "2026-03-01"}
		if _, err = e.UpdateSettings(admin, year, next, s.Version); err != nil {
			t.Fatal(err)
		}
		_, err = e.SubmitApplication(clerk, x.ID, engine.Action{})
		ee := wantKind(t, err, engine.KindInvalid, "window.closed")
		if ee.Params["Opens"] != "2026-01-10" || ee.Params["Closes"] != "2026-03-01" {
			t.Errorf("got params %v, want the window's dates", ee.Params)
		}
		other := newPerson(t, e, clerk, unitID, 35, engineer5)
		_, err = e.CreateApplication(clerk, seniorEvaluation(other))
		wantKind(t, err, engine.KindInvalid, "window.closed")
		_, err = e.UpdateApplication(clerk, x.ID, seniorEvaluation(p))
		wantKind(t, err, engine.KindInvalid, "window.closed")
	})
}

func TestApplicationMissingFields(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		// No education, no graduation date, no title.
		p := newPerson(t, e, clerk, unitID, 37, applicant{})
		x, err := e.CreateApplication(clerk, seniorEvaluation(p))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(x.Eligibility.Missing, []string{"education", "title_grade", "title_date"}) {
			t.Errorf("got missing %v, want education, title_grade, title_date", x.Eligibility.Missing)
		}
		_, err = e.SubmitApplication(clerk, x.ID, engine.Action{})
		ee := wantKind(t, err, engine.KindInvalid, "application.incomplete")
		if ee.Params["count"] != 3 {
			t.Errorf("got params %v, want count 3", ee.Params)
		}

		// The clerk completes the record; saving the application reads it
		// again.
		d, err := e.Person(clerk, p)
		if err != nil {
			t.Fatal(err)
		}
		birth := *d.BirthDate
		rec := roster.Record{Name: d.Name, IDNumber: applicantID(birth, 37), Sex: d.Sex, BirthDate: birth,
			Education: bachelor, GraduationDate: *day(2010, 7, 1), TitleSeries: engineering, TitleName: "工程师",
			TitleGrade: domain.GradeIntermediate, TitleDate: *day(2021, 7, 1), TitleMethod: "evaluation",
			Status: domain.PersonServing}
		if _, err := e.SavePerson(clerk, unitID, p, rec); err != nil {
			t.Fatal(err)
		}
		if x, err = e.UpdateApplication(clerk, x.ID, seniorEvaluation(p)); err != nil {
			t.Fatal(err)
		}
		if len(x.Eligibility.Missing) != 0 || !x.Eligibility.Eligible {
			t.Errorf("after completing: got %+v", x.Eligibility)
		}
	})
}

// TestApplicationScope checks that a draft is the unit's own until it is
// submitted, and that another unit never sees the application.
func TestApplicationScope(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		p := newPerson(t, e, clerk, f.UnitID(t, stateHospital), 39, applicant{education: bachelor, graduated: day(2025, 7, 1)})
		x, err := e.CreateApplication(clerk, engine.ApplicationInput{Kind: domain.KindRecognition, PersonID: p,
			Year: year, Series: engineering, TargetGrade: domain.GradeAssistant, TargetTitle: "助理工程师"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Application(f.As(t, stateHealthWJ), x.ID)
		wantKind(t, err, engine.KindNotFound, "")
		if _, err := e.SubmitApplication(clerk, x.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Application(f.As(t, stateHealthWJ), x.ID); err != nil {
			t.Errorf("the department cannot read a submitted application: %v", err)
		}
		other := f.As(t, tcmHospital)
		_, err = e.Application(other, x.ID)
		wantKind(t, err, engine.KindNotFound, "")
		_, err = e.WithdrawApplication(other, x.ID, engine.Action{})
		wantKind(t, err, engine.KindNotFound, "")
		// Another unit's clerk cannot file for this unit's person.
		_, err = e.CreateApplication(other, engine.ApplicationInput{Kind: domain.KindRecognition, PersonID: p,
			Year: year + 1, Series: engineering, TargetGrade: domain.GradeAssistant, TargetTitle: "助理工程师"})
		wantKind(t, err, engine.KindNotFound, "")
		_, err = e.CreateApplication(f.As(t, stateHealthWJ), engine.ApplicationInput{})
		wantKind(t, err, engine.KindPermissionDenied, "")
	})
}

// TestApplicationSpecialChannel checks that an evaluation in a special
// channel takes a seat of the approved special line, not of the normal
// channel, and that no approved line means no seat.
func TestApplicationSpecialChannel(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		unitID := f.UnitID(t, stateHospital)
		d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: []engine.Line{{
			Channel: domain.ChannelUrgentNeed, Grade: domain.GradeAssociateSenior, Series: engineering,
			Count: 1, Reason: "重点学科急需",
		}}})
		if err != nil {
			t.Fatal(err)
		}
		in := func(p int) engine.ApplicationInput {
			x := seniorEvaluation(p)
			x.Channel = domain.ChannelUrgentNeed
			return x
		}
		first, err := e.CreateApplication(clerk, in(newPerson(t, e, clerk, unitID, 41, engineer5)))
		if err != nil {
			t.Fatal(err)
		}
		// Submitted but not yet approved by the bureau: no seat yet.
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		_, err = e.SubmitApplication(clerk, first.ID, engine.Action{})
		ee := wantKind(t, err, engine.KindConflict, "application.quota_exhausted")
		if ee.Params["approved"] != 0 || ee.Params["channel"] != domain.ChannelUrgentNeed {
			t.Errorf("got params %v, want 0 approved in urgent_need", ee.Params)
		}
		for _, who := range []string{stateHealthWJ, tenants.DemoBureau} {
			if _, err := e.ApproveDeclaration(f.As(t, who), d.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.SubmitApplication(clerk, first.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		second, err := e.CreateApplication(clerk, in(newPerson(t, e, clerk, unitID, 43, engineer5)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.SubmitApplication(clerk, second.ID, engine.Action{})
		wantKind(t, err, engine.KindConflict, "application.quota_exhausted")

		uses, err := e.ApplicationQuotaUse(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(uses, func(u engine.QuotaUse) bool { return u.Channel == domain.ChannelUrgentNeed })
		if i < 0 || uses[i].Approved != 1 || uses[i].Used != 1 || uses[i].Left != 0 {
			t.Errorf("urgent-need use: got %+v", uses)
		}
		// The normal channel is untouched: nothing approved, nothing used.
		wantQuota(t, e, clerk, unitID, domain.GradeAssociateSenior, 0, 0, 0)
	})
}

// TestApplicationKeepsItsChain: an application in review keeps the chain
// it was submitted under when the administrator changes the settings; the
// next submission takes the new chain.
func TestApplicationKeepsItsChain(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		admin := f.As(t, tenants.DemoAdmin)
		unitID := f.UnitID(t, stateHospital)
		recognise := func(seq int) engine.Application {
			p := newPerson(t, e, clerk, unitID, seq, applicant{education: bachelor, graduated: day(2025, 7, 1)})
			x, err := e.CreateApplication(clerk, engine.ApplicationInput{Kind: domain.KindRecognition, PersonID: p,
				Year: year, Series: engineering, TargetGrade: domain.GradeAssistant, TargetTitle: "助理工程师"})
			if err != nil {
				t.Fatal(err)
			}
			if x, err = e.SubmitApplication(clerk, x.ID, engine.Action{}); err != nil {
				t.Fatal(err)
			}
			return x
		}
		first := recognise(41)

		s, err := e.Settings(admin, year)
		if err != nil {
			t.Fatal(err)
		}
		s.Settings.ApprovalChain = []domain.Role{domain.RoleBureauReviewer}
		if _, err := e.UpdateSettings(admin, year, s.Settings, s.Version); err != nil {
			t.Fatal(err)
		}

		x, err := e.ApproveApplication(f.As(t, stateHealthWJ), first.ID, engine.Action{})
		if err != nil {
			t.Fatal(err)
		}
		if x.Status != domain.StatusInReview || x.Stage != domain.RoleBureauReviewer {
			t.Fatalf("after the department: %s/%s, want in review at the bureau", x.Status, x.Stage)
		}
		second := recognise(43)
		if second.Stage != domain.RoleBureauReviewer || !slices.Equal(second.Chain, s.Settings.ApprovalChain) {
			t.Fatalf("second: stage %s chain %v, want the bureau only", second.Stage, second.Chain)
		}
	})
}
