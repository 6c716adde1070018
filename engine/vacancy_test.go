package engine_test

import (
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// Units of the Xiangxi export used across the tests. Their figures below
// were counted from the export itself: approved from gwsz (nd 2026, gwlb
// 2), occupied from ry (ryzt 1 serving, gwlb 2 professional) by gwdj.
const (
	stateHospital   = "124331004000453123" // 州人民医院: vacancies at every grade
	tcmHospital     = "12433100400092813K" // 州民族中医院: associate senior exactly full
	jishouHospital  = "12433101401375276K" // 吉首市人民医院: over at associate senior
	countyClerkUnit = "12433122401606425W" // 泸溪县人民医院, a county unit
)

func TestVacancies(t *testing.T) {
	type figures struct{ approved, occupied, vacancy int }
	tests := []struct {
		unit   string
		grades map[domain.Grade]figures
		levels map[domain.PostLevel]figures
	}{
		{
			unit: stateHospital,
			grades: map[domain.Grade]figures{
				domain.GradeFullSenior:      {13, 12, 1},
				domain.GradeAssociateSenior: {105, 98, 7},
				domain.GradeIntermediate:    {128, 124, 4},
				domain.GradeAssistant:       {58, 55, 3},
				domain.GradeTechnician:      {10, 9, 1},
			},
			levels: map[domain.PostLevel]figures{
				1: {0, 0, 0}, 2: {2, 2, 0}, 3: {5, 5, 0}, 4: {6, 5, 1},
				5: {27, 25, 2}, 6: {29, 24, 5}, 7: {49, 49, 0},
				8: {40, 36, 4}, 9: {29, 29, 0}, 10: {59, 59, 0},
				11: {19, 16, 3}, 12: {39, 39, 0}, 13: {10, 9, 1},
			},
		},
		{
			unit: tcmHospital,
			grades: map[domain.Grade]figures{
				domain.GradeFullSenior:      {5, 3, 2},
				domain.GradeAssociateSenior: {43, 43, 0},
				domain.GradeIntermediate:    {80, 75, 5},
				domain.GradeAssistant:       {33, 32, 1},
				domain.GradeTechnician:      {7, 6, 1},
			},
		},
		{
			unit: jishouHospital,
			grades: map[domain.Grade]figures{
				domain.GradeFullSenior:      {5, 4, 1},
				domain.GradeAssociateSenior: {25, 26, 0}, // one over: vacancy is never negative
				domain.GradeIntermediate:    {63, 61, 2},
				domain.GradeAssistant:       {22, 19, 3},
				domain.GradeTechnician:      {7, 7, 0},
			},
		},
	}
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		ctx := f.As(t, tenants.DemoBureau) // the prefecture bureau sees every unit
		for _, tt := range tests {
			t.Run(tt.unit, func(t *testing.T) {
				table, err := f.Engine.Vacancies(ctx, f.UnitID(t, tt.unit), 2026)
				if err != nil {
					t.Fatal(err)
				}
				// The administrator runs the tenant but reads no vacancies.
				_, err = f.Engine.Vacancies(f.As(t, tenants.DemoAdmin), f.UnitID(t, tt.unit), 2026)
				wantKind(t, err, engine.KindPermissionDenied, "")
				if len(table.Levels) != 13 || len(table.Grades) != 5 {
					t.Fatalf("got %d level rows and %d grade rows, want 13 and 5",
						len(table.Levels), len(table.Grades))
				}
				for g, want := range tt.grades {
					r := table.Grade(g)
					got := figures{r.Approved, r.Occupied, r.Vacancy}
					if got != want {
						t.Errorf("grade %s: got %+v, want %+v", g, got, want)
					}
					if r.OverStaffed != (want.occupied > want.approved) {
						t.Errorf("grade %s: over-staffed %v, want %v", g, r.OverStaffed, !r.OverStaffed)
					}
				}
				for _, r := range table.Levels {
					want, ok := tt.levels[r.Level]
					if !ok {
						continue
					}
					if got := (figures{r.Approved, r.Occupied, r.Vacancy}); got != want {
						t.Errorf("level %d: got %+v, want %+v", r.Level, got, want)
					}
				}
			})
		}
	})
}
