package engine_test

import (
	"errors"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

func TestSavePerson(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		code := tenants.DemoEnterprises[0].CreditCode
		clerk := f.As(t, code)
		unit := f.UnitID(t, code)
		date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
		// 11010519491231002X: born 1949-12-31, 17th digit 2, a woman.
		rec := roster.Record{
			Name: "欧阳·丽", IDNumber: "11010519491231002X", Sex: domain.SexFemale, BirthDate: date(1949, 12, 31),
			Education: "21", School: "长沙理工大学", Major: "道路桥梁", GraduationDate: date(1972, 7, 1),
			StartedWork: date(1972, 8, 1), PostCategory: domain.PostProfessional, PostLevel: 7,
			TitleSeries: "工程技术人员", TitleName: "高级工程师", TitleGrade: domain.GradeAssociateSenior,
			TitleDate: date(1995, 12, 1), TitleMethod: "evaluation", Status: domain.PersonServing,
		}
		p, err := e.SavePerson(clerk, unit, 0, rec)
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != "欧阳·丽" || p.IDNumberMasked != "110105********002X" || len(p.Missing) != 0 {
			t.Errorf("got %+v", p.PersonSummary)
		}

		_, err = e.SavePerson(clerk, unit, 0, rec)
		wantKind(t, err, engine.KindConflict, "person.exists")
		elsewhere := rec
		elsewhere.IDNumber, elsewhere.BirthDate = "433122199609269681", date(1996, 9, 26) // 鲁燕 of 州人民医院
		elsewhere.GraduationDate, elsewhere.StartedWork = date(2018, 6, 30), date(2018, 8, 30)
		elsewhere.TitleName, elsewhere.TitleGrade = "助理工程师", domain.GradeAssistant
		elsewhere.TitleDate, elsewhere.PostLevel = date(2022, 5, 30), 12
		_, err = e.SavePerson(clerk, unit, 0, elsewhere)
		wantKind(t, err, engine.KindConflict, "person.elsewhere")

		bad := rec
		bad.IDNumber, bad.Sex = "110105194912310021", domain.SexMale // wrong check character
		_, err = e.SavePerson(clerk, unit, 0, bad)
		ee := wantKind(t, err, engine.KindInvalid, "person.invalid")
		var probs engine.RecordProblems
		if !errors.As(ee, &probs) || len(probs) == 0 || probs[0].Field != roster.FieldIDNumber {
			t.Errorf("got problems %v, want one on the ID number", probs)
		}

		rec.School = "湖南大学"
		if p, err = e.SavePerson(clerk, unit, p.ID, rec); err != nil || p.School != "湖南大学" {
			t.Errorf("update: got %s (%v)", p.School, err)
		}
		_, err = e.SavePerson(f.As(t, tenants.DemoEnterprises[1].CreditCode), f.UnitID(t, tenants.DemoEnterprises[1].CreditCode), p.ID, rec)
		wantKind(t, err, engine.KindNotFound, "")

		p, err = e.SetPersonStatus(clerk, p.ID, domain.PersonRetired, date(2009, 12, 31))
		if err != nil || p.Status != domain.PersonRetired {
			t.Errorf("retire: got %s (%v)", p.Status, err)
		}
		_, err = e.SetPersonStatus(clerk, p.ID, domain.PersonLeft, time.Now().AddDate(1, 0, 0))
		wantKind(t, err, engine.KindInvalid, "person.status_date_future")
		_, err = e.SetPersonStatus(clerk, p.ID, domain.PersonLeft, time.Time{})
		wantKind(t, err, engine.KindInvalid, "person.status_date")
	})
}
