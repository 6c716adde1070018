package engine

import (
	"slices"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// PersonFacts are the facts of a person's record that the eligibility
// rules of DOMAIN.md §5 read.
type PersonFacts struct {
	Education      string       `json:"education,omitempty"` // GB/T 4658 code
	Degree         string       `json:"degree,omitempty"`    // GB/T 6864 code
	GraduationDate *time.Time   `json:"graduation_date,omitempty"`
	TitleGrade     domain.Grade `json:"title_grade,omitempty"` // the grade held now
	TitleDate      *time.Time   `json:"title_date,omitempty"`  // when it was obtained
}

// EligibilityQuestion is what an application asks: a kind, a series (by
// its catalogue code, such as "05"), a target grade, the year whose 31
// December years are counted to, and whether it claims exceptional merit
// with how many recommenders.
type EligibilityQuestion struct {
	Kind         domain.ApplicationKind
	Series       string
	Target       domain.Grade
	Year         int
	Exceptional  bool
	Recommenders int
}

// Reason is one condition of eligibility, met or not. Code is a key of the
// message catalogs; Params fill it (grades as domain.Grade, educations as
// domain.Education, years as ints). Waived marks a condition not met that
// an exceptional-merit application sets aside (the years in the grade
// held): it stays not met, for the reviewers to see and decide.
type Reason struct {
	Code   string `json:"code"`
	Met    bool   `json:"met"`
	Waived bool   `json:"waived,omitempty"`
	Params P      `json:"params,omitempty"`
}

// EligibilityCheck is the outcome of the rules for one application.
type EligibilityCheck struct {
	// Eligible is true when nothing is missing and every reason is met.
	Eligible bool `json:"eligible"`
	// Waived is true when nothing is missing and the only reasons not met
	// are waived by exceptional merit: the person is not eligible, but
	// the application may be submitted and the reviewers decide.
	Waived  bool     `json:"waived,omitempty"`
	Reasons []Reason `json:"reasons"`
	// Missing names, by field key as PersonDetail.Missing does, what the
	// rules read that the person's record lacks; no reasons are given
	// while something is missing.
	Missing []string `json:"missing,omitempty"`
	// Recognised is, for a recognition, the highest grade the table gives
	// the person this year; "" when none.
	Recognised domain.Grade `json:"recognised,omitempty"`
}

// recommendersNeeded is how many expert recommenders an exceptional-merit
// application needs (DOMAIN.md §5).
const recommendersNeeded = 2

// CheckEligibility applies the tenant's eligibility table for the series
// to a person's facts. It never fails: what the rules cannot decide is a
// missing field or a reason not met.
//
// A recognition gives the highest grade whose years since graduation the
// person has for their education; the target may not be above it, nor at
// or below a grade the person already holds. An evaluation needs a target
// one grade above the person's title (a path that asks for no held grade,
// such as a doctorate for intermediate, needs no title at all), and one
// path of the table met: the education, and the held grade for its years
// counted from the date the title was obtained. When no path is met, the
// reasons of the closest path are given. Exceptional merit sets the years
// aside but needs two recommenders: years short of the path are a reason
// not met and waived, so the reviewers see them.
func CheckEligibility(s domain.Settings, f PersonFacts, q EligibilityQuestion) EligibilityCheck {
	table, ok := s.EligibilityFor(q.Series)
	if !ok {
		return EligibilityCheck{Reasons: []Reason{{Code: "eligibility.no_table", Params: P{"Series": q.Series}}}}
	}
	var out EligibilityCheck
	if q.Kind == domain.KindRecognition {
		out = recognition(table, f, q)
	} else {
		out = evaluation(table, f, q)
	}
	decided := len(out.Missing) == 0 && len(out.Reasons) > 0
	out.Eligible, out.Waived = decided, decided
	for _, r := range out.Reasons {
		out.Eligible = out.Eligible && r.Met
		out.Waived = out.Waived && (r.Met || r.Waived)
	}
	out.Waived = out.Waived && !out.Eligible
	return out
}

// Submittable reports whether an application with this outcome may be
// submitted: every reason is met, or the only ones not met are waived by
// exceptional merit.
func (c EligibilityCheck) Submittable() bool { return c.Eligible || c.Waived }

// recognition applies the recognition table.
func recognition(table domain.Eligibility, f PersonFacts, q EligibilityQuestion) EligibilityCheck {
	edu := domain.EducationOf(f.Education, f.Degree)
	var out EligibilityCheck
	if edu == "" {
		out.Missing = append(out.Missing, "education")
	}
	if f.GraduationDate == nil {
		out.Missing = append(out.Missing, "graduation_date")
	}
	if len(out.Missing) > 0 {
		return out
	}

	years := domain.WholeYears(*f.GraduationDate, q.Year)
	var best, nearest *domain.RecognitionRule
	for i, r := range table.Recognition {
		if r.Education != edu {
			continue
		}
		if years >= r.Years && (best == nil || !r.Grade.AtMost(best.Grade)) {
			best = &table.Recognition[i]
		}
		if nearest == nil || r.Years < nearest.Years {
			nearest = &table.Recognition[i]
		}
	}
	switch {
	case nearest == nil:
		out.Reasons = append(out.Reasons, Reason{Code: "eligibility.recognition_education",
			Params: P{"Education": edu}})
		return out
	case best == nil:
		best = nearest
	default:
		out.Recognised = best.Grade
	}
	out.Reasons = append(out.Reasons, Reason{Code: "eligibility.graduated", Met: out.Recognised != "",
		Params: P{"Education": edu, "Years": years, "Required": best.Years, "Grade": best.Grade}})
	if out.Recognised != "" {
		out.Reasons = append(out.Reasons, Reason{Code: "eligibility.recognition_target",
			Met: q.Target.AtMost(out.Recognised), Params: P{"Target": q.Target, "Grade": out.Recognised}})
	}
	if f.TitleGrade != "" {
		out.Reasons = append(out.Reasons, Reason{Code: "eligibility.above_current",
			Met: !q.Target.AtMost(f.TitleGrade), Params: P{"Current": f.TitleGrade, "Target": q.Target}})
	}
	return out
}

// pathOutcome is how a person fares on one path of an evaluation rule.
type pathOutcome struct {
	reasons []Reason
	met     bool
	// waived is true when the path is met or its only shortfall is years
	// that exceptional merit sets aside.
	waived bool
	// distance orders paths by how near the person is: a wrong education
	// weighs more than any shortfall of years.
	distance int
}

// evaluation applies the evaluation table.
func evaluation(table domain.Eligibility, f PersonFacts, q EligibilityQuestion) EligibilityCheck {
	var out EligibilityCheck
	i := slices.IndexFunc(table.Evaluation, func(r domain.EvaluationRule) bool { return r.Target == q.Target })
	if i < 0 {
		out.Reasons = []Reason{{Code: "eligibility.no_rule", Params: P{"Target": q.Target}}}
		return out
	}
	rule := table.Evaluation[i]
	edu := domain.EducationOf(f.Education, f.Degree)
	if edu == "" {
		out.Missing = append(out.Missing, "education")
	}
	if f.TitleGrade == "" && !slices.ContainsFunc(rule.Paths, func(p domain.Requirement) bool {
		return p.Held == "" && slices.Contains(p.Education, edu)
	}) {
		out.Missing = append(out.Missing, "title_grade", "title_date")
	} else if f.TitleGrade != "" && f.TitleDate == nil {
		out.Missing = append(out.Missing, "title_date")
	}
	if len(out.Missing) > 0 {
		return out
	}

	if f.TitleGrade != "" {
		out.Reasons = append(out.Reasons, Reason{Code: "eligibility.next_grade",
			Met: q.Target.Above(f.TitleGrade), Params: P{"Current": f.TitleGrade, "Target": q.Target}})
	}
	var chosen *pathOutcome
	for _, p := range rule.Paths {
		if f.TitleGrade == "" && p.Held != "" {
			continue
		}
		o := evaluatePath(p, f, q, edu)
		if chosen == nil || o.rank() > chosen.rank() || (o.rank() == chosen.rank() && o.distance < chosen.distance) {
			chosen = &o
		}
	}
	out.Reasons = append(out.Reasons, chosen.reasons...)
	if q.Exceptional {
		out.Reasons = append(out.Reasons, Reason{Code: "eligibility.recommenders",
			Met:    q.Recommenders >= recommendersNeeded,
			Params: P{"Count": q.Recommenders, "Required": recommendersNeeded}})
	}
	return out
}

// rank orders paths: met, then met but for waived years, then the rest.
func (o pathOutcome) rank() int {
	switch {
	case o.met:
		return 2
	case o.waived:
		return 1
	}
	return 0
}

// evaluatePath gives the reasons of one path.
func evaluatePath(p domain.Requirement, f PersonFacts, q EligibilityQuestion, edu domain.Education) pathOutcome {
	var o pathOutcome
	eduOK := slices.Contains(p.Education, edu)
	o.reasons = append(o.reasons, Reason{Code: "eligibility.education", Met: eduOK,
		Params: P{"Education": edu, "Allowed": p.Education}})
	if !eduOK {
		o.distance += 1000
	}
	o.met, o.waived = eduOK, eduOK
	if p.Held == "" {
		return o
	}
	held := 0
	if f.TitleGrade == p.Held {
		held = domain.WholeYears(*f.TitleDate, q.Year)
	} else {
		o.distance += 100
	}
	params := P{"Held": p.Held, "Years": held, "Required": p.Years}
	grade, years := f.TitleGrade == p.Held, held >= p.Years
	o.distance += max(0, p.Years-held)
	switch {
	case q.Exceptional && grade && !years:
		// Exceptional merit sets the years aside, never the grade held.
		o.reasons = append(o.reasons, Reason{Code: "eligibility.held_exceptional", Waived: true, Params: params})
		o.met = false
	default:
		o.reasons = append(o.reasons, Reason{Code: "eligibility.held", Met: grade && years, Params: params})
		o.met = o.met && grade && years
		o.waived = o.waived && grade && years
	}
	return o
}
