package sourcetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// Rule names a rule of the sync contract that a source may break.
type Rule string

// The rules that Verify checks. They follow what zhicheng refuses when it
// syncs, so that a source that passes has none of its records refused.
const (
	RuleRequired   Rule = "required"    // a required field is empty
	RuleLength     Rule = "length"      // a code or name is too long
	RuleIDNumber   Rule = "id-number"   // not a valid GB 11643 ID number
	RuleCreditCode Rule = "credit-code" // not a valid GB 32100 credit code
	RuleRegion     Rule = "region"      // not a 6-digit GB/T 2260 region code
	RuleDuplicate  Rule = "duplicate"   // a key given twice
	RuleReference  Rule = "reference"   // an unknown unit or department
	RulePostLevel  Rule = "post-level"  // a professional post level outside 1–13
	RulePostCount  Rule = "post-count"  // a negative number of approved posts
	RulePostYear   Rule = "post-year"   // a post of a year not asked for
	RuleCode       Rule = "code"        // a coded field with an unknown value
	RuleDate       Rule = "date"        // a date not of the form YYYY-MM-DD
	RuleConsistent Rule = "consistent"  // sex or birth date contradicts the ID number
	RuleUnitFilter Rule = "unit-filter" // the answer for one unit differs from the whole
)

// Violation is one broken rule: which record, which field, and why. Key
// identifies the record without personal data: a person by the source's
// person number, never by ID number.
type Violation struct {
	Rule   Rule
	Kind   string // department, unit, person or post
	Key    string
	Field  string
	Reason string
}

// String formats v as one line.
func (v Violation) String() string {
	return fmt.Sprintf("%s: %s %s: %s: %s", v.Rule, v.Kind, v.Key, v.Field, v.Reason)
}

// Report is the result of Verify: how many records of each kind the source
// gave, and the rules they break.
type Report struct {
	Departments int
	Units       int
	People      int
	Posts       int
	Violations  []Violation
}

// OK reports whether no rule was broken.
func (r Report) OK() bool { return len(r.Violations) == 0 }

// Count returns how many violations of rule r holds.
func (r Report) Count(rule Rule) int {
	n := 0
	for _, v := range r.Violations {
		if v.Rule == rule {
			n++
		}
	}
	return n
}

// Options says what Verify asks the source for.
type Options struct {
	// Year is the year of the approved posts; the current year when zero.
	Year int

	// Unit is the credit code of the unit whose one-unit answers are
	// compared with the whole; the first unit the source gives when
	// empty.
	Unit string
}

// Verify reads everything src gives, for opts.Year, and checks it against
// the rules. It returns an error, and no report, when src cannot be read.
func Verify(ctx context.Context, src contract.Source, opts Options) (Report, error) {
	if opts.Year == 0 {
		opts.Year = time.Now().Year()
	}
	d, err := read(ctx, src, opts.Year)
	if err != nil {
		return Report{}, err
	}

	c := &checker{data: d, year: opts.Year}
	c.departments()
	c.units()
	c.people()
	c.posts()
	if err := c.unitFilter(ctx, src, opts.Unit); err != nil {
		return Report{}, err
	}
	return Report{
		Departments: len(d.departments),
		Units:       len(d.units),
		People:      len(d.people),
		Posts:       len(d.posts),
		Violations:  c.violations,
	}, nil
}

// maxReported bounds the violations that Conformance reports one by one.
const maxReported = 50

// Conformance runs Verify on src and fails t for each broken rule, or
// when src cannot be read. It returns the report.
func Conformance(t testing.TB, src contract.Source, opts Options) Report {
	t.Helper()
	rep, err := Verify(t.Context(), src, opts)
	if err != nil {
		t.Fatalf("conformance: %v", err)
	}
	for i, v := range rep.Violations {
		if i == maxReported {
			t.Errorf("… and %d more violations", len(rep.Violations)-i)
			break
		}
		t.Error(v)
	}
	return rep
}

// data is everything a source gave.
type data struct {
	departments []contract.Department
	units       []contract.Unit
	people      []contract.Person
	posts       []contract.Post
}

// read reads everything src gives, with the posts of year. A source's
// errors already say which read failed.
func read(ctx context.Context, src contract.Source, year int) (data, error) {
	var d data
	var err error
	if d.departments, err = src.Departments(ctx); err != nil {
		return d, err
	}
	if d.units, err = src.Units(ctx, ""); err != nil {
		return d, err
	}
	if d.people, err = src.People(ctx, ""); err != nil {
		return d, err
	}
	if d.posts, err = src.Posts(ctx, year, ""); err != nil {
		return d, err
	}
	return d, nil
}
