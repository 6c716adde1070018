package server

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestBrowserWindowClosedAndExtended: the administrator closes this year's
// declaration window on the settings page; the clerk is refused with the
// dates; the bureau extends the window for the clerk's unit; the clerk
// declares.
func TestBrowserWindowClosedAndExtended(t *testing.T) {
	b := newBrowser(t)
	const clerk = "124331004000453123"
	now := time.Now()
	year := now.In(time.FixedZone("CST", 8*3600)).Year()
	opens := string(domain.DayOf(now.AddDate(0, 0, -30)))
	closes := string(domain.DayOf(now.AddDate(0, 0, -1)))

	b.login(tenants.DemoAdmin)
	b.click("#nav-settings", "#settings-form")
	b.run(
		chromedp.SetValue(chromedp.CSS("#s-year"), itoa(year)),
	)
	b.click(`form.toolbar button[type="submit"]`, "#settings-form")
	b.run(
		chromedp.SetValue(chromedp.CSS("#s-declaration_opens"), opens),
		chromedp.SetValue(chromedp.CSS("#s-declaration_closes"), closes),
	)
	b.screenshot("settings")
	b.click("#settings-save", "#page-notice")
	if got := browse(b, chromedp.Value(chromedp.CSS("#s-declaration_closes"))); got != closes {
		t.Fatalf("saved close %q, want %s", got, closes)
	}
	b.logout()

	b.login(clerk)
	b.declare("associate_senior", "卫生技术人员", "1", "学科建设需要")
	if got := b.text("#page-error"); !strings.Contains(got, opens) || !strings.Contains(got, closes) {
		t.Fatalf("closed window: got %q, want the dates %s to %s", got, opens, closes)
	}
	b.logout()

	until := string(domain.DayOf(now.AddDate(0, 0, 3)))
	b.login(tenants.DemoBureau)
	b.click("#nav-windows", "#window-form")
	b.run(
		chromedp.SetValue(chromedp.CSS("#w-unit"), itoa(b.env.unitID(clerk))),
		chromedp.SetValue(chromedp.CSS("#w-kind"), "declaration"),
		chromedp.SetValue(chromedp.CSS("#w-until"), until),
		chromedp.SendKeys(chromedp.CSS("#w-reason"), "停电未能按期申报"),
	)
	b.click("#window-extend", "#window-extensions")
	if got := b.text("#window-extensions"); !strings.Contains(got, "州人民医院") || !strings.Contains(got, until) {
		t.Fatalf("extensions: got %q, want the hospital until %s", got, until)
	}
	b.screenshot("windows")
	b.logout()

	b.login(clerk)
	b.declare("associate_senior", "卫生技术人员", "1", "学科建设需要")
	b.declarationID()
}
