package engine_test

import (
	"context"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// The export's counts, from its README and from counting its tables: 23
// departments, 41 units, 3,477 people, 533 post rows for 2026.
const (
	exportDepartments = 23
	exportUnits       = 41
	exportPeople      = 3477
	exportPosts       = 533
)

func TestSyncLoadsTheExport(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		first := f.Demo.Report
		want := engine.SyncReport{
			Departments: engine.SyncCounts{Created: exportDepartments},
			Units:       engine.SyncCounts{Created: exportUnits},
			People:      engine.SyncCounts{Created: exportPeople},
			Posts:       engine.SyncCounts{Created: exportPosts},
		}
		if first.Departments != want.Departments || first.Units != want.Units ||
			first.People != want.People || first.Posts != want.Posts {
			t.Errorf("first sync: got %+v, want %+v", first, want)
		}

		src := openSample(t)
		again, err := f.Engine.Sync(engine.OperatorContext(context.Background(), "test"), f.Tenant.ID, src, sample.Year)
		if err != nil {
			t.Fatal(err)
		}
		unchanged := engine.SyncReport{
			Departments: engine.SyncCounts{Unchanged: exportDepartments},
			Units:       engine.SyncCounts{Unchanged: exportUnits},
			People:      engine.SyncCounts{Unchanged: exportPeople},
			Posts:       engine.SyncCounts{Unchanged: exportPosts},
		}
		if again.Departments != unchanged.Departments || again.Units != unchanged.Units ||
			again.People != unchanged.People || again.Posts != unchanged.Posts {
			t.Errorf("second sync: got %+v, want everything unchanged", again)
		}
	})
}

// TestStoragePersonalData checks that names outside the BMP survive both
// engines, and that ID numbers are not stored in clear.
func TestStoragePersonalData(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		admin := f.As(t, tenants.DemoAdmin)
		// Two people of the export carry 𠮷 (U+20BB7): 覃𠮷兰 and 姚𠮷蓉.
		ps, err := f.Engine.Client().Person.Query().Where(person.NameContains("𠮷")).All(admin)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]bool{}
		for _, p := range ps {
			names[p.Name] = true
		}
		if len(ps) != 2 || !names["覃𠮷兰"] || !names["姚𠮷蓉"] {
			t.Fatalf("got %v, want 覃𠮷兰 and 姚𠮷蓉", names)
		}
		p := ps[0]
		if len(p.IDNumberMasked) != 18 || p.IDNumberMasked[6:14] != "********" {
			t.Errorf("got masked ID %q, want 6 digits, 8 stars, 4 characters", p.IDNumberMasked)
		}
		if len(p.IDNumberEnc) < 18+16 {
			t.Errorf("sealed ID number too short: %d bytes", len(p.IDNumberEnc))
		}
		if p.MobileMasked != "" && p.MobileMasked[3:7] != "****" {
			t.Errorf("got masked mobile %q, want 138****1234 form", p.MobileMasked)
		}
	})
}

func TestSyncRefusesBadRecords(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		in := src{
			units: []contract.Unit{{CreditCode: "124331004000453124", Name: "校验码错误的单位", Region: "433100", DepartmentCode: "433100-WJW"}},
			people: []contract.Person{
				// The check character of a valid number changed from X to 1.
				{SourceID: "bad-id", UnitCode: stateHospital, Name: "测试", IDNumber: "110105194912310021"},
				{SourceID: "bad-level", UnitCode: stateHospital, Name: "测试", IDNumber: "11010519491231002X", PostCategory: "2", PostLevel: 14},
			},
			posts: []contract.Post{{UnitCode: stateHospital, Year: 2026, Category: "2", Level: 0, Approved: 3}},
		}
		rep, err := f.Engine.Sync(engine.OperatorContext(context.Background(), "test"), f.Tenant.ID, in, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Units.Refused != 1 || rep.People.Refused != 2 || rep.Posts.Refused != 1 {
			t.Errorf("got refused units %d people %d posts %d, want 1, 2, 1",
				rep.Units.Refused, rep.People.Refused, rep.Posts.Refused)
		}
		fields := map[string]string{}
		for _, r := range rep.Refusals {
			fields[r.Key] = r.Field
		}
		if fields["bad-id"] != "id_number" || fields["bad-level"] != "post_level" {
			t.Errorf("got refusal fields %v", fields)
		}
		// The state hospital's vacancies did not move.
		table, err := f.Engine.Vacancies(f.As(t, stateHospital), f.UnitID(t, stateHospital), 2026)
		if err != nil {
			t.Fatal(err)
		}
		if r := table.Levels[0]; r.Approved != 0 {
			t.Errorf("level 1 approved %d, want 0", r.Approved)
		}
	})
}

// src is a source that returns fixed records; departments and units it
// lacks are taken from the demo, so only the records under test differ.
type src struct {
	units  []contract.Unit
	people []contract.Person
	posts  []contract.Post
}

func (s src) Departments(context.Context) ([]contract.Department, error) {
	return []contract.Department{{Code: "433100-WJW", Name: "湘西土家族苗族自治州卫生健康委员会", Region: "433100"}}, nil
}

func (s src) Units(context.Context, string) ([]contract.Unit, error) {
	return append([]contract.Unit{{
		CreditCode: stateHospital, Name: "湘西土家族苗族自治州人民医院", Kind: "1", Funding: "2",
		Sector: "卫生", Region: "433100", DepartmentCode: "433100-WJW", ContactName: "舒红",
		ContactPhone: "0743-8176129", Address: "湖南省湘西土家族苗族自治州吉首市建新路101号",
	}}, s.units...), nil
}

func (s src) People(context.Context, string) ([]contract.Person, error) { return s.people, nil }

func (s src) Posts(context.Context, int, string) ([]contract.Post, error) { return s.posts, nil }

func openSample(t *testing.T) contract.Source {
	t.Helper()
	path, err := sample.WriteSQLite(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlsource.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPeopleList(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		clerk := f.As(t, stateHospital)
		// 328 people of 州人民医院 in the export (select count(*) from ry
		// where dwdm = '124331004000453123').
		page, err := f.Engine.People(clerk, engine.PeopleFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 328 || len(page.Items) != 50 {
			t.Fatalf("got total %d, %d items, want 328 and 50", page.Total, len(page.Items))
		}
		for _, p := range page.Items {
			if p.Unit.CreditCode != stateHospital {
				t.Fatalf("clerk sees a person of unit %s", p.Unit.CreditCode)
			}
		}
		// 覃𠮷兰 works there; found by part of the name.
		page, err = f.Engine.People(clerk, engine.PeopleFilter{Query: "𠮷"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || page.Items[0].Name != "覃𠮷兰" {
			t.Errorf("search 𠮷: got %+v", page.Items)
		}
		// A whole ID number finds its person: 鲁燕, rybh 4000450001.
		page, err = f.Engine.People(clerk, engine.PeopleFilter{Query: "433122199609269681"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 1 || page.Items[0].Name != "鲁燕" || page.Items[0].IDNumberMasked != "433122********9681" {
			t.Errorf("search by ID number: got %+v", page.Items)
		}
		// 姚𠮷蓉 works at 泸溪县人民医院, outside the clerk's unit.
		page, err = f.Engine.People(f.As(t, tcmHospital), engine.PeopleFilter{Query: "姚𠮷蓉"})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 0 {
			t.Errorf("a clerk finds %d people of another unit", page.Total)
		}
	})
}
