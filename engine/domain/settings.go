package domain

import (
	"fmt"
	"slices"
	"time"
)

// Settings are a tenant's own rules for one year, stored as data and read
// by the engine on every action, so that a change applies to the next
// action and never to what was already decided. A zero value field means
// the default of DefaultSettings.
type Settings struct {
	// ApprovalChain lists the reviewer roles that approve, in order.
	ApprovalChain []Role `json:"approval_chain,omitempty"`
	// SessionIdleMinutes ends a session after this many idle minutes.
	SessionIdleMinutes int `json:"session_idle_minutes,omitempty"`
	// Ratios are the structure ratios a post plan is checked against.
	Ratios *Ratios `json:"ratios,omitempty"`
	// Special holds the rules of the special channels.
	Special *SpecialRules `json:"special,omitempty"`
	// Eligibility holds the recognition and evaluation tables, per series.
	Eligibility []Eligibility `json:"eligibility,omitempty"`
	// Windows are the year's declaration and application windows.
	Windows Windows `json:"windows"`
}

// DefaultSettings are the national defaults of DOMAIN.md: department then
// bureau approval, a ten-minute idle timeout, the national structure
// ratios, the special channels' default rules, the recognition table and
// the engineering and health evaluation tables, and windows open all year.
func DefaultSettings() Settings {
	r := DefaultRatios()
	sp := DefaultSpecialRules()
	return Settings{
		ApprovalChain:      []Role{RoleDepartmentReviewer, RoleBureauReviewer},
		SessionIdleMinutes: 10,
		Ratios:             &r,
		Special:            &sp,
		Eligibility:        DefaultEligibility(),
	}
}

// WithDefaults fills the unset fields of s from DefaultSettings.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	if len(s.ApprovalChain) == 0 {
		s.ApprovalChain = d.ApprovalChain
	}
	if s.SessionIdleMinutes <= 0 {
		s.SessionIdleMinutes = d.SessionIdleMinutes
	}
	if s.Ratios == nil {
		s.Ratios = d.Ratios
	}
	if s.Special == nil {
		s.Special = d.Special
	}
	if len(s.Eligibility) == 0 {
		s.Eligibility = d.Eligibility
	}
	return s
}

// SettingError names a setting that cannot be used: Field is the name of
// the setting as the settings form calls it (stage1, cap_percent,
// declaration_closes, eligibility …), Code says what is wrong and Params
// give the values, for a message in the user's language.
type SettingError struct {
	Field  string
	Code   string
	Params map[string]any
}

func (e *SettingError) Error() string {
	return fmt.Sprintf("setting %s: %s %v", e.Field, e.Code, e.Params)
}

// settingErr makes a SettingError; kv are pairs of parameter name and value.
func settingErr(code, field string, kv ...any) *SettingError {
	p := map[string]any{"field": field}
	for i := 0; i+1 < len(kv); i += 2 {
		p[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return &SettingError{Field: field, Code: code, Params: p}
}

// inRange checks that n lies within lo–hi.
func inRange(field string, n, lo, hi int) error {
	if n < lo || n > hi {
		return settingErr("settings.range", field, "Value", n, "Min", lo, "Max", hi)
	}
	return nil
}

// Validate reports the first setting that cannot be used as a
// *SettingError. It reads the settings as they are: an empty chain or an
// empty list of tables is an error here, so call it after WithDefaults
// where empty means the default.
func (s Settings) Validate() error {
	if len(s.ApprovalChain) == 0 {
		return settingErr("settings.chain_empty", "stage1")
	}
	for i, r := range s.ApprovalChain {
		field := fmt.Sprintf("stage%d", i+1)
		if r != RoleDepartmentReviewer && r != RoleBureauReviewer {
			return settingErr("settings.chain_role", field, "role", string(r))
		}
		if slices.Index(s.ApprovalChain, r) != i {
			return settingErr("settings.chain_twice", field, "role", string(r))
		}
	}
	// The bureau gives the final approval (DOMAIN.md §1, §6).
	if last := s.ApprovalChain[len(s.ApprovalChain)-1]; last != RoleBureauReviewer {
		return settingErr("settings.chain_last", fmt.Sprintf("stage%d", len(s.ApprovalChain)), "role", string(last))
	}
	if err := inRange("session_idle_minutes", s.SessionIdleMinutes, 1, 24*60); err != nil {
		return err
	}
	if s.Ratios != nil {
		if err := s.Ratios.Validate(); err != nil {
			return err
		}
	}
	if s.Special != nil {
		if err := s.Special.Validate(); err != nil {
			return err
		}
	}
	if len(s.Eligibility) == 0 {
		return settingErr("settings.eligibility_none", "eligibility")
	}
	for i, el := range s.Eligibility {
		if err := el.validate(i + 1); err != nil {
			return err
		}
	}
	if err := s.Windows.Declaration.validate("declaration"); err != nil {
		return err
	}
	return s.Windows.Application.validate("application")
}

// Ratios are the structure ratios (结构比例) of professional posts: the
// default set, and sets for named sectors that replace it for units of that
// sector.
type Ratios struct {
	Default RatioSet            `json:"default"`
	Sectors map[string]RatioSet `json:"sectors,omitempty"`
}

// For returns the ratio set of sector, or the default set.
func (r Ratios) For(sector string) RatioSet {
	if s, ok := r.Sectors[sector]; ok && sector != "" {
		return s
	}
	return r.Default
}

// Validate checks every set.
func (r Ratios) Validate() error {
	if err := r.Default.validate(""); err != nil {
		return err
	}
	for name, set := range r.Sectors {
		if err := set.validate(name); err != nil {
			return err
		}
	}
	return nil
}

// RatioSet is one set of structure ratios. Each list gives the parts from
// the highest to the lowest: Grades is senior (full and associate) :
// intermediate : junior (assistant and technician); FullSenior is levels
// 2 : 3 : 4; AssociateSenior 5 : 6 : 7; Intermediate 8 : 9 : 10; Assistant
// 11 : 12. A plan breaks a ratio where the posts of the top parts exceed
// their share: for every k, the first k parts together may hold at most
// total × (their ratio parts) / (all ratio parts) posts. Lower posts
// beyond their share are always allowed.
type RatioSet struct {
	Grades          []int `json:"grades"`
	FullSenior      []int `json:"full_senior"`
	AssociateSenior []int `json:"associate_senior"`
	Intermediate    []int `json:"intermediate"`
	Assistant       []int `json:"assistant"`
}

// DefaultRatios are the national structure ratios of DOMAIN.md §2.
func DefaultRatios() Ratios {
	return Ratios{Default: RatioSet{
		Grades:          []int{1, 3, 6},
		FullSenior:      []int{1, 3, 6},
		AssociateSenior: []int{2, 4, 4},
		Intermediate:    []int{3, 4, 3},
		Assistant:       []int{5, 5},
	}}
}

// validate checks that every list has its number of parts, none negative
// and not all zero; sector names the set, "" for the default one.
func (s RatioSet) validate(sector string) error {
	for _, c := range []struct {
		field string
		parts []int
		n     int
	}{
		{"ratio_grades", s.Grades, 3}, {"ratio_full_senior", s.FullSenior, 3},
		{"ratio_associate_senior", s.AssociateSenior, 3}, {"ratio_intermediate", s.Intermediate, 3},
		{"ratio_assistant", s.Assistant, 2},
	} {
		if len(c.parts) != c.n {
			return settingErr("settings.ratio_parts", c.field, "Sector", sector, "Count", len(c.parts), "Want", c.n)
		}
		sum := 0
		for _, p := range c.parts {
			if p < 0 {
				return settingErr("settings.ratio_negative", c.field, "Sector", sector, "Value", p)
			}
			sum += p
		}
		if sum == 0 {
			return settingErr("settings.ratio_zero", c.field, "Sector", sector)
		}
	}
	return nil
}

// SpecialRules are the rules of the special channels (DOMAIN.md §3).
type SpecialRules struct {
	// CapPercent and CapMin bound the special quota of a unit in a year:
	// at most CapPercent % of its approved professional posts (rounded
	// down), and never less than CapMin.
	CapPercent int `json:"cap_percent"`
	CapMin     int `json:"cap_min"`
	// CapChannels are the channels counted against that cap.
	CapChannels []Channel `json:"cap_channels"`
	// RetireNumerator / RetireDenominator is the 退多补少 ratio: the
	// allowance is ⌊departures × numerator / denominator⌋.
	RetireNumerator   int `json:"retire_numerator"`
	RetireDenominator int `json:"retire_denominator"`
	// DepartureYears is how many years back departures count: departures
	// since 1 January of (declaration year − DepartureYears).
	DepartureYears int `json:"departure_years"`
}

// DefaultSpecialRules are the defaults of DOMAIN.md §3: special quota
// within 3 % of approved posts and at least 1, counted over the urgent-need,
// overseas and postdoctoral channels (退多补少 has its own allowance);
// 退二进一; departures since 1 January of the previous year.
func DefaultSpecialRules() SpecialRules {
	return SpecialRules{
		CapPercent: 3, CapMin: 1,
		CapChannels:     []Channel{ChannelUrgentNeed, ChannelOverseas, ChannelPostdoctoral},
		RetireNumerator: 1, RetireDenominator: 2,
		DepartureYears: 1,
	}
}

// Cap is the special quota a unit with approved professional posts may
// hold in a year under these rules.
func (r SpecialRules) Cap(approved int) int {
	return max(r.CapMin, approved*r.CapPercent/100)
}

// Allowance is the 退多补少 allowance for departures.
func (r SpecialRules) Allowance(departures int) int {
	if r.RetireDenominator <= 0 {
		return 0
	}
	return departures * r.RetireNumerator / r.RetireDenominator
}

// DeparturesSince is the first day whose departures count for year.
func (r SpecialRules) DeparturesSince(year int) time.Time {
	return time.Date(year-r.DepartureYears, time.January, 1, 0, 0, 0, 0, time.UTC)
}

// Counts reports whether channel c is counted against the cap.
func (r SpecialRules) Counts(c Channel) bool { return slices.Contains(r.CapChannels, c) }

// Validate checks the numbers.
func (r SpecialRules) Validate() error {
	for _, c := range []struct {
		field   string
		n, l, h int
	}{
		{"cap_percent", r.CapPercent, 0, 100}, {"cap_min", r.CapMin, 0, 1000},
		{"retire_numerator", r.RetireNumerator, 0, 100}, {"retire_denominator", r.RetireDenominator, 1, 100},
		{"departure_years", r.DepartureYears, 0, 10},
	} {
		if err := inRange(c.field, c.n, c.l, c.h); err != nil {
			return err
		}
	}
	for _, c := range r.CapChannels {
		if c == ChannelNormal || !slices.Contains(c.Values(), string(c)) {
			return settingErr("settings.cap_channel", "cap_channels", "Value", string(c))
		}
	}
	return nil
}

// Windows are the year's windows: when quota declarations and title
// applications may be filed. A window with no dates is open all year.
type Windows struct {
	Declaration Window `json:"declaration"`
	Application Window `json:"application"`
}

// Window is a span of days, both ends included, in China's time.
type Window struct {
	Opens  Day `json:"opens,omitempty"`
	Closes Day `json:"closes,omitempty"`
}

// validate checks that the ends are days and in order; kind names the
// window (declaration, application) as the settings form's fields do.
func (w Window) validate(kind string) error {
	for _, c := range []struct {
		field string
		d     Day
	}{{kind + "_opens", w.Opens}, {kind + "_closes", w.Closes}} {
		if c.d != "" && !c.d.Valid() {
			return settingErr("settings.window_date", c.field, "Value", string(c.d))
		}
	}
	if w.Opens != "" && w.Closes != "" && w.Closes < w.Opens {
		return settingErr("settings.window_order", kind+"_closes", "Opens", string(w.Opens), "Closes", string(w.Closes))
	}
	return nil
}

// Contains reports whether day d falls in the window.
func (w Window) Contains(d Day) bool {
	return (w.Opens == "" || d >= w.Opens) && (w.Closes == "" || d <= w.Closes)
}

// Day is a calendar day written 2006-01-02; such strings sort in time order.
type Day string

// China keeps one time, UTC+8, with no daylight saving.
var chinaTime = time.FixedZone("CST", 8*60*60)

// DayOf returns the day t falls on in China.
func DayOf(t time.Time) Day { return Day(t.In(chinaTime).Format(time.DateOnly)) }

// Valid reports whether d is a real day.
func (d Day) Valid() bool {
	t, err := time.Parse(time.DateOnly, string(d))
	return err == nil && Day(t.Format(time.DateOnly)) == d
}

// Education is a level of education as the eligibility tables read it.
type Education string

// The education levels, lowest first.
const (
	EducationSecondary Education = "secondary" // 中专 (and vocational, technical school)
	EducationCollege   Education = "college"   // 大专
	EducationBachelor  Education = "bachelor"  // 本科
	EducationMaster    Education = "master"    // 硕士 (or second bachelor's degree)
	EducationDoctorate Education = "doctorate" // 博士
)

// Educations lists the levels, lowest first.
var Educations = [...]Education{
	EducationSecondary, EducationCollege, EducationBachelor, EducationMaster, EducationDoctorate,
}

// Valid reports whether e is one of the levels.
func (e Education) Valid() bool { return slices.Contains(Educations[:], e) }

// rank orders the levels; 0 for none.
func (e Education) rank() int { return slices.Index(Educations[:], e) + 1 }

// EducationOf reads a person's level from the education code (GB/T 4658)
// and the degree code (GB/T 6864), taking the higher: a doctor's degree
// counts as a doctorate whatever the course. It returns "" when neither
// code says.
func EducationOf(education, degree string) Education {
	var e Education
	if len(education) >= 1 {
		switch education[0] {
		case '1':
			if len(education) == 2 && education[1] >= '1' && education[1] <= '3' {
				e = EducationDoctorate // 博士研究生
			} else {
				e = EducationMaster // 硕士研究生
			}
		case '2':
			e = EducationBachelor
		case '3':
			e = EducationCollege
		case '4':
			e = EducationSecondary
		}
	}
	var d Education
	switch degree {
	case "2":
		d = EducationDoctorate
	case "3":
		d = EducationMaster
	case "4":
		d = EducationBachelor
	}
	if d.rank() > e.rank() {
		return d
	}
	return e
}

// Eligibility is the recognition and evaluation table of some series. The
// table with no series is the default for every series no other table
// names.
type Eligibility struct {
	Series      []string          `json:"series,omitempty"`
	Recognition []RecognitionRule `json:"recognition"`
	Evaluation  []EvaluationRule  `json:"evaluation"`
}

// RecognitionRule recognises Grade for a person of Education once Years
// whole years have passed since graduation.
type RecognitionRule struct {
	Education Education `json:"education"`
	Years     int       `json:"years"`
	Grade     Grade     `json:"grade"`
}

// EvaluationRule lists the ways to be evaluated for Target: any one of
// Paths suffices.
type EvaluationRule struct {
	Target Grade         `json:"target"`
	Paths  []Requirement `json:"paths"`
}

// Requirement is one way to qualify: one of the educations, and, when
// Held is set, that grade held for at least Years whole years.
type Requirement struct {
	Education []Education `json:"education"`
	Held      Grade       `json:"held,omitempty"`
	Years     int         `json:"years"`
}

// EligibilityFor returns the table for series: the one naming it, else the
// default one.
func (s Settings) EligibilityFor(series string) (Eligibility, bool) {
	var def *Eligibility
	for i, el := range s.Eligibility {
		if slices.Contains(el.Series, series) {
			return el, true
		}
		if len(el.Series) == 0 && def == nil {
			def = &s.Eligibility[i]
		}
	}
	if def == nil {
		return Eligibility{}, false
	}
	return *def, true
}

// validate checks levels, grades and years of table n (counting from 1).
func (el Eligibility) validate(n int) error {
	bad := func(part string, row int, key string, value any) error {
		return settingErr("settings.eligibility_value", "eligibility",
			"Table", n, "Part", part, "Row", row, "Key", key, "Value", fmt.Sprint(value))
	}
	if len(el.Recognition) == 0 && len(el.Evaluation) == 0 {
		return settingErr("settings.eligibility_empty", "eligibility", "Table", n)
	}
	for i, r := range el.Recognition {
		switch {
		case !r.Education.Valid():
			return bad("recognition", i+1, "education", r.Education)
		case !r.Grade.Valid():
			return bad("recognition", i+1, "grade", r.Grade)
		case r.Years < 0 || r.Years > 50:
			return bad("recognition", i+1, "years", r.Years)
		}
	}
	for i, r := range el.Evaluation {
		if !r.Target.Valid() {
			return bad("evaluation", i+1, "target", r.Target)
		}
		if len(r.Paths) == 0 {
			return bad("evaluation", i+1, "paths", "[]")
		}
		for _, p := range r.Paths {
			switch {
			case len(p.Education) == 0:
				return bad("evaluation", i+1, "education", "[]")
			case p.Held != "" && !p.Held.Valid():
				return bad("evaluation", i+1, "held", p.Held)
			case p.Years < 0 || p.Years > 50:
				return bad("evaluation", i+1, "years", p.Years)
			}
			for _, e := range p.Education {
				if !e.Valid() {
					return bad("evaluation", i+1, "education", e)
				}
			}
		}
	}
	return nil
}

// DefaultEligibility is DOMAIN.md §5: the recognition table for every
// series, the engineering evaluation table as the default, and the health
// series' own evaluation table.
func DefaultEligibility() []Eligibility {
	recognition := []RecognitionRule{
		{Education: EducationSecondary, Years: 1, Grade: GradeTechnician},
		{Education: EducationCollege, Years: 3, Grade: GradeAssistant},
		{Education: EducationBachelor, Years: 1, Grade: GradeAssistant},
		{Education: EducationMaster, Years: 0, Grade: GradeAssistant},
		{Education: EducationDoctorate, Years: 0, Grade: GradeIntermediate},
	}
	all := []Education{EducationSecondary, EducationCollege, EducationBachelor, EducationMaster, EducationDoctorate}
	bachelorUp := []Education{EducationBachelor, EducationMaster, EducationDoctorate}
	one := func(e Education) []Education { return []Education{e} }
	engineering := []EvaluationRule{
		{Target: GradeIntermediate, Paths: []Requirement{
			{Education: one(EducationDoctorate)},
			{Education: one(EducationMaster), Held: GradeAssistant, Years: 2},
			{Education: []Education{EducationBachelor, EducationCollege}, Held: GradeAssistant, Years: 4},
		}},
		{Target: GradeAssociateSenior, Paths: []Requirement{
			{Education: one(EducationDoctorate), Held: GradeIntermediate, Years: 2},
			{Education: []Education{EducationMaster, EducationBachelor, EducationCollege}, Held: GradeIntermediate, Years: 5},
		}},
		{Target: GradeFullSenior, Paths: []Requirement{
			{Education: bachelorUp, Held: GradeAssociateSenior, Years: 5},
		}},
	}
	health := []EvaluationRule{
		{Target: GradeIntermediate, Paths: []Requirement{
			{Education: one(EducationDoctorate), Held: GradeAssistant, Years: 0},
			{Education: one(EducationMaster), Held: GradeAssistant, Years: 2},
			{Education: one(EducationBachelor), Held: GradeAssistant, Years: 4},
			{Education: one(EducationCollege), Held: GradeAssistant, Years: 6},
			{Education: one(EducationSecondary), Held: GradeAssistant, Years: 7},
		}},
		{Target: GradeAssociateSenior, Paths: []Requirement{
			{Education: one(EducationDoctorate), Held: GradeIntermediate, Years: 2},
			{Education: one(EducationMaster), Held: GradeIntermediate, Years: 4},
			{Education: one(EducationBachelor), Held: GradeIntermediate, Years: 5},
		}},
		{Target: GradeFullSenior, Paths: []Requirement{
			{Education: all, Held: GradeAssociateSenior, Years: 5},
		}},
	}
	return []Eligibility{
		{Recognition: recognition, Evaluation: engineering},
		{Series: []string{"04"}, Recognition: recognition, Evaluation: health},
	}
}

// WholeYears counts the whole years from since up to 31 December of year,
// as DOMAIN.md §5 counts them; 0 when since is later.
func WholeYears(since time.Time, year int) int {
	end := time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC)
	s := since.In(chinaTime)
	n := end.Year() - s.Year()
	if end.Month() < s.Month() || (end.Month() == s.Month() && end.Day() < s.Day()) {
		n--
	}
	return max(0, n)
}
