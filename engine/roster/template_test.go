package roster

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

func TestTemplateReadsBackAsItsExample(t *testing.T) {
	data, err := Template(nil)
	if err != nil {
		t.Fatal(err)
	}
	sh := mustRead(t, data, "模板.xlsx")
	if sh.Name != "人员信息" || len(sh.Ignored) != 0 || len(sh.Columns) != len(Fields()) {
		t.Errorf("sheet %q, %d columns, ignored %v", sh.Name, len(sh.Columns), sh.Ignored)
	}
	row := oneRow(t, sh)
	noProblems(t, row)
	want := Record{
		Name: "李华", IDNumber: idStandard, Sex: domain.SexFemale, BirthDate: day(1949, 12, 31),
		Ethnicity: "01", Political: "01", Education: "21", Degree: "4", School: "湖南大学", Major: "土木工程",
		GraduationDate: day(1972, 7, 1), StartedWork: day(1972, 8, 1), JoinedUnit: day(1980, 3, 1),
		PostCategory: domain.PostProfessional, PostLevel: 4, AppointedDate: day(2001, 1, 1),
		TitleSeries: "工程技术人员", TitleName: "正高级工程师", TitleGrade: domain.GradeFullSenior,
		TitleDate: day(2000, 12, 20), TitleMethod: MethodEvaluation, CertificateNo: "ZG2000-0001",
		Status: domain.PersonRetired, StatusDate: day(2010, 1, 1), Mobile: "13800000000",
	}
	got := row.Record
	got.MonthOnly = 0
	if !sameRecord(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	monthOnly := []string{FieldGraduationDate, FieldStartedWork, FieldJoinedUnit,
		FieldAppointedDate, FieldStatusDate}
	for _, f := range monthOnly {
		if !row.Record.MonthOnly.Has(f) {
			t.Errorf("%s not month-only", f)
		}
	}
}

func TestTemplateLayout(t *testing.T) {
	data, err := Template(catalog.Default())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got := f.GetSheetList(); len(got) != 3 || got[0] != "人员信息" || got[1] != "填写说明" || got[2] != "代码表" {
		t.Errorf("sheets %v", got)
	}
	if visible, _ := f.GetSheetVisible("代码表"); visible {
		t.Error("the codes sheet is visible")
	}
	t.Run("text format", func(t *testing.T) {
		for _, col := range []string{"B", "AA"} { // 身份证号, 手机号码
			id, err := f.GetColStyle("人员信息", col)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := f.GetStyle(id)
			if st == nil || st.NumFmt != 49 {
				t.Errorf("column %s: style %+v, want number format 49 (@)", col, st)
			}
		}
	})
	t.Run("drop-down lists", func(t *testing.T) {
		dvs, err := f.GetDataValidations("人员信息")
		if err != nil {
			t.Fatal(err)
		}
		lists := map[string]string{}
		for _, dv := range dvs {
			first := strings.SplitN(dv.Sqref, ":", 2)[0]
			lists[strings.TrimRight(first, "0123456789")] = dv.Formula1
		}
		for i, c := range columnSpecs {
			col, _ := excelize.ColumnNumberToName(i + 1)
			formula, ok := lists[col]
			coded := c.Kind != kindName && c.Kind != kindID && c.Kind != kindDate &&
				c.Kind != kindText && c.Kind != kindMobile
			switch {
			case coded && !ok:
				t.Errorf("column %s (%s) has no drop-down list", col, c.Header)
			case !coded && ok:
				t.Errorf("column %s (%s) has a drop-down list", col, c.Header)
			case ok && strings.HasPrefix(formula, `"`) && len(utf16.Encode([]rune(formula))) > 257:
				t.Errorf("column %s: inline list of %d characters", col, len(formula))
			case ok && !strings.HasPrefix(formula, `"`) && !strings.HasPrefix(formula, "'代码表'!"):
				t.Errorf("column %s: list %q points outside the codes sheet", col, formula)
			}
		}
		if f := lists["R"]; !strings.HasPrefix(f, "'代码表'!") { // 职称名称: 169 titles
			t.Errorf("title list %q, want a range of the codes sheet", f)
		}
		if f := lists["C"]; f != `"男,女,未知的性别,未说明的性别"` {
			t.Errorf("sex list %q", f)
		}
	})
	t.Run("instructions", func(t *testing.T) {
		rows, err := f.GetRows("填写说明")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < len(columnSpecs)+1 || rows[1][0] != "姓名" || rows[1][1] != "必填" || rows[2][0] != "身份证号" {
			t.Errorf("instructions begin %v", rows[:3])
		}
	})
}

func sameRecord(a, b Record) bool {
	return a.Name == b.Name && a.IDNumber == b.IDNumber && a.Sex == b.Sex && a.BirthDate.Equal(b.BirthDate) &&
		a.Ethnicity == b.Ethnicity && a.Political == b.Political && a.Education == b.Education &&
		a.Degree == b.Degree && a.School == b.School && a.Major == b.Major &&
		a.GraduationDate.Equal(b.GraduationDate) && a.StartedWork.Equal(b.StartedWork) &&
		a.JoinedUnit.Equal(b.JoinedUnit) && a.PostCategory == b.PostCategory && a.PostLevel == b.PostLevel &&
		a.AppointedDate.Equal(b.AppointedDate) && a.TitleSeries == b.TitleSeries &&
		a.TitleName == b.TitleName && a.TitleGrade == b.TitleGrade && a.TitleDate.Equal(b.TitleDate) &&
		a.TitleMethod == b.TitleMethod && a.CertificateNo == b.CertificateNo && a.Status == b.Status &&
		a.StatusDate.Equal(b.StatusDate) && a.Overseas == b.Overseas && a.Postdoctoral == b.Postdoctoral &&
		a.Mobile == b.Mobile
}
