package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// defaultTables are the default eligibility tables as the form shows them.
var defaultTables, _ = json.Marshal(domain.DefaultEligibility())

// settingsFormOf fills the settings form as the page shows the defaults.
func settingsFormOf(year string) url.Values {
	return url.Values{
		"year": {year}, "version": {"0"},
		"stage1": {"department_reviewer"}, "stage2": {"bureau_reviewer"},
		"session_idle_minutes": {"10"},
		"cap_percent":          {"3"}, "cap_min": {"1"},
		"cap_channels":     {"urgent_need", "overseas", "postdoctoral"},
		"retire_numerator": {"1"}, "retire_denominator": {"2"}, "departure_years": {"1"},
		"ratio_grades": {"1:3:6"}, "ratio_full_senior": {"1:3:6"}, "ratio_associate_senior": {"2:4:4"},
		"ratio_intermediate": {"3:4:3"}, "ratio_assistant": {"5:5"},
		"eligibility": {string(defaultTables)},
	}
}

func TestConsoleSettings(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	admin := env.forms(t)
	admin.login(tenants.DemoAdmin)

	status, _, body := admin.do(http.MethodGet, "/settings?year=2026", nil, nil)
	if status != http.StatusOK || !strings.Contains(body, `id="settings-inherited"`) ||
		!strings.Contains(body, `value="1:3:6"`) || !strings.Contains(body, "毕业满 1 年") {
		t.Fatalf("settings page: got %d, want the defaults with the recognition table", status)
	}

	// The administrator moves the application window and saves the 退二进一
	// ratio as 1:3.
	form := settingsFormOf("2026")
	form.Set("application_opens", "2026-03-01")
	form.Set("application_closes", "2026-04-30")
	form.Set("retire_denominator", "3")
	status, loc, _ := admin.do(http.MethodPost, "/settings", form, nil)
	if status != http.StatusSeeOther || !strings.Contains(loc, "saved=1") {
		t.Fatalf("save: got %d to %q", status, loc)
	}
	s, err := f.Engine.Settings(f.As(t, tenants.DemoAdmin), 2026)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != 1 || s.Settings.Windows.Application.Closes != "2026-04-30" ||
		s.Settings.Special.RetireDenominator != 3 || len(s.Settings.Eligibility) != 2 {
		t.Fatalf("saved %+v, want the window, 1:3, and the default tables", s)
	}

	// A field that is not a number is named, the typed values stay, and
	// nothing is saved.
	form.Set("version", "1")
	form.Set("cap_percent", "三")
	form.Set("application_closes", "2026-05-31")
	status, _, body = admin.do(http.MethodPost, "/settings", form, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "特殊人才职数上限") ||
		!strings.Contains(body, "“三”") || !strings.Contains(body, `value="2026-05-31"`) {
		t.Errorf("bad number: got %d, want 400 naming the field and keeping the typed date: %s", status, pageError(body))
	}
	// A window that closes before it opens is refused by the rules.
	form.Set("cap_percent", "3")
	form.Set("application_opens", "2026-06-01")
	status, _, body = admin.do(http.MethodPost, "/settings", form, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "「职称申报截止日期」2026-05-31 早于开始日期 2026-06-01") {
		t.Errorf("window order: got %d, want 400 naming the close of the application window: %s", status, pageError(body))
	}
	form.Set("application_opens", "2026-03-01")

	// Each refusal names the field in the user's words, and saves nothing.
	for _, c := range []struct{ field, value, want string }{
		{"retire_denominator", "0", "「退多补少比例（退）」的值 0 超出范围，应在 1 到 100 之间"},
		{"session_idle_minutes", "0", "「会话空闲超时（分钟）」的值 0 超出范围"},
		{"stage1", "", "至少需要一个审批环节"},
		{"eligibility", "[]", "至少需要一张资格条件表"},
		{"eligibility", `[{"recogniton":[]}]`, "资格条件表中没有“recogniton”这一项"},
		{"eligibility", `[{"recognition":[{"education":"bachelor","yeras":4,"grade":"assistant"}]}]`, "没有“yeras”这一项"},
		{"eligibility", `[{"recognition":[{"education":"phd","years":0,"grade":"assistant"}]}]`, "资格条件表第 1 张认定规则第 1 条：education 的值“phd”无效"},
		{"eligibility", `[{`, "资格条件表不是有效的 JSON"},
		{"eligibility", `[{"recognition":[{"education":"bachelor","years":"四","grade":"assistant"}]}]`, "值类型有误"},
	} {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set(c.field, c.value)
		if c.field == "stage1" {
			bad.Set("stage2", "")
		}
		status, _, body = admin.do(http.MethodPost, "/settings", bad, nil)
		if status != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("%s=%q: got %d, want 400 saying %q: %s", c.field, c.value, status, c.want, pageError(body))
		}
	}
	if again, _ := f.Engine.Settings(f.As(t, tenants.DemoAdmin), 2026); again.Version != 1 ||
		again.Settings.Windows.Application.Closes != "2026-04-30" {
		t.Errorf("refused forms changed the settings: %+v", again.Settings.Windows)
	}

	// A clerk has no settings page.
	clerk := env.forms(t)
	clerk.login("124331004000453123")
	if status, _, _ := clerk.do(http.MethodGet, "/settings", nil, nil); status != http.StatusForbidden {
		t.Errorf("clerk: got %d, want 403", status)
	}
}

func TestConsoleWindowExtension(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Year()
	unitID := f.UnitID(t, "124331004000453123")
	admin := f.As(t, tenants.DemoAdmin)
	s, err := f.Engine.Settings(admin, year)
	if err != nil {
		t.Fatal(err)
	}
	yesterday := domain.DayOf(time.Now().AddDate(0, 0, -1))
	s.Settings.Windows.Application = domain.Window{Closes: yesterday}
	if _, err := f.Engine.UpdateSettings(admin, year, s.Settings, s.Version); err != nil {
		t.Fatal(err)
	}

	bureau := env.forms(t)
	bureau.login(tenants.DemoBureau)
	until := string(domain.DayOf(time.Now().AddDate(0, 0, 7)))
	form := url.Values{"year": {itoa(year)}, "unit_id": {itoa(unitID)}, "kind": {"application"},
		"until": {"2026/13/01"}, "reason": {"网络故障未能按期申报"}}
	status, _, body := bureau.do(http.MethodPost, "/windows", form, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "2026/13/01") ||
		!strings.Contains(body, "网络故障未能按期申报") {
		t.Fatalf("bad date: got %d, want 400 naming the value and keeping the reason", status)
	}
	form.Set("until", until)
	status, loc, _ := bureau.do(http.MethodPost, "/windows", form, nil)
	if status != http.StatusSeeOther {
		t.Fatalf("extend: got %d to %q", status, loc)
	}
	_, _, body = bureau.do(http.MethodGet, strings.TrimPrefix(loc, "/t/xiangxi"), nil, nil)
	if !strings.Contains(body, "州人民医院") || !strings.Contains(body, until) {
		t.Errorf("windows page does not list the extension to %s", until)
	}

	// Over the API the clerk sees the window open for the unit until then.
	c := env.login(t, "xiangxi", "124331004000453123")
	var st engine.WindowState
	c.do(t, http.MethodGet, "/units/"+itoa(unitID)+"/windows/application?year="+itoa(year), nil, http.StatusOK, &st)
	if !st.Open || string(st.Until) != until || st.Window.Closes != yesterday {
		t.Errorf("window over the API: %+v, want open until %s", st, until)
	}
	// The clerk may not extend.
	e := c.fail(t, http.MethodPost, "/units/"+itoa(unitID)+"/windows/application/extension",
		map[string]any{"year": year, "until": until, "reason": "自己延期"}, http.StatusForbidden)
	if e.Code != "permission_denied" {
		t.Errorf("clerk extension: got %s", e.Code)
	}
}

func TestAPISettings(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	c := env.login(t, "xiangxi", tenants.DemoAdmin)
	var s engine.YearSettings
	c.do(t, http.MethodGet, "/settings/2027", nil, http.StatusOK, &s)
	if s.Version != 0 || s.Settings.Special.CapPercent != 3 {
		t.Fatalf("got %+v, want defaults", s)
	}
	s.Settings.Special.CapPercent = 5
	c.do(t, http.MethodPut, "/settings/2027", map[string]any{"settings": s.Settings, "version": 0}, http.StatusOK, &s)
	if s.Version != 1 || s.Settings.Special.CapPercent != 5 {
		t.Fatalf("after PUT got %+v", s)
	}
	e := c.fail(t, http.MethodPut, "/settings/2027", map[string]any{"settings": s.Settings, "version": 0}, http.StatusConflict)
	if e.Code != "settings.changed" {
		t.Errorf("stale version: got %s", e.Code)
	}
	s.Settings.Special.CapPercent = 300
	e = c.fail(t, http.MethodPut, "/settings/2027", map[string]any{"settings": s.Settings, "version": 1}, http.StatusBadRequest)
	if e.Code != "settings.range" || !strings.Contains(e.Message, "特殊人才职数上限") {
		t.Errorf("bad cap: got %s %q", e.Code, e.Message)
	}
}

// pageError is the page's error message, for test failures.
func pageError(body string) string {
	if i := strings.Index(body, `id="page-error"`); i >= 0 {
		return body[i:min(len(body), i+300)]
	}
	return "no error on the page"
}
