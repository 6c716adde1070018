package domain

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestEducationOf(t *testing.T) {
	for _, c := range []struct {
		education, degree string
		want              Education
	}{
		{"11", "", EducationDoctorate}, // 博士研究生毕业
		{"14", "3", EducationMaster},   // 硕士研究生毕业, 硕士
		{"21", "4", EducationBachelor}, // 大学本科毕业, 学士
		{"21", "3", EducationMaster},   // a master's degree on top of a bachelor's course
		{"21", "2", EducationDoctorate},
		{"31", "", EducationCollege},   // 大学专科毕业
		{"41", "", EducationSecondary}, // 中等专科毕业
		{"47", "", EducationSecondary}, // 技工学校毕业
		{"61", "", ""},                 // 普通高中毕业: no level the tables read
		{"", "", ""},
	} {
		if got := EducationOf(c.education, c.degree); got != c.want {
			t.Errorf("EducationOf(%q, %q) = %q, want %q", c.education, c.degree, got, c.want)
		}
	}
}

func TestWholeYearsCountToTheEndOfTheYear(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		since string
		year  int
		want  int
	}{
		{"2021-06-01", 2026, 5}, // 2026-12-31 is 5 years and 7 months on
		{"2022-06-01", 2026, 4},
		{"2021-12-31", 2026, 5}, // exactly five years on the last day
		{"2022-01-01", 2026, 4}, // one day short of five
		{"2027-03-01", 2026, 0}, // later than the year: none
	} {
		if got := WholeYears(day(c.since), c.year); got != c.want {
			t.Errorf("WholeYears(%s, %d) = %d, want %d", c.since, c.year, got, c.want)
		}
	}
}

func TestSpecialRulesArithmetic(t *testing.T) {
	r := DefaultSpecialRules()
	for approved, want := range map[int]int{0: 1, 20: 1, 40: 1, 66: 1, 67: 2, 200: 6} {
		// ⌊approved × 3 / 100⌋, at least 1.
		if got := r.Cap(approved); got != want {
			t.Errorf("Cap(%d) = %d, want %d", approved, got, want)
		}
	}
	for departures, want := range map[int]int{0: 0, 1: 0, 2: 1, 5: 2, 9: 4} {
		if got := r.Allowance(departures); got != want {
			t.Errorf("Allowance(%d) = %d, want ⌊%d/2⌋ = %d", departures, got, departures, want)
		}
	}
	if got := r.DeparturesSince(2026); !got.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("DeparturesSince(2026) = %s, want 2025-01-01", got)
	}
	if r.Counts(ChannelRetireMore) || !r.Counts(ChannelUrgentNeed) {
		t.Error("the cap should count urgent need and not retire-more")
	}
}

func TestWindowContains(t *testing.T) {
	w := Window{Opens: "2026-03-01", Closes: "2026-03-31"}
	for d, want := range map[Day]bool{"2026-02-28": false, "2026-03-01": true, "2026-03-31": true, "2026-04-01": false} {
		if got := w.Contains(d); got != want {
			t.Errorf("%v.Contains(%s) = %v, want %v", w, d, got, want)
		}
	}
	if !(Window{}).Contains("2026-07-01") {
		t.Error("a window without dates should be open")
	}
	// 23:30 UTC on 31 March is 07:30 on 1 April in China.
	if got := DayOf(time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)); got != "2026-04-01" {
		t.Errorf("DayOf = %s, want China's day 2026-04-01", got)
	}
}

func TestSettingsValidateNamesTheField(t *testing.T) {
	for name, c := range map[string]struct {
		change      func(*Settings)
		field, code string
	}{
		"no stage":        {func(s *Settings) { s.ApprovalChain = nil }, "stage1", "settings.chain_empty"},
		"clerk in chain":  {func(s *Settings) { s.ApprovalChain = []Role{RoleUnitClerk} }, "stage1", "settings.chain_role"},
		"twice in chain":  {func(s *Settings) { s.ApprovalChain = []Role{RoleBureauReviewer, RoleBureauReviewer} }, "stage2", "settings.chain_twice"},
		"department last": {func(s *Settings) { s.ApprovalChain = []Role{RoleBureauReviewer, RoleDepartmentReviewer} }, "stage2", "settings.chain_last"},
		"department only": {func(s *Settings) { s.ApprovalChain = []Role{RoleDepartmentReviewer} }, "stage1", "settings.chain_last"},
		"ratio parts":     {func(s *Settings) { s.Ratios.Default.Grades = []int{1, 3} }, "ratio_grades", "settings.ratio_parts"},
		"ratio negative":  {func(s *Settings) { s.Ratios.Default.Assistant = []int{-1, 5} }, "ratio_assistant", "settings.ratio_negative"},
		"retire ratio":    {func(s *Settings) { s.Special.RetireDenominator = 0 }, "retire_denominator", "settings.range"},
		"cap too high":    {func(s *Settings) { s.Special.CapPercent = 500 }, "cap_percent", "settings.range"},
		"window order":    {func(s *Settings) { s.Windows.Declaration = Window{Opens: "2026-05-01", Closes: "2026-04-01"} }, "declaration_closes", "settings.window_order"},
		"window date":     {func(s *Settings) { s.Windows.Application = Window{Opens: "2026-02-30"} }, "application_opens", "settings.window_date"},
		"eligibility":     {func(s *Settings) { s.Eligibility[0].Recognition[0].Grade = "top" }, "eligibility", "settings.eligibility_value"},
		"empty table":     {func(s *Settings) { s.Eligibility[1] = Eligibility{Series: []string{"04"}} }, "eligibility", "settings.eligibility_empty"},
		"no tables":       {func(s *Settings) { s.Eligibility = nil }, "eligibility", "settings.eligibility_none"},
		"idle too long":   {func(s *Settings) { s.SessionIdleMinutes = 5000 }, "session_idle_minutes", "settings.range"},
		"idle zero":       {func(s *Settings) { s.SessionIdleMinutes = 0 }, "session_idle_minutes", "settings.range"},
		"normal in a cap": {func(s *Settings) { s.Special.CapChannels = []Channel{ChannelNormal} }, "cap_channels", "settings.cap_channel"},
	} {
		t.Run(name, func(t *testing.T) {
			s := DefaultSettings()
			c.change(&s)
			var se *SettingError
			if err := s.Validate(); !errors.As(err, &se) || se.Field != c.field || se.Code != c.code {
				t.Fatalf("Validate() = %v, want %s on %s", err, c.code, c.field)
			}
		})
	}
	// The second table's third evaluation rule names its table and row.
	s := DefaultSettings()
	s.Eligibility[1].Evaluation[2].Paths[0].Years = -1
	var se *SettingError
	if err := s.Validate(); !errors.As(err, &se) || se.Params["Table"] != 2 || se.Params["Row"] != 3 || se.Params["Key"] != "years" {
		t.Fatalf("Validate() = %v, want table 2, evaluation row 3, years", err)
	}
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
}

func TestSettingsRoundTripAndDefaults(t *testing.T) {
	// Settings stored before this version held only the chain and the idle
	// timeout; they read back with the defaults filled in.
	var s Settings
	if err := json.Unmarshal([]byte(`{"approval_chain":["bureau_reviewer"],"session_idle_minutes":15}`), &s); err != nil {
		t.Fatal(err)
	}
	s = s.WithDefaults()
	if len(s.ApprovalChain) != 1 || s.SessionIdleMinutes != 15 || s.Special.CapPercent != 3 ||
		len(s.Eligibility) != 2 || s.Ratios.Default.Intermediate[1] != 4 {
		t.Fatalf("got %+v", s)
	}
	el, ok := s.EligibilityFor("04")
	if !ok || el.Evaluation[0].Paths[3].Years != 6 { // 大专 6 years for 主治
		t.Fatalf("health table not found for series 04: %+v", el)
	}
	el, ok = s.EligibilityFor("05")
	if !ok || len(el.Series) != 0 || el.Evaluation[1].Paths[1].Years != 5 { // 中级 5 years for 副高
		t.Fatalf("engineering default not used for series 05: %+v", el)
	}
}
