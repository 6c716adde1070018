package catalog_test

import (
	"encoding/csv"
	"errors"
	"os"
	"slices"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The 27 series of DOMAIN.md section 4, by code.
var wantSeries = []string{
	"高等学校教师", "哲学社会科学研究人员", "自然科学研究人员", "卫生技术人员", "工程技术人员",
	"农业技术人员", "新闻专业人员", "出版专业人员", "图书资料专业人员", "文物博物专业人员",
	"档案专业人员", "工艺美术专业人员", "技工院校教师", "体育专业人员", "翻译专业人员",
	"播音主持专业人员", "会计人员", "统计专业人员", "经济专业人员", "实验技术人才",
	"中等职业学校教师", "中小学教师", "艺术专业人员", "公共法律服务专业人员", "船舶专业技术人员",
	"民用航空飞行技术人员", "审计专业人员",
}

func TestEmbeddedFileParses(t *testing.T) {
	f, err := os.Open("titles.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := catalog.Parse(f)
	if err != nil {
		t.Fatalf("Parse(titles.json): %v", err)
	}
	if got, want := len(c.Series()), len(catalog.Default().Series()); got != want {
		t.Errorf("got %d series, want %d as in Default", got, want)
	}
}

func TestDefaultHas27Series(t *testing.T) {
	got := catalog.Default().Series()
	if len(got) != 27 {
		t.Fatalf("got %d series, want 27", len(got))
	}
	names := map[string]bool{}
	for i, s := range got {
		if want := twoDigits(i + 1); s.Code != want {
			t.Errorf("series %d: got code %q, want %q", i+1, s.Code, want)
		}
		if s.Name != wantSeries[i] {
			t.Errorf("series %s: got name %q, want %q", s.Code, s.Name, wantSeries[i])
		}
		if names[s.Name] {
			t.Errorf("series name %q used twice", s.Name)
		}
		names[s.Name] = true
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name          string
		series, title string
		wantSeries    string
		wantGrade     domain.Grade
		wantTracks    []string
	}{
		{"HealthDoctor", "卫生技术人员", "主治医师",
			"卫生技术人员", domain.GradeIntermediate, []string{"医"}},
		{"HealthNurse", "卫生技术人员", "护士",
			"卫生技术人员", domain.GradeTechnician, []string{"护"}},
		{"Engineering", "工程技术人员", "高级工程师",
			"工程技术人员", domain.GradeAssociateSenior, nil},
		{"SchoolTeacher", "中小学教师", "一级教师",
			"中小学教师", domain.GradeIntermediate, nil},
		{"SharedByTracks", "农业技术人员", "技术员",
			"农业技术人员", domain.GradeTechnician, []string{"农艺", "畜牧", "兽医"}},
		{"NewsEditor", "新闻专业人员", "编辑",
			"新闻专业人员", domain.GradeIntermediate, []string{"编辑"}},
		{"PublishingEditor", "出版专业人员", "编辑",
			"出版专业人员", domain.GradeIntermediate, nil},
		{"Notary", "公共法律服务专业人员", "一级公证员",
			"公共法律服务专业人员", domain.GradeFullSenior, []string{"公证员"}},
		{"Pilot", "船舶专业技术人员", "高级引航员",
			"船舶专业技术人员", domain.GradeAssociateSenior, []string{"引航"}},
		{"Translator", "翻译专业人员", "一级翻译",
			"翻译专业人员", domain.GradeAssociateSenior, nil},
		{"Alias", "中学教师", "高级教师",
			"中小学教师", domain.GradeAssociateSenior, nil},
		{"SurroundingSpaces", " 卫生技术人员", "主管护师\u3000",
			"卫生技术人员", domain.GradeIntermediate, []string{"护"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := catalog.Default().Title(tt.series, tt.title)
			if !ok {
				t.Fatalf("Title(%q, %q) not found", tt.series, tt.title)
			}
			if got.Series != tt.wantSeries || got.Grade != tt.wantGrade {
				t.Errorf("got %s %s, want %s %s",
					got.Series, got.Grade, tt.wantSeries, tt.wantGrade)
			}
			if !slices.Equal(got.Tracks, tt.wantTracks) {
				t.Errorf("got tracks %q, want %q", got.Tracks, tt.wantTracks)
			}
		})
	}
}

func TestTitleNotFound(t *testing.T) {
	tests := []struct{ name, series, title string }{
		{"TitleOfAnotherSeries", "工程技术人员", "主治医师"},
		{"UnknownSeries", "卫生系列", "主治医师"},
		{"LegacyWording", "高等学校教师", "讲师（高校）"},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := catalog.Default().Title(tt.series, tt.title); ok {
				t.Errorf("got %+v, want not found", got)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name          string
		series, title string
		grade         domain.Grade
		want          error
	}{
		{"OK", "卫生技术人员", "主治医师", domain.GradeIntermediate, nil},
		{"OKFullSenior", "工程技术人员", "正高级工程师", domain.GradeFullSenior, nil},
		{"OKAlias", "小学教师", "三级教师", domain.GradeTechnician, nil},
		{"ErrUnknownSeries", "卫生系列", "主治医师",
			domain.GradeIntermediate, catalog.ErrUnknownSeries},
		{"ErrUnknownTitle", "工程技术人员", "主治医师",
			domain.GradeIntermediate, catalog.ErrUnknownTitle},
		{"ErrWrongGrade", "卫生技术人员", "主治医师",
			domain.GradeAssociateSenior, catalog.ErrWrongGrade},
		{"ErrWrongGradeEmpty", "中小学教师", "一级教师",
			"", catalog.ErrWrongGrade},
		{"ErrNoTechnicianInUniversities", "高等学校教师", "助教",
			domain.GradeTechnician, catalog.ErrWrongGrade},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := catalog.Default().Check(tt.series, tt.title, tt.grade)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestTitles(t *testing.T) {
	tests := []struct {
		name   string
		series string
		grade  domain.Grade
		want   []string
	}{
		{"HealthIntermediate", "卫生技术人员", domain.GradeIntermediate,
			[]string{"主治医师", "主管药师", "主管护师", "主管技师"}},
		{"SharedTitleOnce", "农业技术人员", domain.GradeTechnician, []string{"技术员"}},
		{"SingleTrack", "中小学教师", domain.GradeFullSenior, []string{"正高级教师"}},
		{"UniversitiesHaveNoTechnician", "高等学校教师", domain.GradeTechnician, nil},
		{"UnknownSeries", "卫生系列", domain.GradeIntermediate, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := catalog.Default().Titles(tt.series, tt.grade); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSeriesLookups(t *testing.T) {
	c := catalog.Default()
	health, ok := c.SeriesByCode("04")
	if !ok || health.Name != "卫生技术人员" {
		t.Fatalf("SeriesByCode(04): got %q %v, want 卫生技术人员", health.Name, ok)
	}
	var tracks []string
	for _, tr := range health.Tracks {
		tracks = append(tracks, tr.Name)
	}
	if want := []string{"医", "药", "护", "技"}; !slices.Equal(tracks, want) {
		t.Errorf("got tracks %q, want %q", tracks, want)
	}
	if got, ok := c.SeriesByName("实验技术人员"); !ok || got.Code != "20" {
		t.Errorf("SeriesByName(实验技术人员): got %q %v, want code 20", got.Code, ok)
	}
	if _, ok := c.SeriesByCode("28"); ok {
		t.Error("SeriesByCode(28): found, want none")
	}
}

func TestSeriesReturnsCopies(t *testing.T) {
	c := catalog.Default()
	s := c.Series()
	s[3].Tracks[0].Titles[domain.GradeIntermediate] = "changed"
	s[3].Name = "changed"
	if err := c.Check("卫生技术人员", "主治医师", domain.GradeIntermediate); err != nil {
		t.Errorf("catalogue changed through a returned value: %v", err)
	}
	if got := c.Titles("卫生技术人员", domain.GradeIntermediate)[0]; got != "主治医师" {
		t.Errorf("got %q, want 主治医师", got)
	}
}

// testdata/xiangxi_titles.csv holds every distinct (zcxl, zcmc, zcjb) of the
// Xiangxi institution-system export: series, title and grade code. A row
// with a series and no title is a person who holds no title yet.
func TestXiangxiExportIsAccepted(t *testing.T) {
	rows := readCSV(t, "testdata/xiangxi_titles.csv")
	for _, r := range rows[1:] {
		series, title, code := r[0], r[1], r[2]
		if title == "" && code == "" {
			if _, ok := catalog.Default().SeriesByName(series); !ok {
				t.Errorf("series %q: not in the catalogue", series)
			}
			continue
		}
		g, ok := domain.GradeFromCode(code)
		if !ok {
			t.Errorf("%s %s: grade code %q unknown", series, title, code)
			continue
		}
		if err := catalog.Default().Check(series, title, g); err != nil {
			t.Errorf("Check(%q, %q, %s): %v", series, title, g, err)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rows
}

func twoDigits(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }
