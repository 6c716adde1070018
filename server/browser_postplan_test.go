package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestBrowserPostPlan has an enterprise's clerk type a post plan that
// breaks two structure ratios, reads the warnings, and finds the plan
// locked after the bureau locked the year.
func TestBrowserPostPlan(t *testing.T) {
	b := newBrowser(t)
	clerk := tenants.DemoEnterprises[0].CreditCode
	b.login(clerk)
	b.click("#nav-postplans", "#plan-form")

	// Full senior 0:1:2, associate 2:10:4, intermediate 12:16:12,
	// assistant 40:40, technician 20. Senior 19 of 159 > 159 × 1/10, so at
	// most 15; associate levels 5–6 hold 12 of 16 > 16 × 6/10, at most 9.
	approved := []int{0, 0, 1, 2, 2, 10, 4, 12, 16, 12, 40, 40, 20}
	for i, n := range approved {
		b.run(chromedp.SetValue(chromedp.CSS(fmt.Sprintf("#level-%d", i+1)), fmt.Sprint(n)))
	}
	b.run(chromedp.SendKeys(chromedp.CSS("#plan-note"), "湘人社函〔2026〕1号"))
	b.click("#plan-save", "#plan-warnings")
	b.screenshot("post-plan")
	got := b.text("#plan-warnings")
	for _, want := range []string{"高级:中级:初级", "高级核准 19 个", "可设的 15 个", "专技五至六级核准 12 个", "可设的 9 个"} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q lack %q", got, want)
		}
	}
	if got := b.text(`#plan-table tr[data-grade="associate_senior"] td.approved`); got != "16" {
		t.Errorf("associate senior subtotal: got %q, want 16", got)
	}
	if got := b.text("#page-notice"); !strings.Contains(got, "已保存") {
		t.Errorf("notice: got %q", got)
	}
	b.logout()

	b.login(tenants.DemoBureau)
	b.click("#nav-postplans", "#plan-lock")
	b.click("#plan-lock-button", "#plan-unlock")
	if got := b.text("#plan-lock-state"); !strings.Contains(got, "已锁定") {
		t.Errorf("lock state: got %q", got)
	}
	b.logout()

	b.login(clerk)
	b.click("#nav-postplans", "#plan-locked")
	n := browse(b, chromedp.Evaluate[int](`document.querySelectorAll("#plan-save, #level-1").length`))
	if n != 0 {
		t.Errorf("a locked plan still shows %d inputs or buttons", n)
	}
}

// TestBrowserSpecialDeclaration has 州人民医院's clerk declare one
// overseas recruit, naming the person, and submit the declaration; the
// vacancy page then shows the line waiting for the department, beside an
// unchanged normal quota.
func TestBrowserSpecialDeclaration(t *testing.T) {
	b := newBrowser(t)
	const clerk = "124331004000453123"
	f := b.env.fixture
	ctx := f.As(t, clerk)
	p, err := f.Engine.Client().Person.Query().Where(
		person.UnitID(f.UnitID(t, clerk)), person.StatusEQ(domain.PersonServing),
		person.PostLevelIn(8, 9, 10)).Order(person.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Engine.Client().Person.UpdateOneID(p.ID).SetOverseas(true).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	b.login(clerk)
	b.click("#nav-declare", "#special-quota")
	b.run(chromedp.Click(chromedp.CSS("#declare-open")))
	b.click("#declare-special", "#declaration-form")
	row := `#lines tr.line:last-child `
	b.run(
		chromedp.SetValue(chromedp.CSS(row+`select[name="channel"]`), "overseas"),
		chromedp.SetValue(chromedp.CSS(row+`select[name="grade"]`), "intermediate"),
		chromedp.SendKeys(chromedp.CSS(row+`input[name="series"]`), "卫生技术人员"),
		chromedp.SendKeys(chromedp.CSS(row+`input[name="count"]`), "1"),
		chromedp.SendKeys(chromedp.CSS(row+`input[name="reason"]`), "引进境外专科医师"),
	)
	browse(b, chromedp.Evaluate[bool](fmt.Sprintf(
		`document.querySelector('select[name="people_0"] option[value="%d"]').selected = true`, p.ID)))
	b.screenshot("special-form")
	b.click("#save", "main h1")
	id := b.declarationID()
	if got := b.text("#declaration-lines"); !strings.Contains(got, p.Name) || !strings.Contains(got, "境外引进人才") {
		t.Errorf("lines: got %q, want the overseas channel naming %s", got, p.Name)
	}
	b.click("#submit", "#declaration-status")
	if got := b.text("#declaration-status"); !strings.Contains(got, "主管部门") {
		t.Errorf("after submit: status %q, want awaiting the department", got)
	}

	b.click("#nav-declare", "#special-lines")
	if got := b.text(`#special-lines tr[data-declaration="` + id + `"]`); !strings.Contains(got, "待主管部门审核") {
		t.Errorf("special line: got %q, want it awaiting the department", got)
	}
	if got := b.text(`#special-table tr[data-grade="intermediate"] td.overseas`); got != "1" {
		t.Errorf("intermediate overseas quota: got %q, want 1", got)
	}
	// 州人民医院, intermediate: 128 approved − 124 occupied = 4, untouched.
	if res, vac := b.gradeCells("intermediate"); res != "0" || vac != "4" {
		t.Errorf("normal quota: got reserved %s vacancy %s, want 0 and 4", res, vac)
	}
	b.screenshot("special-quota")
}
