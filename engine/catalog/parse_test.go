package catalog_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// A tenant's own file: one series with two tracks sharing the 员级 title.
const tenantFile = `{
  "comment": "a prefecture's own catalogue",
  "series": [
    {"code": "06", "name": "农业技术人员", "aliases": ["农业系列"], "tracks": [
      {"name": "农艺", "titles": {"associate_senior": "高级农艺师", "technician": "技术员"}},
      {"name": "畜牧", "titles": {"associate_senior": "高级畜牧师", "technician": "技术员"}}
    ]}
  ],
  "legacy_codes": [
    {"code": "092", "name": "高级农艺师", "series": "农业系列", "title": "高级农艺师"}
  ]
}`

func TestParseTenantFile(t *testing.T) {
	c, err := catalog.Parse(strings.NewReader(tenantFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check("农业系列", "高级畜牧师", domain.GradeAssociateSenior); err != nil {
		t.Errorf("Check: %v", err)
	}
	series, title, ok := c.ByLegacyCode("092")
	if !ok || series != "农业技术人员" || title != "高级农艺师" {
		t.Errorf("ByLegacyCode(092): got %q %q %v, want 农业技术人员 高级农艺师", series, title, ok)
	}
}

func TestParseRejects(t *testing.T) {
	professor := track("", "full_senior", "教授")
	jia := series("01", "甲", professor)
	tests := []struct{ name, file, want string }{
		{"NotJSON", `series:`, "decode"},
		{"UnknownKey", `{"serie": []}`, "unknown field"},
		{"NoSeries", `{"series": []}`, "no series"},
		{"DuplicateCode", file([]string{jia, series("01", "乙", professor)}), "code used twice"},
		{"DuplicateName", file([]string{jia, series("02", "甲", professor)}), `name "甲" used twice`},
		{"NoTracks", file([]string{series("01", "甲")}), "no tracks"},
		{"UnnamedTrackAmongSeveral",
			file([]string{series("01", "甲", professor, track("乙", "full_senior", "研究员"))}),
			"unnamed"},
		{"UnknownGrade",
			file([]string{series("01", "甲", track("", "senior", "教授"))}),
			`unknown grade "senior"`},
		{"TitleAtTwoGrades",
			file([]string{series("01", "甲",
				track("乙", "full_senior", "教授"), track("丙", "intermediate", "教授"))}),
			"at two grades"},
		{"LegacyToUnknownTitle",
			file([]string{jia}, legacy("012", "甲", "副教授")),
			`no title "副教授"`},
		{"LegacyTwice",
			file([]string{jia}, legacy("011", "甲", "教授"), legacy("011", "甲", "教授")),
			"code used twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := catalog.Parse(strings.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// file, series, track and legacy build catalogue files as JSON text.
func file(series []string, legacy ...string) string {
	return fmt.Sprintf(`{"series": [%s], "legacy_codes": [%s]}`,
		strings.Join(series, ", "), strings.Join(legacy, ", "))
}

func series(code, name string, tracks ...string) string {
	return fmt.Sprintf(`{"code": %q, "name": %q, "tracks": [%s]}`,
		code, name, strings.Join(tracks, ", "))
}

func track(name, grade, title string) string {
	return fmt.Sprintf(`{"name": %q, "titles": {%q: %q}}`, name, grade, title)
}

func legacy(code, series, title string) string {
	return fmt.Sprintf(`{"code": %q, "series": %q, "title": %q}`, code, series, title)
}
