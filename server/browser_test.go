package server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// ScreenshotsEnv names a folder where the browser tests save a screenshot
// of each main page (make screenshots writes docs/screenshots).
const ScreenshotsEnv = "ZHICHENG_SCREENSHOTS"

// browser drives a headless Chromium against a test server.
type browser struct {
	t      *testing.T
	ctx    context.Context
	base   string // the tenant's root URL, without the final slash
	env    *testEnv
	alerts *atomic.Int32
}

// newBrowser starts Debian's Chromium, headless, with a fresh profile and
// no background networking, on the demo tenant of a SQLite test server.
// Without Chromium the test is skipped with a loud message; CI installs it.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	return newBrowserWith(t, nil)
}

// newBrowserWith is newBrowser with the engine's configuration changed by
// configure.
func newBrowserWith(t *testing.T, configure func(*engine.Config)) *browser {
	t.Helper()
	path := os.Getenv("ZHICHENG_CHROMIUM")
	if path == "" {
		path, _ = exec.LookPath("chromium")
	}
	if path == "" {
		t.Skip("!!! chromium not installed (apt-get install chromium): browser tests SKIPPED !!!")
	}
	env := newEnvWith(t, enginetest.Backends(t)[0], configure)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN"),
		chromedp.WindowSize(1366, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	b := &browser{t: t, ctx: ctx, base: env.srv.URL + "/t/xiangxi", env: env, alerts: &atomic.Int32{}}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// Count and dismiss alerts: a script that runs where text should be
	// shows one.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			b.alerts.Add(1)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	return b
}

// run runs browser steps, failing the test on error.
func (b *browser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		url, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("browser at %s: %v", url, err)
	}
}

// browse runs one browser action that returns a value.
func browse[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		url, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("browser at %s: %v", url, err)
	}
	return v
}

// text returns the visible text of the first element that sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(browse(b, chromedp.Text(chromedp.CSS(sel))))
}

// login types a demo account's name and password into the login page.
func (b *browser) login(username string) {
	b.t.Helper()
	b.run(
		chromedp.Navigate(b.base+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), tenants.DemoPassword),
	)
	b.click("#login-submit", "#menu")
}

// logout clicks the logout button.
func (b *browser) logout() {
	b.t.Helper()
	b.click("#logout", "#login-form")
}

// click clicks sel, which loads a page, and waits for wait to show on the
// new page.
func (b *browser) click(sel, wait string) {
	b.t.Helper()
	browse(b, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
	b.run(chromedp.WaitVisible(chromedp.CSS(wait)))
}

// screenshot saves the page as name.png in the screenshots folder, when
// one is set.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		return
	}
	png := browse(b, chromedp.FullScreenshot(100))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// gradeCells returns the reserved and vacancy cells of a grade's subtotal
// row in the vacancy table.
func (b *browser) gradeCells(grade string) (reserved, vacancy string) {
	b.t.Helper()
	row := `#vacancy-table tr[data-grade="` + grade + `"]`
	return b.text(row + " td.reserved"), b.text(row + " td.vac")
}

// declare fills the first line of the declaration form and saves it.
func (b *browser) declare(grade, series, count, reason string) {
	b.t.Helper()
	b.click("#nav-declare", "#vacancy-table")
	b.run(chromedp.Click(chromedp.CSS("#declare-open")))
	b.click("#declare-normal", "#declaration-form")
	b.run(
		chromedp.SetValue(chromedp.CSS(`#lines tr.line:last-child select[name="grade"]`), grade),
		chromedp.SendKeys(chromedp.CSS(`#lines tr.line:last-child input[name="series"]`), series),
		chromedp.SendKeys(chromedp.CSS(`#lines tr.line:last-child input[name="count"]`), count),
		chromedp.SendKeys(chromedp.CSS(`#lines tr.line:last-child input[name="reason"]`), reason),
	)
	b.click("#save", "main h1")
}

var declarationURL = regexp.MustCompile(`/declarations/(\d+)$`)

// declarationID is the id of the declaration page the browser shows.
func (b *browser) declarationID() string {
	b.t.Helper()
	b.run(chromedp.WaitVisible(chromedp.CSS("#declaration-status")))
	url := browse(b, chromedp.Location())
	m := declarationURL.FindStringSubmatch(url)
	if m == nil {
		b.t.Fatalf("not on a declaration page: %s", url)
	}
	return m[1]
}

// review opens a declaration from the reviewer's queue.
func (b *browser) review(id string) {
	b.t.Helper()
	b.click("#nav-review", "#queue")
	b.click(fmt.Sprintf(`#queue-%s a`, id), "#declaration-status")
}

// TestBrowserDeclarationPath walks the main job through clicks and typing:
// the clerk declares and submits, the department and the bureau approve,
// and the clerk sees the approval and the reservation.
func TestBrowserDeclarationPath(t *testing.T) {
	b := newBrowser(t)
	const clerk, dept = "124331004000453123", "433100-WJW"

	b.login(clerk)
	b.screenshot("home")
	b.click("#nav-declare", "#vacancy-table")
	// 州人民医院, associate senior: 105 approved, 98 occupied.
	if res, vac := b.gradeCells("associate_senior"); res != "0" || vac != "7" {
		t.Fatalf("before: got reserved %s vacancy %s, want 0 and 7", res, vac)
	}
	b.screenshot("declarations")
	b.declare("associate_senior", "卫生技术人员", "2", "学科建设需要")
	id := b.declarationID()
	b.screenshot("declaration-draft")
	b.click("#submit", "#declaration-status")
	if got := b.text("#declaration-status"); !strings.Contains(got, "审核中") || !strings.Contains(got, "主管部门") {
		t.Errorf("after submit: status %q, want 审核中 awaiting the department", got)
	}
	b.logout()

	b.login(dept)
	b.click("#nav-review", "#queue")
	b.screenshot("review-queue")
	b.review(id)
	b.screenshot("review-detail")
	b.click("#approve", "#declaration-status")
	if got := b.text("#declaration-status"); !strings.Contains(got, "人社局") {
		t.Errorf("after department: status %q, want awaiting the bureau", got)
	}
	b.logout()

	b.login(tenants.DemoBureau)
	b.review(id)
	b.click("#approve", "#declaration-status")
	b.logout()

	b.login(clerk)
	b.click("#nav-declare", "#declarations")
	if got := b.text("#declaration-" + id); !strings.Contains(got, "已通过") {
		t.Errorf("clerk's list: got %q, want 已通过", got)
	}
	if res, vac := b.gradeCells("associate_senior"); res != "2" || vac != "5" {
		t.Errorf("after approval: got reserved %s vacancy %s, want 2 and 5", res, vac)
	}
	b.click("#declaration-"+id+" a", "#history")
	if got := b.text("#history"); strings.Count(got, "审核通过") != 2 || !strings.Contains(got, "提交审批") {
		t.Errorf("history: got %q, want a submission and two approvals", got)
	}
}

// TestBrowserOverVacancy checks that a refused declaration shows why and
// keeps what the clerk typed.
func TestBrowserOverVacancy(t *testing.T) {
	b := newBrowser(t)
	b.login("124331004000453123")
	b.declare("associate_senior", "卫生技术人员", "8", "引进学科带头人")
	b.run(chromedp.WaitVisible(chromedp.CSS(".field-error")))
	msg := b.text(".field-error")
	if !strings.Contains(msg, "副高级") || !strings.Contains(msg, "空岗数 7") || !strings.Contains(msg, "申报 8") {
		t.Errorf("got %q, want the grade, vacancy 7 and 8 asked", msg)
	}
	count := browse(b, chromedp.Value(chromedp.CSS(`input[name="count"]`)))
	reason := browse(b, chromedp.Value(chromedp.CSS(`input[name="reason"]`)))
	if count != "8" || reason != "引进学科带头人" {
		t.Errorf("form kept count %q reason %q, want 8 and the reason", count, reason)
	}
	b.screenshot("declaration-refused")
}

// TestBrowserReturnAndResubmit checks that a returned declaration reaches
// the clerk with its reason, is edited and submitted again, and that its
// history shows both rounds.
func TestBrowserReturnAndResubmit(t *testing.T) {
	b := newBrowser(t)
	const clerk, dept = "124331004000453123", "433100-WJW"
	b.login(clerk)
	b.declare("assistant", "卫生技术人员", "2", "护理岗位")
	id := b.declarationID()
	b.click("#submit", "#declaration-status")
	b.logout()

	b.login(dept)
	b.review(id)
	b.run(chromedp.SendKeys(chromedp.CSS("#reason"), "请说明护理岗位缺口"))
	b.click("#return", "#declaration-status")
	b.logout()

	b.login(clerk)
	if got := b.text("#tile-returned b"); got != "1" {
		t.Errorf("returned tile: got %q, want 1", got)
	}
	b.click("#tile-returned", "#declarations")
	b.click("#declaration-"+id+" a", "#declaration-status")
	if got := b.text("#history"); !strings.Contains(got, "请说明护理岗位缺口") {
		t.Errorf("history lacks the return reason: %q", got)
	}
	b.click("#edit", "#declaration-form")
	b.run(chromedp.SetValue(chromedp.CSS(`input[name="count"]`), "1"))
	b.click("#save", "#declaration-status")
	b.click("#submit", "#declaration-status")
	got := b.text("#history")
	if strings.Count(got, "提交审批") != 2 || !strings.Contains(got, "退回") {
		t.Errorf("history: got %q, want two submissions and a return", got)
	}
}

// TestBrowserBatchApprove approves two declarations from the queue at
// once.
func TestBrowserBatchApprove(t *testing.T) {
	b := newBrowser(t)
	b.login("124331004000453123")
	var ids []string
	for _, g := range []string{"intermediate", "technician"} {
		b.declare(g, "卫生技术人员", "1", "岗位需要")
		ids = append(ids, b.declarationID())
		b.click("#submit", "#declaration-status")
	}
	b.logout()
	b.login("433100-WJW")
	b.click("#nav-review", "#queue")
	for _, id := range ids {
		b.run(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#queue-%s input[type="checkbox"]`, id))))
	}
	b.click("#approve-selected", "#batch-approved")
	if got := b.text("#batch-approved"); !strings.Contains(got, "2") {
		t.Errorf("got %q, want 2 approved", got)
	}
}

// TestBrowserEnglishAndIdle switches the console to English, then lets the
// session go idle: the next click lands on the login page with a message.
func TestBrowserEnglishAndIdle(t *testing.T) {
	b := newBrowser(t)
	b.login("124331004000453123")
	b.click("#lang-switch", "#menu")
	if got := b.text("#nav-declare"); got != "Quota declaration" {
		t.Errorf("English menu: got %q", got)
	}
	b.click("#lang-switch", "#menu")
	if got := b.text("#nav-declare"); got != "评审职数申报" {
		t.Errorf("Chinese menu: got %q", got)
	}

	// The default idle timeout is ten minutes (DOMAIN.md §9).
	b.env.fixture.Clock.Advance(10*time.Minute + time.Second)
	b.click("#nav-declare", "#login-form")
	if got := b.text("#page-notice"); !strings.Contains(got, "超时") {
		t.Errorf("after idle: got %q, want the timeout message", got)
	}
}

// TestBrowserEscapesText checks that markup typed into a field is shown as
// text and never runs.
func TestBrowserEscapesText(t *testing.T) {
	b := newBrowser(t)
	const evil = `<img src=x onerror=alert(1)>`
	b.login("124331004000453123")
	b.declare("technician", "卫生技术人员", "1", evil)
	b.declarationID()
	if got := b.text("#declaration-lines"); !strings.Contains(got, evil) {
		t.Errorf("lines show %q, want the markup as text", got)
	}
	imgs := browse(b, chromedp.Evaluate[int](`document.querySelectorAll("#declaration-lines img").length`))
	if imgs != 0 || b.alerts.Load() != 0 {
		t.Errorf("markup ran: %d img elements, %d alerts", imgs, b.alerts.Load())
	}
}

// TestBrowserImport uploads an enterprise's roster through the import
// page, watches the job, and reads the outcome; then uploads files with
// problems and reads the errors.
func TestBrowserImport(t *testing.T) {
	b := newBrowser(t)
	ent := tenants.DemoEnterprises[1]
	b.login(ent.CreditCode)
	b.click(`a[href$="/people"]`, "#people-import")
	b.click("#people-import", "#import-form")
	b.screenshot("import")

	roster := filepath.Join("..", "engine", "roster", "testdata", ent.Name+".xlsx")
	abs, err := filepath.Abs(roster)
	if err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{abs}))
	b.click("#import-submit", "main h1")
	b.run(chromedp.WaitVisible(chromedp.CSS("#import-report")))
	rows := importedRows(t, abs)
	if got := b.text("#import-report"); !strings.Contains(got, fmt.Sprintf("新增 %d 人", rows)) {
		t.Errorf("report: got %q, want %d created", got, rows)
	}
	b.screenshot("import-done")

	// A check character changed from X to 1: the row is refused and the
	// page names row 2 and the column.
	bad := filepath.Join(t.TempDir(), "名单.csv")
	os.WriteFile(bad, []byte("姓名,身份证号码,性别\n张三,110105194912310021,女\n"), 0o600)
	b.click(`a[href$="/people/import"]`, "#import-form")
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{bad}))
	b.click("#import-submit", "main h1")
	b.run(chromedp.WaitVisible(chromedp.CSS("#import-problems")))
	if got := b.text("#import-problems tbody"); !strings.Contains(got, "2") || !strings.Contains(got, "身份证号码") {
		t.Errorf("problems: got %q, want row 2 and the ID column", got)
	}

	pdf := filepath.Join(t.TempDir(), "名单.xlsx")
	os.WriteFile(pdf, []byte("%PDF-1.4\n%not a workbook\n"), 0o600)
	b.click(`a[href$="/people/import"]`, "#import-form")
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{pdf}))
	b.click("#import-submit", "main h1")
	b.run(chromedp.WaitVisible(chromedp.CSS("#import-file-error")))
	if got := b.text("#import-file-error"); !strings.Contains(got, ".xlsx") {
		t.Errorf("wrong content: got %q, want advice to save as .xlsx", got)
	}
}

// importedRows counts the data rows of a roster with the roster reader.
func importedRows(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	sh, err := roster.Read(f, fi.Size(), filepath.Base(path), roster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return len(sh.Rows)
}

// TestBrowserTemplateFilled downloads the template, fills it as a clerk
// would (the example row replaced by a new person), and uploads it.
func TestBrowserTemplateFilled(t *testing.T) {
	b := newBrowser(t)
	ent := tenants.DemoEnterprises[2]
	forms := b.env.forms(t)
	forms.login(ent.CreditCode)
	_, _, body := forms.do("GET", "/people/template.xlsx", nil, nil)
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("template: %v", err)
	}
	// 433101198503020013: born 1985-03-02, 17th digit 1, a man; the check
	// character 3 from the GB 11643 weights.
	values := map[string]string{
		"姓名": "张伟", "身份证号码": "433101198503020013", "身份证号": "433101198503020013", "性别": "男", "出生日期": "1985-03-02",
		"毕业时间": "2007.07", "参加工作时间": "2007.08", "进入本单位时间": "2010年3月",
		"现聘岗位等级": "专技九级", "聘任时间": "2015.01", "职称名称": "工程师", "职称级别": "中级",
		"取得时间": "2014-12-20", "人员状态": "在职", "状态变动时间": "",
	}
	sheet := f.GetSheetName(0)
	header, err := f.GetRows(sheet)
	if err != nil || len(header) < 2 {
		t.Fatalf("template rows: %v", err)
	}
	for col, name := range header[0] {
		if v, ok := values[name]; ok {
			cell, _ := excelize.CoordinatesToCellName(col+1, 2)
			f.SetCellStr(sheet, cell, v)
		}
	}
	path := filepath.Join(t.TempDir(), "filled.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	b.login(ent.CreditCode)
	b.click(`a[href$="/people"]`, "#people-import")
	b.click("#people-import", "#import-form")
	b.run(chromedp.SetUploadFiles(chromedp.CSS("#import-file"), []string{path}))
	b.click("#import-submit", "main h1")
	b.run(chromedp.WaitVisible(chromedp.CSS("#import-report, #import-problems, #import-file-error")))
	if got := b.text("main"); !strings.Contains(got, "新增 1 人") {
		t.Fatalf("got %q, want 1 created", got)
	}
	b.click(`a[href$="/people"]`, "#people")
	if got := b.text("#people"); !strings.Contains(got, "张伟") || !strings.Contains(got, "433101********0013") {
		t.Errorf("people list: got %q, want 张伟 with a masked ID", got)
	}
}
