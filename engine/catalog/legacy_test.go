package catalog_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// Expected values are read from the GB/T 8561-2001 table (专业技术职务代码).
func TestByLegacyCode(t *testing.T) {
	tests := []struct {
		code          string
		series, title string
	}{
		{"011", "高等学校教师", "教授"},
		{"013", "高等学校教师", "讲师"},
		{"023", "中等职业学校教师", "讲师"},
		{"033", "技工院校教师", "讲师"},
		{"053", "中小学教师", "一级教师"},
		{"082", "工程技术人员", "高级工程师"},
		{"085", "工程技术人员", "技术员"},
		{"112", "农业技术人员", "高级畜牧师"},
		{"135", "会计人员", "会计员"},
		{"153", "出版专业人员", "编辑"},
		{"203", "新闻专业人员", "编辑"},
		{"233", "卫生技术人员", "主治医师"},
		{"255", "卫生技术人员", "护士"},
		{"284", "艺术专业人员", "四级演员"},
		{"404", "公共法律服务专业人员", "四级公证员"},
		{"422", "船舶专业技术人员", "高级船长"},
		{"613", "自然科学研究人员", "助理研究员"},
		{"621", "哲学社会科学研究人员", "研究员"},
		{"645", "图书资料专业人员", "管理员"},
		{"684", "审计专业人员", "助理审计师"},
		{" 082 ", "工程技术人员", "高级工程师"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSpace(tt.code), func(t *testing.T) {
			series, title, ok := catalog.Default().ByLegacyCode(tt.code)
			if !ok || series != tt.series || title != tt.title {
				t.Errorf("got %q %q %v, want %q %q", series, title, ok, tt.series, tt.title)
			}
		})
	}
}

// Codes that exist in the standard but are left unmapped: renamed or
// re-graded titles, and titles of no series here.
func TestByLegacyCodeUnmapped(t *testing.T) {
	for _, code := range []string{
		"010", // a heading (高等学校教师), not a title
		"091", // 农业技术推广研究员, now 正高级农艺师
		"182", // 副译审, now 一级翻译
		"413", // 高级教师（小学）, 中级, now 一级教师
		"423", // 船长（大副）
		"462", // 一级飞行员, 副高 in the standard, 正高 in the catalogue
		"685", // 审计员: the audit series has no 员级
		"982", // 高级政工师: no series
		"061", // older numbering
		"",
	} {
		if series, title, ok := catalog.Default().ByLegacyCode(code); ok {
			t.Errorf("ByLegacyCode(%q): got %q %q, want unmapped", code, series, title)
		}
	}
}

// In GB/T 8561-2001 the last digit of a code is the grade: 1 正高级 … 5 员级,
// the same digits as the institution system's grade codes. Every mapped
// code must land on a title of that grade whose name is the standard's
// name without its bracketed qualifier.
func TestLegacyCodesKeepNameAndGrade(t *testing.T) {
	for _, l := range legacyCodesOfFile(t) {
		want, ok := domain.GradeFromCode(l.Code[len(l.Code)-1:])
		if len(l.Code) != 3 || !ok {
			t.Errorf("code %q: want 3 digits ending in 1-5", l.Code)
			continue
		}
		got, ok := catalog.Default().Title(l.Series, l.Title)
		if !ok || got.Grade != want {
			t.Errorf("code %s: %s %s is %s, want %s", l.Code, l.Series, l.Title, got.Grade, want)
		}
		if name, _, _ := strings.Cut(l.Name, "（"); name != l.Title {
			t.Errorf("code %s: standard name %q, catalogue title %q", l.Code, l.Name, l.Title)
		}
	}
}

type legacyCode struct{ Code, Name, Series, Title string }

func legacyCodesOfFile(t *testing.T) []legacyCode {
	t.Helper()
	data, err := os.ReadFile("titles.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		LegacyCodes []legacyCode `json:"legacy_codes"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.LegacyCodes) == 0 {
		t.Fatal("titles.json: no legacy codes")
	}
	return f.LegacyCodes
}
