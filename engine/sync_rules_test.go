package engine_test

import (
	"context"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// TestSyncOverwriteRules checks who wins when a field changes both at the
// source and in this system: basic information comes from the source; the
// title is the source's only where this system's is incomplete; people the
// source drops are marked left and come back when it sends them again.
func TestSyncOverwriteRules(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		e, ten := smallTenantOn(t, b.NewDatabase(t), nil)
		t.Cleanup(func() { e.Close() })
		op := engine.OperatorContext(context.Background(), "test")
		admin := adminOf(t, e, ten)

		chen := contract.Person{
			SourceID: "1", UnitCode: stateHospital, Name: "陈静", Sex: "2", IDNumber: "11010519491231002X",
			BirthDate: "1949-12-31", PostCategory: "2", PostLevel: 8, TitleSeries: "卫生技术人员",
			TitleName: "主治医师", TitleGrade: "3", TitleDate: "2010-05-01", TitleMethod: "1", Status: "1",
		}
		lu := contract.Person{
			SourceID: "2", UnitCode: stateHospital, Name: "鲁燕", Sex: "2", IDNumber: "433122199609269681",
			BirthDate: "1996-09-26", PostCategory: "2", PostLevel: 12, TitleSeries: "卫生技术人员",
			TitleName: "医师", TitleGrade: "4", TitleDate: "2022-05-30", TitleMethod: "2", Status: "1",
		}
		sync := func(people ...contract.Person) engine.SyncReport {
			t.Helper()
			rep, err := e.Sync(op, ten.ID, src{people: people}, 2026)
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		get := func(name string) *entPerson {
			t.Helper()
			p, err := e.Client().Person.Query().Where(person.Name(name)).Only(admin)
			if err != nil {
				t.Fatalf("find %s: %v", name, err)
			}
			return &entPerson{status: p.Status, title: p.TitleName, level: p.PostLevel, id: p.ID}
		}
		sync(chen, lu)

		// This system corrects 陈静's title; the source changes it and her
		// post level. Her title here is complete, so it stays; the post
		// level, basic information, follows the source.
		p := get("陈静")
		if err := e.Client().Person.UpdateOneID(p.id).SetTitleName("副主任医师").
			SetTitleGrade(domain.GradeAssociateSenior).Exec(admin); err != nil {
			t.Fatal(err)
		}
		chen.TitleName, chen.PostLevel = "主管护师", 7
		sync(chen, lu)
		if p := get("陈静"); p.title != "副主任医师" || p.level == nil || *p.level != 7 {
			t.Errorf("complete title: got title %s level %v, want 副主任医师 kept and level 7", p.title, p.level)
		}

		// With the title date missing here, the title is incomplete, and
		// the source's title is taken.
		if err := e.Client().Person.UpdateOneID(p.id).ClearTitleDate().Exec(admin); err != nil {
			t.Fatal(err)
		}
		chen.TitleDate = "2011-05-01"
		sync(chen, lu)
		if p := get("陈静"); p.title != "主管护师" {
			t.Errorf("incomplete title: got %s, want the source's 主管护师", p.title)
		}

		// 鲁燕 is missing from the source: marked left, not deleted.
		rep := sync(chen)
		if rep.People.Left != 1 {
			t.Errorf("got %d marked left, want 1", rep.People.Left)
		}
		if p := get("鲁燕"); p.status != domain.PersonLeft {
			t.Errorf("got status %s, want left", p.status)
		}
		sync(chen, lu)
		if p := get("鲁燕"); p.status != domain.PersonServing {
			t.Errorf("back in the source: got status %s, want serving", p.status)
		}
	})
}

type entPerson struct {
	id     int
	status domain.PersonStatus
	title  string
	level  *int
}

func adminOf(t *testing.T, e *engine.Engine, ten engine.Tenant) context.Context {
	t.Helper()
	s, err := e.Login(context.Background(), ten.ID, "admin", adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	return domain.WithActor(context.Background(), s.Actor)
}
