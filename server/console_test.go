package server

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// formClient is a browser-like client of the console: a cookie jar, no
// redirects followed, so that tests see where the console sends it.
type formClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func (env *testEnv) forms(t *testing.T) *formClient {
	jar, _ := cookiejar.New(nil)
	return &formClient{t: t, base: env.srv.URL + "/t/xiangxi", http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// do sends a request and returns the status, the Location and the body.
func (p *formClient) do(method, path string, form url.Values, header http.Header) (int, string, string) {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, p.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := p.http.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

func (p *formClient) login(username string) {
	p.t.Helper()
	status, loc, _ := p.do(http.MethodPost, "/login",
		url.Values{"username": {username}, "password": {tenants.DemoPassword}}, nil)
	if status != http.StatusSeeOther || loc != "/t/xiangxi/" {
		p.t.Fatalf("login as %s: got %d to %q", username, status, loc)
	}
}

func TestConsoleNeedsLogin(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	status, loc, _ := p.do(http.MethodGet, "/declarations", nil, nil)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/t/xiangxi/login") {
		t.Errorf("got %d to %q, want a redirect to the login page", status, loc)
	}
	status, _, body := p.do(http.MethodPost, "/login",
		url.Values{"username": {"433100-WJW"}, "password": {"wrong"}}, nil)
	if status != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") ||
		!strings.Contains(body, `value="433100-WJW"`) {
		t.Errorf("wrong password: got %d, want 401 with the message and the name kept", status)
	}
}

// TestConsoleOtherUnitNotFound checks that a declaration page of another
// unit answers as not found, like one that does not exist.
func TestConsoleOtherUnitNotFound(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	owner := f.As(t, "124331004000453123")
	d, err := f.Engine.CreateDeclaration(owner, engine.DeclarationInput{Year: 2026, Lines: []engine.Line{
		{Grade: domain.GradeAssistant, Series: "卫生技术人员", Count: 1, Reason: "岗位需要"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login("12433100400092813K") // 州民族中医院, a sibling unit
	for _, path := range []string{"/declarations/" + itoa(d.ID), "/declarations/" + itoa(d.ID) + "/edit",
		"/declarations/999999", "/units/" + itoa(d.Unit.ID)} {
		if status, _, _ := p.do(http.MethodGet, path, nil, nil); status != http.StatusNotFound {
			t.Errorf("GET %s: got %d, want 404", path, status)
		}
	}
	status, _, _ := p.do(http.MethodPost, "/declarations/"+itoa(d.ID)+"/submit", url.Values{}, nil)
	if status != http.StatusNotFound {
		t.Errorf("submit: got %d, want 404", status)
	}
}

// TestConsoleRefusesCrossOrigin checks that a form posted from another
// site changes nothing.
func TestConsoleRefusesCrossOrigin(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	p.login("124331004000453123")
	form := url.Values{"year": {"2026"}, "grade": {"assistant"}, "series": {"卫生技术人员"}, "count": {"1"}, "reason": {"岗位需要"}}
	evil := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	if status, _, _ := p.do(http.MethodPost, "/declarations", form, evil); status != http.StatusForbidden {
		t.Errorf("cross-site post: got %d, want 403", status)
	}
	ds, err := env.fixture.Engine.Declarations(env.fixture.As(t, "124331004000453123"), engine.DeclarationFilter{})
	if err != nil || len(ds) != 0 {
		t.Fatalf("cross-site post created %d declarations (%v)", len(ds), err)
	}
	same := http.Header{"Origin": {env.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}
	if status, loc, _ := p.do(http.MethodPost, "/declarations", form, same); status != http.StatusSeeOther ||
		!strings.Contains(loc, "/declarations/") {
		t.Errorf("same-origin post: got %d to %q, want a redirect to the new declaration", status, loc)
	}
}

func TestConsoleAssetsCached(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	res, err := http.Get(env.srv.URL + "/t/xiangxi/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Cache-Control"), "max-age") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("got %d %q %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("Content-Type"))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestConsolePeopleMasked checks the people overview: the clerk's unit
// only, searchable, ID and phone numbers masked.
func TestConsolePeopleMasked(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	p.login("124331004000453123")
	// 鲁燕 of 州人民医院: ID 433122199609269681, mobile 13800007024.
	status, _, body := p.do(http.MethodGet, "/people?q="+url.QueryEscape("433122199609269681"), nil, nil)
	if status != http.StatusOK || !strings.Contains(body, "鲁燕") {
		t.Fatalf("search by ID number: got %d without the person", status)
	}
	if !strings.Contains(body, "433122********9681") || !strings.Contains(body, "138****7024") {
		t.Errorf("ID or mobile not shown masked")
	}
	if strings.Contains(body, "433122199609269681") && !strings.Contains(body, `value="433122199609269681"`) {
		t.Errorf("the whole ID number is shown outside the search box")
	}
	if strings.Contains(body, "13800007024") {
		t.Errorf("the whole mobile number is shown")
	}
	// 姚𠮷蓉 works at 泸溪县人民医院: not the clerk's.
	_, _, body = p.do(http.MethodGet, "/people?q="+url.QueryEscape("姚𠮷蓉"), nil, nil)
	if strings.Contains(body, "433122") && strings.Contains(body, "姚𠮷蓉</td>") {
		t.Errorf("a person of another unit is listed")
	}
}

// TestConsoleSubmitSelected submits two ticked drafts from the list.
func TestConsoleSubmitSelected(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	clerk := f.As(t, "124331004000453123")
	var ids []string
	for _, g := range []domain.Grade{domain.GradeAssistant, domain.GradeTechnician} {
		d, err := f.Engine.CreateDeclaration(clerk, engine.DeclarationInput{Year: 2026, Lines: []engine.Line{
			{Grade: g, Series: "卫生技术人员", Count: 1, Reason: "岗位需要"},
		}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, itoa(d.ID))
	}
	p := env.forms(t)
	p.login("124331004000453123")
	status, loc, _ := p.do(http.MethodPost, "/declarations/submit", url.Values{"id": ids}, nil)
	if status != http.StatusSeeOther || !strings.Contains(loc, "submitted=2") {
		t.Fatalf("got %d to %q, want a redirect reporting 2 submitted", status, loc)
	}
	ds, err := f.Engine.Declarations(clerk, engine.DeclarationFilter{Status: domain.StatusInReview})
	if err != nil || len(ds) != 2 {
		t.Errorf("got %d declarations in review (%v), want 2", len(ds), err)
	}
}

// TestConsoleEditUnit changes the clerk's own unit through the form; a bad
// credit code shows the reason and keeps what was typed.
func TestConsoleEditUnit(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	id := f.UnitID(t, "124331004000453123")
	u, err := f.Engine.Unit(f.As(t, "124331004000453123"), id)
	if err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login("124331004000453123")
	form := url.Values{
		"name": {u.Name}, "credit_code": {string(u.CreditCode)}, "kind": {string(u.Kind)},
		"funding": {u.Funding}, "sector": {u.Sector}, "region": {string(u.Region)},
		"department_id": {itoa(u.DepartmentID)}, "address": {u.Address},
		"contact_name": {"向红"}, "contact_phone": {"0743-8176000"}, "uses_institution_system": {"on"},
	}
	path := "/units/" + itoa(id) + "/edit"
	if status, loc, _ := p.do(http.MethodPost, path, form, nil); status != http.StatusSeeOther ||
		!strings.Contains(loc, "saved=1") {
		t.Fatalf("save: got %d to %q", status, loc)
	}
	form.Set("credit_code", "124331004000453124") // check character wrong
	form.Set("contact_name", "别人")
	status, _, body := p.do(http.MethodPost, path, form, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "统一社会信用代码") ||
		!strings.Contains(body, `value="别人"`) {
		t.Errorf("bad credit code: got %d, want 400 with the reason and the typed values", status)
	}
	got, err := f.Engine.Unit(f.As(t, "124331004000453123"), id)
	if err != nil || got.ContactName != "向红" || got.CreditCode != u.CreditCode {
		t.Errorf("got %+v (%v), want the first save only", got, err)
	}
	other := env.forms(t)
	other.login("12433100400092813K")
	if status, _, _ := other.do(http.MethodGet, path, nil, nil); status != http.StatusNotFound {
		t.Errorf("another unit's clerk: got %d, want 404", status)
	}
}

// TestConsoleTemplate downloads the import template: a workbook that the
// import reads back as its one example row, without problems.
func TestConsoleTemplate(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	p.login(tenants.DemoEnterprises[0].CreditCode)
	status, _, body := p.do(http.MethodGet, "/people/template.xlsx", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("got %d", status)
	}
	sh, err := roster.Read(strings.NewReader(body), int64(len(body)), "template.xlsx", roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != 1 || len(sh.Problems()) != 0 {
		t.Errorf("got %d rows with problems %v, want the one example row", len(sh.Rows), sh.Problems())
	}
}

// TestConsoleExportMasked exports the clerk's people: every one of the
// unit, ID numbers masked.
func TestConsoleExportMasked(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	p.login("124331004000453123")
	status, _, body := p.do(http.MethodGet, "/people/export.xlsx", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("got %d", status)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	// 328 people of 州人民医院 in the export, and the header.
	if len(rows) != 329 {
		t.Fatalf("got %d rows, want 329", len(rows))
	}
	masked := regexp.MustCompile(`^\d{6}\*{8}[0-9X]{4}$`)
	for _, r := range rows[1:] {
		if !masked.MatchString(r[2]) {
			t.Fatalf("ID cell %q is not masked", r[2])
		}
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"张三": "张三", "": "", "1+1": "1+1",
	} {
		if got := neutralise(in); got != want {
			t.Errorf("neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestConsoleReveal shows a person masked, then whole after the logged
// reveal.
func TestConsoleReveal(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	page, err := f.Engine.People(f.As(t, "124331004000453123"), engine.PeopleFilter{Query: "433122199609269681"})
	if err != nil || page.Total != 1 {
		t.Fatal(page, err)
	}
	id := itoa(page.Items[0].ID)
	p := env.forms(t)
	p.login("124331004000453123")
	_, _, body := p.do(http.MethodGet, "/people/"+id, nil, nil)
	if strings.Contains(body, "433122199609269681") || !strings.Contains(body, "433122********9681") {
		t.Errorf("person page does not mask the ID number")
	}
	_, _, body = p.do(http.MethodPost, "/people/"+id+"/reveal", url.Values{}, nil)
	if !strings.Contains(body, "433122199609269681") || !strings.Contains(body, "13800007024") {
		t.Errorf("reveal does not show the whole numbers")
	}
}

// TestConsoleNotFoundPage answers a browser's unknown path with a page,
// and anything else with JSON.
func TestConsoleNotFoundPage(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	status, _, body := p.do(http.MethodGet, "/nosuch", nil, http.Header{"Accept": {"text/html,*/*"}})
	if status != http.StatusNotFound || !strings.Contains(body, "<html") || !strings.Contains(body, "不存在") {
		t.Errorf("browser: got %d %.80q, want a 404 page", status, body)
	}
	status, _, body = p.do(http.MethodGet, "/nosuch", nil, nil)
	if status != http.StatusNotFound || !strings.HasPrefix(body, `{"error"`) {
		t.Errorf("API client: got %d %.80q, want a JSON 404", status, body)
	}
}

// TestConsolePersonForm creates a person through the form, shows a
// refused ID number next to its field with what was typed kept, and marks
// the person retired.
func TestConsolePersonForm(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	p.login(tenants.DemoEnterprises[0].CreditCode)
	form := url.Values{
		"name": {"欧阳·丽"}, "id_number": {"11010519491231002X"}, "sex": {"2"}, "birth_date": {"1949-12-31"},
		"education": {"21"}, "school": {"长沙理工大学"}, "major": {"道路桥梁"},
		"graduation_date": {"1972-07-01"}, "started_work": {"1972-08-01"},
		"post_category": {"professional"}, "post_level": {"7"}, "title_series": {"工程技术人员"},
		"title_name": {"高级工程师"}, "title_grade": {"associate_senior"}, "title_date": {"1995-12-01"},
		"title_method": {"evaluation"},
	}
	status, loc, _ := p.do(http.MethodPost, "/people/new", form, nil)
	if status != http.StatusSeeOther || !strings.Contains(loc, "/people/") {
		t.Fatalf("create: got %d to %q", status, loc)
	}
	personPath := loc[strings.Index(loc, "/people/"):]

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("id_number", "110105194912310021") // check character wrong
	bad.Set("school", "湖南大学")
	status, _, body := p.do(http.MethodPost, "/people/new", bad, nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "校验码") || !strings.Contains(body, `value="湖南大学"`) {
		t.Errorf("bad ID: got %d, want 400 with the check-character reason and the typed school", status)
	}

	status, _, _ = p.do(http.MethodPost, personPath+"/status",
		url.Values{"status": {"retired"}, "status_date": {"2009-12-31"}}, nil)
	if status != http.StatusSeeOther {
		t.Errorf("retire: got %d", status)
	}
	_, _, body = p.do(http.MethodGet, personPath, nil, nil)
	if !strings.Contains(body, "退休") {
		t.Errorf("person page does not show the retirement")
	}
}

// TestConsolePeopleFilters filters by post level and status: 49 serving
// staff of 州人民医院 hold professional level 7 in the export (its vacancy
// table's occupied figure at that level).
func TestConsolePeopleFilters(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	p := env.forms(t)
	p.login("124331004000453123")
	_, _, body := p.do(http.MethodGet, "/people?level=7&status=serving&sort=post_level", nil, nil)
	if !strings.Contains(body, "共 49 人") {
		t.Errorf("got %q, want 49 people", regexp.MustCompile(`共 \d+ 人`).FindString(body))
	}
}

// TestConsolePagesRefuseFraming: pages carry a content security policy that
// admits only this server's resources and no framing by another site.
func TestConsolePagesRefuseFraming(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	res, err := http.Get(env.srv.URL + "/t/xiangxi/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %s", csp, want)
		}
	}
	if got := res.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options: got %q, want DENY", got)
	}
}

// TestConsoleFormsOnlyForThoseWhoSubmit: reviewers and the administrator
// get no person or unit form; they could not save it, and the person
// form shows whole ID numbers.
func TestConsoleFormsOnlyForThoseWhoSubmit(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	unitID := f.UnitID(t, "124331004000453123")
	people, err := f.Engine.People(f.As(t, "124331004000453123"), engine.PeopleFilter{})
	if err != nil || len(people.Items) == 0 {
		t.Fatalf("no people (%v)", err)
	}
	personPath := "/people/" + itoa(people.Items[0].ID) + "/edit"
	for _, who := range []string{"433100-WJW", tenants.DemoBureau, tenants.DemoAdmin} {
		p := env.forms(t)
		p.login(who)
		for _, path := range []string{"/people/new", personPath, "/units/" + itoa(unitID) + "/edit"} {
			if status, _, body := p.do(http.MethodGet, path, nil, nil); status != http.StatusForbidden ||
				strings.Contains(body, `name="id_number"`) {
				t.Errorf("%s %s: got %d, want 403 without the form", who, path, status)
			}
		}
	}
	clerk := env.forms(t)
	clerk.login("124331004000453123")
	if status, _, _ := clerk.do(http.MethodGet, personPath, nil, nil); status != http.StatusOK {
		t.Errorf("clerk: got %d, want the form", status)
	}
}

// TestConsoleSyncMenuForSyncedUnits: the sync runs menu entry is for the
// clerks of units the institution system feeds, not for enterprises.
func TestConsoleSyncMenuForSyncedUnits(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	for who, want := range map[string]bool{
		"124331004000453123":                  true,  // 州人民医院, an institution
		tenants.DemoEnterprises[0].CreditCode: false, // an enterprise
		tenants.DemoAdmin:                     true,
	} {
		p := env.forms(t)
		p.login(who)
		_, _, home := p.do(http.MethodGet, "/", nil, nil)
		if got := strings.Contains(home, `id="nav-sync-runs"`); got != want {
			t.Errorf("%s: sync runs in the menu %v, want %v", who, got, want)
		}
	}
}
