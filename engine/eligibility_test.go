package engine_test

import (
	"slices"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// day returns a date at midnight UTC, as dates are stored.
func day(y, m, d int) *time.Time {
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return &t
}

// reasonOf returns the reason with code, failing when there is none.
func reasonOf(t *testing.T, c engine.EligibilityCheck, code string) engine.Reason {
	t.Helper()
	for _, r := range c.Reasons {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("no reason %s in %+v", code, c.Reasons)
	return engine.Reason{}
}

// Education and degree codes: GB/T 4658 21 本科, 14 硕士研究生, 11 博士研究生,
// 31 大专; GB/T 6864 degree 2 博士.
const (
	bachelor  = "21"
	master    = "14"
	doctorate = "11"
	college   = "31"
)

func TestRecognition(t *testing.T) {
	set := domain.DefaultSettings()
	q := func(target domain.Grade) engine.EligibilityQuestion {
		return engine.EligibilityQuestion{Kind: domain.KindRecognition, Series: "05", Target: target, Year: 2026}
	}
	tests := []struct {
		name       string
		facts      engine.PersonFacts
		target     domain.Grade
		recognised domain.Grade
		eligible   bool
	}{
		// 2025-07-01 to 2026-12-31: one whole year; a bachelor needs 1.
		{"bachelor one year after graduation", engine.PersonFacts{Education: bachelor, GraduationDate: day(2025, 7, 1)},
			domain.GradeAssistant, domain.GradeAssistant, true},
		// 2026-07-01 to 2026-12-31: no whole year yet.
		{"bachelor the year of graduation", engine.PersonFacts{Education: bachelor, GraduationDate: day(2026, 7, 1)},
			domain.GradeAssistant, "", false},
		// A doctorate needs 0 years and is recognised as intermediate.
		{"doctorate", engine.PersonFacts{Education: doctorate, Degree: "2", GraduationDate: day(2026, 6, 30)},
			domain.GradeIntermediate, domain.GradeIntermediate, true},
		// Only assistant for a bachelor: intermediate exceeds it.
		{"bachelor asks too high", engine.PersonFacts{Education: bachelor, GraduationDate: day(2020, 7, 1)},
			domain.GradeIntermediate, domain.GradeAssistant, false},
		// 大专 2024-07-01 to 2026-12-31: 2 whole years, 3 needed.
		{"college two years", engine.PersonFacts{Education: college, GraduationDate: day(2024, 7, 1)},
			domain.GradeAssistant, "", false},
		// The same, one year earlier: 3 years.
		{"college three years", engine.PersonFacts{Education: college, GraduationDate: day(2023, 7, 1)},
			domain.GradeAssistant, domain.GradeAssistant, true},
		// A title held already at the target grade: recognition is not above it.
		{"already holds the grade", engine.PersonFacts{Education: bachelor, GraduationDate: day(2020, 7, 1),
			TitleGrade: domain.GradeAssistant, TitleDate: day(2021, 7, 1)},
			domain.GradeAssistant, domain.GradeAssistant, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := engine.CheckEligibility(set, tt.facts, q(tt.target))
			if c.Recognised != tt.recognised || c.Eligible != tt.eligible {
				t.Errorf("got recognised %q eligible %v, want %q %v (%+v)",
					c.Recognised, c.Eligible, tt.recognised, tt.eligible, c.Reasons)
			}
		})
	}

	t.Run("years in the reason", func(t *testing.T) {
		c := engine.CheckEligibility(set, engine.PersonFacts{Education: college, GraduationDate: day(2024, 7, 1)},
			q(domain.GradeAssistant))
		r := reasonOf(t, c, "eligibility.graduated")
		if r.Met || r.Params["Years"] != 2 || r.Params["Required"] != 3 || r.Params["Grade"] != domain.GradeAssistant {
			t.Errorf("got %+v, want not met with 2 years of 3 for assistant", r)
		}
	})

	t.Run("missing education and graduation", func(t *testing.T) {
		c := engine.CheckEligibility(set, engine.PersonFacts{}, q(domain.GradeAssistant))
		if c.Eligible || !slices.Equal(c.Missing, []string{"education", "graduation_date"}) {
			t.Errorf("got eligible %v missing %v, want education and graduation_date missing", c.Eligible, c.Missing)
		}
	})
}

func TestEvaluationEngineering(t *testing.T) {
	set := domain.DefaultSettings()
	engineer := func(since *time.Time) engine.PersonFacts {
		return engine.PersonFacts{Education: bachelor, GraduationDate: day(2010, 7, 1),
			TitleGrade: domain.GradeIntermediate, TitleDate: since}
	}
	q := engine.EligibilityQuestion{Kind: domain.KindEvaluation, Series: "05",
		Target: domain.GradeAssociateSenior, Year: 2026}

	t.Run("intermediate held 4 years", func(t *testing.T) {
		// 2022-07-01 to 2026-12-31: 4 whole years; a bachelor needs 5.
		c := engine.CheckEligibility(set, engineer(day(2022, 7, 1)), q)
		if c.Eligible {
			t.Fatalf("eligible with 4 years: %+v", c.Reasons)
		}
		r := reasonOf(t, c, "eligibility.held")
		if r.Met || r.Params["Held"] != domain.GradeIntermediate || r.Params["Years"] != 4 || r.Params["Required"] != 5 {
			t.Errorf("got %+v, want intermediate held 4 years, 5 required", r)
		}
		if !reasonOf(t, c, "eligibility.next_grade").Met || !reasonOf(t, c, "eligibility.education").Met {
			t.Errorf("grade and education should be met: %+v", c.Reasons)
		}
	})
	t.Run("intermediate held 5 years", func(t *testing.T) {
		// 2021-07-01 to 2026-12-31: 5 whole years.
		c := engine.CheckEligibility(set, engineer(day(2021, 7, 1)), q)
		if !c.Eligible {
			t.Fatalf("not eligible with 5 years: %+v", c.Reasons)
		}
		if r := reasonOf(t, c, "eligibility.held"); r.Params["Years"] != 5 {
			t.Errorf("got %+v, want 5 years", r)
		}
	})
	t.Run("counted to 31 December", func(t *testing.T) {
		// Obtained on 31 December 2021: exactly 5 years on 31 December 2026.
		if c := engine.CheckEligibility(set, engineer(day(2021, 12, 31)), q); !c.Eligible {
			t.Errorf("not eligible on the day: %+v", c.Reasons)
		}
	})
	t.Run("two grades up", func(t *testing.T) {
		f := engineer(day(2010, 7, 1))
		f.TitleGrade = domain.GradeAssistant
		c := engine.CheckEligibility(set, f, q)
		if c.Eligible || reasonOf(t, c, "eligibility.next_grade").Met {
			t.Errorf("assistant may not ask for associate senior: %+v", c.Reasons)
		}
	})
	t.Run("doctorate without a title", func(t *testing.T) {
		f := engine.PersonFacts{Education: doctorate, Degree: "2", GraduationDate: day(2026, 6, 30)}
		c := engine.CheckEligibility(set, f, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
			Series: "05", Target: domain.GradeIntermediate, Year: 2026})
		if !c.Eligible || len(c.Missing) != 0 {
			t.Errorf("a doctorate qualifies for intermediate without a title: %+v missing %v", c.Reasons, c.Missing)
		}
	})
	t.Run("bachelor without a title", func(t *testing.T) {
		f := engine.PersonFacts{Education: bachelor, GraduationDate: day(2016, 6, 30)}
		c := engine.CheckEligibility(set, f, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
			Series: "05", Target: domain.GradeIntermediate, Year: 2026})
		if c.Eligible || !slices.Equal(c.Missing, []string{"title_grade", "title_date"}) {
			t.Errorf("got missing %v, want title_grade and title_date", c.Missing)
		}
	})
	t.Run("closest path", func(t *testing.T) {
		// A master with intermediate held 3 years (2023-07-01): the doctorate
		// path fails on education, the other on years; the second is shown.
		f := engine.PersonFacts{Education: master, TitleGrade: domain.GradeIntermediate, TitleDate: day(2023, 7, 1)}
		c := engine.CheckEligibility(set, f, q)
		if !reasonOf(t, c, "eligibility.education").Met {
			t.Errorf("closest path should be the master's: %+v", c.Reasons)
		}
		if r := reasonOf(t, c, "eligibility.held"); r.Params["Years"] != 3 || r.Params["Required"] != 5 {
			t.Errorf("got %+v, want 3 years of 5", r)
		}
	})
}

func TestEvaluationHealthTable(t *testing.T) {
	set := domain.DefaultSettings()
	// A master with intermediate (主治医师) since 2022-07-01: 4 whole years
	// to 31 December 2026. The health series asks 4 of a master for
	// associate senior; engineering asks 5.
	f := engine.PersonFacts{Education: master, TitleGrade: domain.GradeIntermediate, TitleDate: day(2022, 7, 1)}
	health := engine.CheckEligibility(set, f, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
		Series: "04", Target: domain.GradeAssociateSenior, Year: 2026})
	if !health.Eligible {
		t.Errorf("health series: not eligible with 4 years of 4: %+v", health.Reasons)
	}
	eng := engine.CheckEligibility(set, f, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
		Series: "05", Target: domain.GradeAssociateSenior, Year: 2026})
	if eng.Eligible || reasonOf(t, eng, "eligibility.held").Params["Required"] != 5 {
		t.Errorf("engineering: got %+v, want 5 required", eng.Reasons)
	}
	// 中专 with assistant (医士 → 医师 …) since 2020-07-01: 6 years; the
	// health series asks 7 for intermediate, and engineering has no path.
	sec := engine.PersonFacts{Education: "41", TitleGrade: domain.GradeAssistant, TitleDate: day(2020, 7, 1)}
	c := engine.CheckEligibility(set, sec, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
		Series: "04", Target: domain.GradeIntermediate, Year: 2026})
	if r := reasonOf(t, c, "eligibility.held"); c.Eligible || r.Params["Years"] != 6 || r.Params["Required"] != 7 {
		t.Errorf("secondary: got %+v, want 6 years of 7", c.Reasons)
	}
}

func TestExceptionalMerit(t *testing.T) {
	set := domain.DefaultSettings()
	// Intermediate since 2024-07-01: 2 whole years, 5 required.
	f := engine.PersonFacts{Education: bachelor, TitleGrade: domain.GradeIntermediate, TitleDate: day(2024, 7, 1)}
	q := engine.EligibilityQuestion{Kind: domain.KindEvaluation, Series: "05",
		Target: domain.GradeAssociateSenior, Year: 2026, Exceptional: true}

	// The years stay a reason not met, waived: not eligible, but it may be
	// submitted for the reviewers to decide.
	q.Recommenders = 2
	c := engine.CheckEligibility(set, f, q)
	if c.Eligible || !c.Waived || !c.Submittable() {
		t.Errorf("exceptional merit with two recommenders: got eligible %v waived %v, want false, true: %+v",
			c.Eligible, c.Waived, c.Reasons)
	}
	r := reasonOf(t, c, "eligibility.held_exceptional")
	if r.Met || !r.Waived || r.Params["Years"] != 2 || r.Params["Required"] != 5 {
		t.Errorf("got %+v, want not met and waived, showing 2 of 5 years", r)
	}
	for _, r := range c.Reasons {
		if !r.Met && !r.Waived {
			t.Errorf("reason %s not met: %+v", r.Code, r)
		}
	}

	q.Recommenders = 1
	c = engine.CheckEligibility(set, f, q)
	if r := reasonOf(t, c, "eligibility.recommenders"); c.Eligible || c.Waived || c.Submittable() || r.Met || r.Params["Count"] != 1 {
		t.Errorf("one recommender: got %+v", c.Reasons)
	}

	// Years that are met are met: nothing waived.
	f.TitleDate = day(2020, 7, 1)
	q.Recommenders = 2
	c = engine.CheckEligibility(set, f, q)
	if r := reasonOf(t, c, "eligibility.held"); !c.Eligible || c.Waived || !r.Met || r.Waived {
		t.Errorf("6 of 5 years with exceptional merit: got eligible %v waived %v, %+v", c.Eligible, c.Waived, c.Reasons)
	}

	// Exceptional merit sets years aside, not the grade held.
	f.TitleGrade, f.TitleDate = domain.GradeAssistant, day(2024, 7, 1)
	if c := engine.CheckEligibility(set, f, q); c.Eligible || c.Waived || c.Submittable() {
		t.Errorf("exceptional merit skipped a grade: %+v", c.Reasons)
	}
}

// TestExceptionalMeritDoctorate is a doctor, intermediate since
// 2026-02-01 (0 whole years of 2), applying for associate senior with
// exceptional merit: the years are shown not met and waived, nothing else
// fails. Education is not waived: a secondary vocational graduate with the
// same title is refused whatever the merit.
func TestExceptionalMeritDoctorate(t *testing.T) {
	set := domain.DefaultSettings()
	f := engine.PersonFacts{Education: doctorate, Degree: "2", GraduationDate: day(2020, 7, 1),
		TitleGrade: domain.GradeIntermediate, TitleDate: day(2026, 2, 1)}
	q := engine.EligibilityQuestion{Kind: domain.KindEvaluation, Series: "05",
		Target: domain.GradeAssociateSenior, Year: 2026, Exceptional: true, Recommenders: 2}
	c := engine.CheckEligibility(set, f, q)
	if c.Eligible || !c.Waived {
		t.Fatalf("got eligible %v waived %v, want false, true: %+v", c.Eligible, c.Waived, c.Reasons)
	}
	r := reasonOf(t, c, "eligibility.held_exceptional")
	if r.Met || !r.Waived || r.Params["Years"] != 0 || r.Params["Required"] != 2 {
		t.Errorf("years: got %+v, want not met, waived, 0 of 2", r)
	}
	if r := reasonOf(t, c, "eligibility.education"); !r.Met {
		t.Errorf("education: got %+v, want the doctorate path", r)
	}

	// 中专 (code 41) has no path to associate senior: not waived.
	f.Education, f.Degree = "41", ""
	c = engine.CheckEligibility(set, f, q)
	if c.Eligible || c.Waived || c.Submittable() {
		t.Errorf("secondary education with exceptional merit: got eligible %v waived %v: %+v", c.Eligible, c.Waived, c.Reasons)
	}
	if r := reasonOf(t, c, "eligibility.education"); r.Met || r.Waived {
		t.Errorf("education: got %+v, want not met and not waived", r)
	}
}

func TestEligibilityFromSettings(t *testing.T) {
	// A tenant that asks 3 years of intermediate for associate senior.
	set := domain.DefaultSettings()
	set.Eligibility = []domain.Eligibility{{
		Recognition: set.Eligibility[0].Recognition,
		Evaluation: []domain.EvaluationRule{{Target: domain.GradeAssociateSenior, Paths: []domain.Requirement{
			{Education: []domain.Education{domain.EducationBachelor}, Held: domain.GradeIntermediate, Years: 3},
		}}},
	}}
	// 2023-07-01 to 2026-12-31: 3 whole years.
	f := engine.PersonFacts{Education: bachelor, TitleGrade: domain.GradeIntermediate, TitleDate: day(2023, 7, 1)}
	c := engine.CheckEligibility(set, f, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
		Series: "05", Target: domain.GradeAssociateSenior, Year: 2026})
	if !c.Eligible {
		t.Errorf("3 years of 3: %+v", c.Reasons)
	}
	c = engine.CheckEligibility(set, f, engine.EligibilityQuestion{Kind: domain.KindEvaluation,
		Series: "05", Target: domain.GradeFullSenior, Year: 2026})
	if reasonOf(t, c, "eligibility.no_rule").Met || c.Eligible {
		t.Errorf("a target the table lacks: %+v", c.Reasons)
	}
}
