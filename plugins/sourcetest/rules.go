package sourcetest

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// The longest codes and names that zhicheng stores.
const (
	maxDepartmentCode = 32
	maxPersonName     = 30
)

// personCodes returns the values of the coded fields of a person, by
// field.
func personCodes() map[string][]string {
	return map[string][]string{
		"post_category": {"1", "2", "3"},
		"sex":           {"1", "2"},
		"title_grade":   {"1", "2", "3", "4", "5"},
		"title_method":  {"1", "2"},
		"status":        {"1", "2", "3"},
	}
}

// checker collects the violations of one source's data.
type checker struct {
	data       data
	year       int
	violations []Violation
}

// flag records a violation.
func (c *checker) flag(rule Rule, kind, key, field, reason string) {
	c.violations = append(c.violations, Violation{
		Rule: rule, Kind: kind, Key: key, Field: field, Reason: reason,
	})
}

// orIndex returns key, or the record's position when key is empty.
func orIndex(key string, i int) string {
	if key == "" {
		return fmt.Sprintf("#%d", i+1)
	}
	return key
}

func (c *checker) departments() {
	seen := map[string]bool{}
	for i, d := range c.data.departments {
		key := orIndex(d.Code, i)
		switch {
		case d.Code == "":
			c.flag(RuleRequired, "department", key, "code", "missing")
		case len(d.Code) > maxDepartmentCode:
			c.flag(RuleLength, "department", key, "code", "longer than 32 bytes")
		case seen[d.Code]:
			c.flag(RuleDuplicate, "department", key, "code", "department code given twice")
		}
		seen[d.Code] = true
		if strings.TrimSpace(d.Name) == "" {
			c.flag(RuleRequired, "department", key, "name", "missing")
		}
		if _, err := domain.ParseRegionCode(d.Region); err != nil {
			c.flag(RuleRegion, "department", key, "region", err.Error())
		}
	}
}

func (c *checker) units() {
	depts := keys(c.data.departments, func(d contract.Department) string { return d.Code })
	seen := map[string]bool{}
	for i, u := range c.data.units {
		key := orIndex(u.CreditCode, i)
		if _, err := domain.ParseCreditCode(u.CreditCode); err != nil {
			c.flag(creditRule(u.CreditCode), "unit", key, "credit_code", err.Error())
		} else if seen[u.CreditCode] {
			c.flag(RuleDuplicate, "unit", key, "credit_code", "credit code given twice")
		}
		seen[u.CreditCode] = true
		if strings.TrimSpace(u.Name) == "" {
			c.flag(RuleRequired, "unit", key, "name", "missing")
		}
		if _, err := domain.ParseRegionCode(u.Region); err != nil {
			c.flag(RuleRegion, "unit", key, "region", err.Error())
		}
		switch {
		case u.DepartmentCode == "":
			c.flag(RuleRequired, "unit", key, "department_code", "missing")
		case !depts[u.DepartmentCode]:
			c.flag(RuleReference, "unit", key, "department_code", "unknown department")
		}
		if u.Kind != "" && u.Kind != "1" && u.Kind != "2" {
			c.flag(RuleCode, "unit", key, "kind", "unknown unit kind code")
		}
	}
}

// creditRule tells a missing credit code from an invalid one.
func creditRule(code string) Rule {
	if code == "" {
		return RuleRequired
	}
	return RuleCreditCode
}

func (c *checker) people() {
	units := keys(c.data.units, func(u contract.Unit) string { return u.CreditCode })
	ids := map[string]bool{}
	ids18 := map[domain.IDNumber]string{}
	for i, p := range c.data.people {
		key := orIndex(p.SourceID, i)
		switch {
		case p.SourceID == "":
			c.flag(RuleRequired, "person", key, "source_id", "missing")
		case ids[p.SourceID]:
			c.flag(RuleDuplicate, "person", key, "source_id", "person number given twice")
		}
		ids[p.SourceID] = true
		c.personUnit(key, p, units)
		c.personName(key, p)
		c.personID(key, p, ids18)
		c.personDates(key, p)
		c.personCodes(key, p)
	}
}

func (c *checker) personUnit(key string, p contract.Person, units map[string]bool) {
	switch {
	case p.UnitCode == "":
		c.flag(RuleRequired, "person", key, "unit_code", "missing")
	case !units[p.UnitCode]:
		c.flag(RuleReference, "person", key, "unit_code", "unknown unit")
	}
}

func (c *checker) personName(key string, p contract.Person) {
	name := strings.TrimSpace(p.Name)
	switch {
	case name == "":
		c.flag(RuleRequired, "person", key, "name", "missing")
	case utf8.RuneCountInString(name) > maxPersonName:
		c.flag(RuleLength, "person", key, "name", "longer than 30 characters")
	}
}

// personID checks the ID number, its uniqueness among seen, and that sex
// and birth date agree with it. Reasons never quote the number.
func (c *checker) personID(key string, p contract.Person, seen map[domain.IDNumber]string) {
	if p.IDNumber == "" {
		c.flag(RuleRequired, "person", key, "id_number", "missing")
		return
	}
	id, err := domain.ParseIDNumber(p.IDNumber)
	if err != nil {
		c.flag(RuleIDNumber, "person", key, "id_number", err.Error())
		return
	}
	if other, ok := seen[id]; ok {
		c.flag(RuleDuplicate, "person", key, "id_number", "same ID number as person "+other)
	} else {
		seen[id] = key
	}
	if p.Sex != "" && domain.Sex(p.Sex) != id.Sex() {
		c.flag(RuleConsistent, "person", key, "sex", "does not match the ID number")
	}
	if p.BirthDate != "" && p.BirthDate != id.BirthDate().Format(time.DateOnly) {
		c.flag(RuleConsistent, "person", key, "birth_date", "does not match the ID number")
	}
}

func (c *checker) personDates(key string, p contract.Person) {
	dates := []struct{ field, value string }{
		{"birth_date", p.BirthDate}, {"graduation_date", p.GraduationDate},
		{"started_work", p.StartedWork}, {"joined_unit", p.JoinedUnit},
		{"appointed_date", p.AppointedDate}, {"title_date", p.TitleDate},
		{"left_date", p.LeftDate},
	}
	for _, d := range dates {
		if d.value == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.value); err != nil {
			c.flag(RuleDate, "person", key, d.field, "not a date of the form YYYY-MM-DD")
		}
	}
}

func (c *checker) personCodes(key string, p contract.Person) {
	values := map[string]string{
		"post_category": p.PostCategory, "sex": p.Sex, "title_grade": p.TitleGrade,
		"title_method": p.TitleMethod, "status": p.Status,
	}
	codes := personCodes()
	for _, field := range slices.Sorted(maps.Keys(values)) {
		if v := values[field]; v != "" && !slices.Contains(codes[field], v) {
			c.flag(RuleCode, "person", key, field, "unknown code")
		}
	}
	if p.PostCategory == "2" && p.PostLevel != 0 && !domain.PostLevel(p.PostLevel).Valid() {
		c.flag(RulePostLevel, "person", key, "post_level", "professional post level outside 1–13")
	}
}

func (c *checker) posts() {
	units := keys(c.data.units, func(u contract.Unit) string { return u.CreditCode })
	seen := map[string]bool{}
	for _, p := range c.data.posts {
		key := fmt.Sprintf("%s/%d/%s/%d", p.UnitCode, p.Year, p.Category, p.Level)
		switch {
		case p.UnitCode == "":
			c.flag(RuleRequired, "post", key, "unit_code", "missing")
		case !units[p.UnitCode]:
			c.flag(RuleReference, "post", key, "unit_code", "unknown unit")
		}
		if p.Year != c.year {
			c.flag(RulePostYear, "post", key, "year", fmt.Sprintf("asked for %d", c.year))
		}
		if !domain.PostLevel(p.Level).Valid() {
			c.flag(RulePostLevel, "post", key, "level", "post level outside 1–13")
		}
		if p.Approved < 0 {
			c.flag(RulePostCount, "post", key, "approved", "negative number of posts")
		}
		if seen[key] {
			c.flag(RuleDuplicate, "post", key, "level", "unit, year, category and level given twice")
		}
		seen[key] = true
	}
}

// unitFilter asks src for one unit's records, unit or else the first
// unit's, and checks that they are the records of the whole answer that
// belong to the unit.
func (c *checker) unitFilter(ctx context.Context, src contract.Source, unit string) error {
	if unit == "" && len(c.data.units) > 0 {
		unit = c.data.units[0].CreditCode
	}
	if unit == "" {
		return nil
	}

	us, err := src.Units(ctx, unit)
	if err != nil {
		return err
	}
	sameRecords(c, "unit", unit, us, c.data.units,
		func(u contract.Unit) string { return u.CreditCode })

	ps, err := src.People(ctx, unit)
	if err != nil {
		return err
	}
	sameRecords(c, "person", unit, ps, c.data.people,
		func(p contract.Person) string { return p.UnitCode })

	posts, err := src.Posts(ctx, c.year, unit)
	if err != nil {
		return err
	}
	sameRecords(c, "post", unit, posts, c.data.posts,
		func(p contract.Post) string { return p.UnitCode })
	return nil
}

// sameRecords flags a difference between got, the answer for one unit,
// and the records of all whose unit is unit, in any order.
func sameRecords[T comparable](c *checker, kind, unit string, got, all []T, unitOf func(T) string) {
	want, n := map[T]int{}, 0
	for _, r := range all {
		if unitOf(r) == unit {
			want[r]++
			n++
		}
	}
	have := map[T]int{}
	for _, r := range got {
		have[r]++
	}
	if !reflect.DeepEqual(have, want) {
		c.flag(RuleUnitFilter, kind, unit, "unit_code",
			fmt.Sprintf("asked for one unit, got %d records, want the %d of the whole answer",
				len(got), n))
	}
}

// keys returns the set of the keys of xs.
func keys[T any](xs []T, key func(T) string) map[string]bool {
	set := make(map[string]bool, len(xs))
	for _, x := range xs {
		set[key(x)] = true
	}
	return set
}
