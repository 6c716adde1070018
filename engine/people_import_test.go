package engine_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

func readRoster(t *testing.T, name string) *roster.Sheet {
	t.Helper()
	path := filepath.Join("roster", "testdata", name+".xlsx")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	sh, err := roster.Read(f, fi.Size(), filepath.Base(path), roster.Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// TestImportRosters imports the three enterprises' rosters: every person
// is created in the right unit, and a second import changes nothing.
func TestImportRosters(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		for _, ent := range tenants.DemoEnterprises {
			t.Run(ent.Name, func(t *testing.T) {
				sh := readRoster(t, ent.Name)
				if n := len(sh.Problems()); n != 0 {
					t.Fatalf("roster has %d problems: %v", n, sh.Problems())
				}
				clerk := f.As(t, ent.CreditCode)
				unitID := f.UnitID(t, ent.CreditCode)
				rep, err := e.ImportPeople(clerk, unitID, sh, engine.ImportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Created != len(sh.Rows) || rep.Updated+rep.Unchanged+len(rep.Transfers) != 0 {
					t.Errorf("first import: got %+v, want %d created", rep, len(sh.Rows))
				}
				again, err := e.ImportPeople(clerk, unitID, sh, engine.ImportOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if again.Unchanged != len(sh.Rows) || again.Created+again.Updated != 0 {
					t.Errorf("second import: got %+v, want all %d unchanged", again, len(sh.Rows))
				}
				page, err := e.People(clerk, engine.PeopleFilter{Limit: 200})
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(sh.Rows) {
					t.Errorf("got %d people in the unit, want %d", page.Total, len(sh.Rows))
				}
			})
		}
	})
}

func TestImportRefusals(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		code := tenants.DemoEnterprises[0].CreditCode
		clerk := f.As(t, code)
		unitID := f.UnitID(t, code)
		// 鲁燕 works at 州人民医院 (export person 4000450001).
		transfer := roster.Row{Number: 3, Record: roster.Record{
			Name: "鲁燕", IDNumber: "433122199609269681", Sex: domain.SexFemale,
			BirthDate: time.Date(1996, 9, 26, 0, 0, 0, 0, time.UTC), Status: domain.PersonServing,
		}}
		fresh := roster.Row{Number: 2, Record: roster.Record{
			Name: "新人", IDNumber: "11010519491231002X", Sex: domain.SexFemale,
			BirthDate: time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), Status: domain.PersonServing,
		}}
		bad := roster.Row{Number: 4, Problems: []roster.Problem{{Row: 4, Code: "roster.id.check"}}}
		sh := &roster.Sheet{Rows: []roster.Row{fresh, transfer, bad}}

		_, err := e.ImportPeople(clerk, unitID, sh, engine.ImportOptions{})
		wantKind(t, err, engine.KindInvalid, "import.has_problems")
		if page, _ := e.People(clerk, engine.PeopleFilter{}); page.Total != 0 {
			t.Fatalf("a refused import wrote %d people", page.Total)
		}

		rep, err := e.ImportPeople(clerk, unitID, sh, engine.ImportOptions{ValidOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 1 || rep.Skipped != 1 || len(rep.Transfers) != 1 || rep.Transfers[0] != 3 {
			t.Errorf("got %+v, want 1 created, 1 skipped, row 3 a transfer", rep)
		}
		hospital, err := e.People(f.As(t, stateHospital), engine.PeopleFilter{Query: "433122199609269681"})
		if err != nil || hospital.Total != 1 {
			t.Errorf("the transferred person left the hospital: %+v (%v)", hospital, err)
		}
		_, err = e.ImportPeople(f.As(t, stateHealthWJ), unitID, sh, engine.ImportOptions{ValidOnly: true})
		wantKind(t, err, engine.KindPermissionDenied, "")
		_, err = e.ImportPeople(f.As(t, stateHospital), unitID, sh, engine.ImportOptions{ValidOnly: true})
		wantKind(t, err, engine.KindNotFound, "")
	})
}

// TestPersonPageAndReveal checks a person's record, what it lacks for an
// application, and that seeing the whole ID number is logged.
func TestPersonPageAndReveal(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		find := func(id string) int {
			t.Helper()
			page, err := e.People(clerk, engine.PeopleFilter{Query: id})
			if err != nil || page.Total != 1 {
				t.Fatalf("find %s: %+v %v", id, page, err)
			}
			return page.Items[0].ID
		}
		// 鲁燕 (export person 4000450001) has every field an application reads.
		lu := find("433122199609269681")
		d, err := e.Person(clerk, lu)
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "鲁燕" || d.School != "中南大学" || len(d.Missing) != 0 {
			t.Errorf("got %s from %s missing %v, want 鲁燕 from 中南大学 missing nothing", d.Name, d.School, d.Missing)
		}
		// 彭秀勇 (4000450080) has no graduation school in the export.
		d, err = e.Person(clerk, find("422801198306128549"))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Missing) != 1 || d.Missing[0] != "school" {
			t.Errorf("got missing %v, want [school]", d.Missing)
		}

		r, err := e.RevealPerson(clerk, lu)
		if err != nil {
			t.Fatal(err)
		}
		if r.IDNumber != "433122199609269681" || r.Mobile != "13800007024" {
			t.Errorf("got %+v", r)
		}
		n, err := e.Client().AuditEvent.Query().Where(auditevent.Event("person.reveal")).Count(f.As(t, tenants.DemoAdmin))
		if err != nil || n != 1 {
			t.Errorf("got %d reveal entries (%v), want 1", n, err)
		}
		_, err = e.RevealPerson(f.As(t, tcmHospital), lu)
		wantKind(t, err, engine.KindNotFound, "")
	})
}
