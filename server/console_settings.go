package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// settingsForm is the settings page of one year: the settings as typed,
// and the field a refusal names.
type settingsForm struct {
	Year        int
	Version     int
	UpdatedAt   *time.Time
	Settings    domain.Settings
	Eligibility string // the eligibility tables as indented JSON
	Field       string // the field the error is about, "" for none
	Channels    []domain.Channel
}

// Stage returns the role at position i of the chain, "" past its end.
func (f settingsForm) Stage(i int) string {
	if i < len(f.Settings.ApprovalChain) {
		return string(f.Settings.ApprovalChain[i])
	}
	return ""
}

// Parts writes ratio parts as 1:3:6.
func (settingsForm) Parts(p []int) string {
	s := make([]string, len(p))
	for i, n := range p {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ":")
}

// Capped reports whether channel c counts against the special quota cap.
func (f settingsForm) Capped(c domain.Channel) bool { return f.Settings.Special.Counts(c) }

// currentYear is the year in China now.
func (c *console) currentYear() int { return time.Now().In(c.s.messages.zone).Year() }

// yearParam reads ?year=, the current year when absent or not a number.
func (c *console) yearParam(r *http.Request) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		return y
	}
	return c.currentYear()
}

// settingsPage shows the settings of a year for the administrator.
func (c *console) settingsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	s, err := c.s.engine.Settings(r.Context(), c.yearParam(r))
	if err != nil {
		return err
	}
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("ui.settings.saved")
	}
	f := settingsForm{Year: s.Year, Version: s.Version, UpdatedAt: s.UpdatedAt, Settings: s.Settings}
	b, _ := json.MarshalIndent(s.Settings.Eligibility, "", "  ")
	f.Eligibility = string(b)
	return c.renderSettings(w, v, http.StatusOK, f)
}

// saveSettings reads the form, and saves it or shows it again with the
// field that cannot be used.
func (c *console) saveSettings(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	p := r.PostForm
	f := settingsForm{Eligibility: p.Get("eligibility")}
	f.Year, _ = strconv.Atoi(p.Get("year"))
	f.Version, _ = strconv.Atoi(p.Get("version"))
	s, field, err := readSettingsForm(p.Get, p["cap_channels"])
	f.Settings = s
	if err == nil {
		// The form sets every field: none is left to a default.
		err = engine.CheckSettings(s)
	}
	if err == nil {
		_, err = c.s.engine.UpdateSettings(r.Context(), f.Year, s, f.Version)
	}
	if engine.ErrorKind(err) == engine.KindInvalid || engine.ErrorKind(err) == engine.KindConflict {
		e := engine.AsError(err)
		if named, ok := e.Params["field"].(string); ok && field == "" {
			field = named
		}
		v.Error, f.Field = v.Message(e), field
		return c.renderSettings(w, v, http.StatusBadRequest, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/settings?year=%d&saved=1", f.Year), http.StatusSeeOther)
	return nil
}

// readSettingsForm builds settings from the form's fields. It reads every
// field, so that the form shows again what was typed, and returns the first
// field that is not a number or date, with an error naming it.
func readSettingsForm(get func(string) string, capped []string) (domain.Settings, string, error) {
	var s domain.Settings
	var field string
	var err error
	fail := func(f string, e error) {
		if err == nil {
			field, err = f, e
		}
	}
	for _, k := range []string{"stage1", "stage2"} {
		if r := get(k); r != "" {
			s.ApprovalChain = append(s.ApprovalChain, domain.Role(r))
		}
	}
	r, sp := domain.DefaultRatios(), domain.DefaultSpecialRules()
	s.Ratios, s.Special = &r, &sp
	ints := []struct {
		field string
		dst   *int
	}{
		{"session_idle_minutes", &s.SessionIdleMinutes},
		{"cap_percent", &sp.CapPercent}, {"cap_min", &sp.CapMin},
		{"retire_numerator", &sp.RetireNumerator}, {"retire_denominator", &sp.RetireDenominator},
		{"departure_years", &sp.DepartureYears},
	}
	for _, x := range ints {
		n, perr := strconv.Atoi(strings.TrimSpace(get(x.field)))
		if perr != nil {
			fail(x.field, fieldError(x.field, get(x.field)))
			continue
		}
		*x.dst = n
	}
	sp.CapChannels = nil
	for _, ch := range capped {
		sp.CapChannels = append(sp.CapChannels, domain.Channel(ch))
	}
	parts := []struct {
		field string
		dst   *[]int
	}{
		{"ratio_grades", &r.Default.Grades}, {"ratio_full_senior", &r.Default.FullSenior},
		{"ratio_associate_senior", &r.Default.AssociateSenior},
		{"ratio_intermediate", &r.Default.Intermediate}, {"ratio_assistant", &r.Default.Assistant},
	}
	for _, x := range parts {
		ps, ok := parseParts(get(x.field))
		if !ok {
			fail(x.field, fieldError(x.field, get(x.field)))
			continue
		}
		*x.dst = ps
	}
	days := []struct {
		field string
		dst   *domain.Day
	}{
		{"declaration_opens", &s.Windows.Declaration.Opens}, {"declaration_closes", &s.Windows.Declaration.Closes},
		{"application_opens", &s.Windows.Application.Opens}, {"application_closes", &s.Windows.Application.Closes},
	}
	for _, x := range days {
		d := domain.Day(strings.TrimSpace(get(x.field)))
		if d != "" && !d.Valid() {
			fail(x.field, fieldError(x.field, string(d)))
		}
		*x.dst = d
	}
	dec := json.NewDecoder(strings.NewReader(get("eligibility")))
	dec.DisallowUnknownFields()
	if jerr := dec.Decode(&s.Eligibility); jerr != nil {
		fail("eligibility", jsonProblem(jerr))
	}
	return s, field, err
}

// parseParts reads ratio parts written 1:3:6 (full-width colons too).
func parseParts(s string) ([]int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "：", ":")
	var out []int
	for _, f := range strings.Split(s, ":") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

func fieldError(field, value string) error {
	return requestError(engine.KindInvalid, "settings.field", engine.P{"field": field, "Value": value})
}

func (c *console) renderSettings(w http.ResponseWriter, v *view, status int, f settingsForm) error {
	f.Channels = []domain.Channel{domain.ChannelUrgentNeed, domain.ChannelRetireMore,
		domain.ChannelOverseas, domain.ChannelPostdoctoral}
	if f.Settings.Special == nil || f.Settings.Ratios == nil {
		f.Settings = f.Settings.WithDefaults()
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.settings"), "settings", f
	return c.render(w, status, "settings", v)
}

// windowsData is the bureau's windows page of one year.
type windowsData struct {
	Year       int
	Settings   domain.Windows
	Extensions []engine.WindowExtension
	Units      []engine.Unit
	In         windowInput
}

// windowInput is the extension form as typed.
type windowInput struct {
	UnitID int
	Kind   string
	Until  string
	Reason string
}

// windowsPage shows the year's windows and the extensions given.
func (c *console) windowsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if r.URL.Query().Get("saved") != "" {
		v.Notice = v.T("ui.windows.extended")
	}
	return c.renderWindows(w, r, v, http.StatusOK, windowsData{Year: c.yearParam(r)})
}

// extendWindow saves an extension from the form.
func (c *console) extendWindow(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	p := r.PostForm
	d := windowsData{In: windowInput{Kind: p.Get("kind"), Until: strings.TrimSpace(p.Get("until")), Reason: p.Get("reason")}}
	d.Year, _ = strconv.Atoi(p.Get("year"))
	d.In.UnitID, _ = strconv.Atoi(p.Get("unit_id"))
	_, err := c.s.engine.ExtendWindow(r.Context(), d.In.UnitID, d.Year, engine.WindowKind(d.In.Kind),
		domain.Day(d.In.Until), d.In.Reason)
	if engine.ErrorKind(err) == engine.KindInvalid || engine.ErrorKind(err) == engine.KindNotFound {
		v.Error = v.Message(engine.AsError(err))
		return c.renderWindows(w, r, v, http.StatusBadRequest, d)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path("/windows?year=%d&saved=1", d.Year), http.StatusSeeOther)
	return nil
}

func (c *console) renderWindows(w http.ResponseWriter, r *http.Request, v *view, status int, d windowsData) error {
	ctx := r.Context()
	exts, err := c.s.engine.WindowExtensions(ctx, d.Year)
	if err != nil {
		return err
	}
	units, err := c.s.engine.Units(ctx)
	if err != nil {
		return err
	}
	d.Extensions, d.Units = exts, units
	if len(units) > 0 {
		st, err := c.s.engine.Window(ctx, units[0].ID, d.Year, engine.WindowDeclaration)
		if err != nil {
			return err
		}
		ap, err := c.s.engine.Window(ctx, units[0].ID, d.Year, engine.WindowApplication)
		if err != nil {
			return err
		}
		d.Settings = domain.Windows{Declaration: st.Window, Application: ap.Window}
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.windows"), "windows", d
	return c.render(w, status, "windows", v)
}

// Educations names levels of education, joined with a slash.
func (v *view) Educations(es []domain.Education) string {
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = v.Name("education", e)
	}
	return strings.Join(names, "/")
}

// jsonProblem says what is wrong with the eligibility tables as typed: a
// key the tables do not have, a value of the wrong kind, or text that is
// not JSON, with where it is.
func jsonProblem(err error) error {
	var syntax *json.SyntaxError
	var kind *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return requestError(engine.KindInvalid, "settings.eligibility_syntax", engine.P{"Offset": syntax.Offset})
	case errors.As(err, &kind):
		return requestError(engine.KindInvalid, "settings.eligibility_type", engine.P{"Key": kind.Field, "Value": kind.Value})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		key := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return requestError(engine.KindInvalid, "settings.eligibility_key", engine.P{"Key": key})
	}
	return requestError(engine.KindInvalid, "settings.eligibility_syntax", engine.P{"Offset": "-"})
}
