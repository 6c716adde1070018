package roster

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The three enterprise rosters of the Xiangxi sample data, as their
// clerks keep them: header 序号 姓名 性别 身份证号码 出生年月 民族 学历 毕业院校
// 所学专业 参加工作时间 现专业技术职务 取得时间 备注, dates as 1993.08.
func TestReadXiangxiRosters(t *testing.T) {
	type person struct {
		row           int
		name, id      string
		sex           domain.Sex
		birth         time.Time // month only
		ethnicity     Ethnicity
		education     Education
		school, major string
		startedWork   time.Time // month only
		series, title string
		grade         domain.Grade
		titleDate     time.Time // month only; zero when the file has none
	}
	tests := []struct {
		file   string
		rows   int
		people []person
	}{
		{"湘西州交通规划勘察设计院有限公司.xlsx", 30, []person{
			{2, "龙凤英", "433100199308306495", domain.SexMale, day(1993, 8, 1), "01", "21",
				"长沙理工大学", "道路桥梁与渡河工程", day(2015, 10, 1),
				"工程技术人员", "助理工程师", domain.GradeAssistant, day(2018, 9, 1)},
			{4, "梁斌春", "433126197201170801", domain.SexFemale, day(1972, 1, 1), "15", "21",
				"中南大学", "土木工程", day(1994, 9, 1),
				"工程技术人员", "工程师", domain.GradeIntermediate, time.Time{}},
			{14, "陈子海", "433130198602229623", domain.SexFemale, day(1986, 2, 1), "15", "21",
				"中南林业科技大学", "土木工程", day(2008, 8, 1),
				"会计人员", "高级会计师", domain.GradeAssociateSenior, day(2020, 5, 1)},
			{24, "冉燕才", "433124199508057535", domain.SexMale, day(1995, 8, 1), "06", "31",
				"湖南大学", "道路桥梁与渡河工程", day(2016, 8, 1),
				"", "技术员", domain.GradeTechnician, day(2020, 3, 1)},
		}},
		{"湘西州建筑设计院有限公司.xlsx", 45, []person{
			{12, "李思", "430102198201135695", domain.SexMale, day(1982, 1, 1), "01", "14",
				"中南林业科技大学", "土木工程", day(2007, 7, 1),
				"工程技术人员", "工程师", domain.GradeIntermediate, day(2012, 11, 1)},
			{22, "胡振", "433122197709053272", domain.SexMale, day(1977, 9, 1), "01", "31",
				"长沙理工大学", "水利水电工程", day(1998, 10, 1),
				"工程技术人员", "正高级工程师", domain.GradeFullSenior, day(2018, 1, 1)},
			{31, "吴红", "433124200206299489", domain.SexFemale, day(2002, 6, 1), "01", "41",
				"", "土木工程", day(2021, 10, 1),
				"", "技术员", domain.GradeTechnician, day(2022, 10, 1)},
			{46, "王振湘", "433126197202167612", domain.SexMale, day(1972, 2, 1), "01", "21",
				"湖南大学", "测绘工程", day(1994, 9, 1),
				"工程技术人员", "工程师", domain.GradeIntermediate, day(2001, 7, 1)},
		}},
		{"湘西自治州水利水电勘测设计研究院有限公司.xlsx", 35, []person{
			{2, "龙海", "433124198804177799", domain.SexMale, day(1988, 4, 1), "01", "21",
				"中南林业科技大学", "土木工程", day(2010, 10, 1),
				"工程技术人员", "工程师", domain.GradeIntermediate, day(2018, 6, 1)},
			{4, "吴立", "433123197506238310", domain.SexMale, day(1975, 6, 1), "06", "21",
				"中南林业科技大学", "测绘工程", day(1997, 8, 1),
				"工程技术人员", "高级工程师", domain.GradeAssociateSenior, time.Time{}},
			{30, "田子华", "43310019760512543X", domain.SexMale, day(1976, 5, 1), "01", "14",
				"湖南大学", "土木工程", day(2001, 9, 1),
				"工程技术人员", "高级工程师", domain.GradeAssociateSenior, day(2011, 9, 1)},
			{36, "刘维", "430102198902196343", domain.SexFemale, day(1989, 2, 1), "06", "21",
				"湖南大学", "土木工程", day(2011, 7, 1),
				"工程技术人员", "工程师", domain.GradeIntermediate, day(2016, 7, 1)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sh := readFile(t, filepath.Join("testdata", tt.file))
			if sh.Name != "花名册" || len(sh.Rows) != tt.rows {
				t.Fatalf("sheet %q with %d rows, want 花名册 with %d", sh.Name, len(sh.Rows), tt.rows)
			}
			for _, row := range sh.Rows {
				noProblems(t, row)
			}
			byRow := map[int]Record{}
			for _, row := range sh.Rows {
				byRow[row.Number] = row.Record
			}
			for _, p := range tt.people {
				r, ok := byRow[p.row]
				if !ok {
					t.Errorf("no row %d", p.row)
					continue
				}
				got := person{p.row, r.Name, string(r.IDNumber), r.Sex, r.BirthDate, r.Ethnicity, r.Education,
					r.School, r.Major, r.StartedWork, r.TitleSeries, r.TitleName, r.TitleGrade, r.TitleDate}
				if got != p {
					t.Errorf("row %d:\ngot  %+v\nwant %+v", p.row, got, p)
				}
				for _, f := range []string{FieldBirthDate, FieldStartedWork} {
					if !r.MonthOnly.Has(f) {
						t.Errorf("row %d: %s not month-only", p.row, f)
					}
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) *Sheet {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	sh, err := Read(f, st.Size(), filepath.Base(path), Options{Now: testNow})
	if err != nil {
		t.Fatalf("Read %s: %v", path, err)
	}
	return sh
}
