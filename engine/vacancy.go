package engine

import (
	"context"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/postplan"
	"github.com/zhicheng-hr/zhicheng/ent/quotabalance"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// VacancyRow holds the quota figures of DOMAIN.md §3 for one post level or
// one grade of a unit in a year.
type VacancyRow struct {
	Level    domain.PostLevel `json:"level,omitempty"` // 0 on grade rows
	Grade    domain.Grade     `json:"grade"`
	Approved int              `json:"approved"` // 核准职数
	Occupied int              `json:"occupied"` // 现聘人数
	Reserved int              `json:"reserved"` // 在途: grade rows only
	Vacancy  int              `json:"vacancy"`  // 空岗数
	// OverStaffed marks a row where more staff are appointed than approved.
	OverStaffed bool `json:"over_staffed"`
}

// VacancyTable is a unit's vacancy table for a year: one row per post level
// 1–13 and one per grade.
type VacancyTable struct {
	Unit   UnitRef      `json:"unit"`
	Year   int          `json:"year"`
	Levels []VacancyRow `json:"levels"`
	Grades []VacancyRow `json:"grades"`
}

// Grade returns the row of grade g.
func (t VacancyTable) Grade(g domain.Grade) VacancyRow {
	for _, r := range t.Grades {
		if r.Grade == g {
			return r
		}
	}
	return VacancyRow{Grade: g}
}

// Vacancies returns the vacancy table of a unit for a year.
func (e *Engine) Vacancies(ctx context.Context, unitID, year int) (VacancyTable, error) {
	if _, err := e.authorize(ctx, policies.ObjVacancy, policies.ActRead); err != nil {
		return VacancyTable{}, err
	}
	if err := checkYear(year); err != nil {
		return VacancyTable{}, err
	}
	u, err := e.client.Unit.Get(ctx, unitID)
	if err != nil {
		return VacancyTable{}, storageError("read unit", "unit", err)
	}
	return vacancies(ctx, e.client, u, year)
}

// vacancies computes the table with client c, which may be a transaction's.
func vacancies(ctx context.Context, c *ent.Client, u *ent.Unit, year int) (VacancyTable, error) {
	approved, err := approvedByLevel(ctx, c, u.ID, year)
	if err != nil {
		return VacancyTable{}, err
	}
	occupied, err := occupiedByLevel(ctx, c, u.ID)
	if err != nil {
		return VacancyTable{}, err
	}
	reserved, err := reservedByGrade(ctx, c, u.ID, year)
	if err != nil {
		return VacancyTable{}, err
	}
	t := VacancyTable{Unit: unitRef(u), Year: year}
	for l := domain.MinPostLevel; l <= domain.MaxPostLevel; l++ {
		t.Levels = append(t.Levels, row(l, l.Grade(), approved[l], occupied[l], 0))
	}
	for _, g := range domain.Grades {
		var a, o int
		for _, l := range g.Levels() {
			a += approved[l]
			o += occupied[l]
		}
		t.Grades = append(t.Grades, row(0, g, a, o, reserved[g]))
	}
	return t, nil
}

// row applies vacancy = max(0, approved − occupied − reserved).
func row(l domain.PostLevel, g domain.Grade, approved, occupied, reserved int) VacancyRow {
	return VacancyRow{
		Level: l, Grade: g, Approved: approved, Occupied: occupied, Reserved: reserved,
		Vacancy:     max(0, approved-occupied-reserved),
		OverStaffed: occupied > approved,
	}
}

func approvedByLevel(ctx context.Context, c *ent.Client, unitID, year int) (map[domain.PostLevel]int, error) {
	plans, err := c.PostPlan.Query().
		Where(postplan.UnitID(unitID), postplan.Year(year)).All(ctx)
	if err != nil {
		return nil, storageError("read post plan", "unit", err)
	}
	out := map[domain.PostLevel]int{}
	for _, p := range plans {
		out[p.Level] += p.Approved
	}
	return out, nil
}

// occupiedByLevel counts the serving staff appointed to each professional
// post level.
func occupiedByLevel(ctx context.Context, c *ent.Client, unitID int) (map[domain.PostLevel]int, error) {
	var rows []struct {
		PostLevel int `json:"post_level"`
		Count     int `json:"count"`
	}
	err := c.Person.Query().
		Where(
			person.UnitID(unitID),
			person.StatusEQ(domain.PersonServing),
			person.PostCategoryEQ(domain.PostProfessional),
			person.PostLevelGTE(int(domain.MinPostLevel)),
			person.PostLevelLTE(int(domain.MaxPostLevel)),
		).
		GroupBy(person.FieldPostLevel).
		Aggregate(ent.Count()).
		Scan(ctx, &rows)
	if err != nil {
		return nil, storageError("count occupied posts", "unit", err)
	}
	out := map[domain.PostLevel]int{}
	for _, r := range rows {
		out[domain.PostLevel(r.PostLevel)] = r.Count
	}
	return out, nil
}

func reservedByGrade(ctx context.Context, c *ent.Client, unitID, year int) (map[domain.Grade]int, error) {
	bs, err := c.QuotaBalance.Query().
		Where(quotabalance.UnitID(unitID), quotabalance.Year(year)).All(ctx)
	if err != nil {
		return nil, storageError("read reserved quota", "unit", err)
	}
	out := map[domain.Grade]int{}
	for _, b := range bs {
		out[b.Grade] = b.Reserved
	}
	return out, nil
}

func checkYear(year int) error {
	if year < 2000 || year > 2100 {
		return invalid("year", P{"year": year})
	}
	return nil
}
