package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// validIDNumber makes a GB 11643 ID number of region 433101 for a birth
// date and sequence: the check character is Σ(digit × weight) mod 11
// looked up in 10X98765432.
func validIDNumber(birth time.Time, seq int) domain.IDNumber {
	body := fmt.Sprintf("433101%s%03d", birth.Format("20060102"), seq)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return domain.IDNumber(body + string("10X98765432"[sum%11]))
}

// applicationFixture prepares 州人民医院 for an evaluation: the bureau
// approves one normal-channel associate-senior seat, and the unit has an
// engineer, a bachelor with intermediate (工程师) since 2021-07-01, which is
// 5 whole years to 31 December 2026, as associate senior asks. It also
// adds a person whose record lacks education and graduation date. It
// returns the two people's ids.
func applicationFixture(t *testing.T, f *enginetest.Fixture) (engineer, incomplete int) {
	t.Helper()
	e := f.Engine
	clerk := f.As(t, stateHospital)
	d, err := e.CreateDeclaration(clerk, associateSenior(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{healthDept, tenants.DemoBureau} {
		if _, err := e.ApproveDeclaration(f.As(t, who), d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
	}
	unitID := f.UnitID(t, stateHospital)
	born := time.Date(1986, 5, 12, 0, 0, 0, 0, time.UTC)
	p, err := e.SavePerson(clerk, unitID, 0, roster.Record{
		Name: "周建华", IDNumber: validIDNumber(born, 35), Sex: domain.SexMale, BirthDate: born,
		Education: "21", GraduationDate: time.Date(2008, 7, 1, 0, 0, 0, 0, time.UTC),
		TitleSeries: "工程技术人员", TitleName: "工程师", TitleGrade: domain.GradeIntermediate,
		TitleDate: time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC), TitleMethod: "evaluation",
		Status: domain.PersonServing,
	})
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.SavePerson(clerk, unitID, 0, roster.Record{
		Name: "吴小梅", IDNumber: validIDNumber(born, 36), Sex: domain.SexFemale, BirthDate: born,
		Status: domain.PersonServing,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID, q.ID
}

// TestApplicationAPI files an evaluation over the JSON API, every
// exchange checked against openapi.json: the clerk creates and submits,
// the department and the bureau approve, and the quota use follows.
func TestApplicationAPI(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		person, _ := applicationFixture(t, env.fixture)
		clerk := env.login(t, "xiangxi", stateHospital)
		unit := env.unitID(stateHospital)
		quotaPath := fmt.Sprintf("/units/%d/application-quota?year=2026", unit)
		in := engine.ApplicationInput{Kind: domain.KindEvaluation, PersonID: person, Year: 2026,
			Series: "工程技术人员", TargetGrade: domain.GradeAssociateSenior, TargetTitle: "高级工程师"}

		var x engine.Application
		clerk.do(t, http.MethodPost, "/applications", in, http.StatusCreated, &x)
		if x.Eligibility == nil || !x.Eligibility.Eligible || x.Person.Name != "周建华" {
			t.Fatalf("created: got %+v", x)
		}
		clerk.do(t, http.MethodPost, "/applications", in, http.StatusConflict, nil)
		bad := in
		bad.TargetTitle = "主任医师"
		clerk.do(t, http.MethodPost, "/applications", bad, http.StatusBadRequest, nil)

		path := fmt.Sprintf("/applications/%d", x.ID)
		clerk.do(t, http.MethodPost, path+"/submit", engine.Action{Version: x.Version}, http.StatusOK, &x)
		if x.Status != domain.StatusInReview || !x.HoldsQuota {
			t.Fatalf("submitted: got %s holds %v", x.Status, x.HoldsQuota)
		}
		// One seat approved, one taken.
		var uses []engine.QuotaUse
		clerk.do(t, http.MethodGet, quotaPath, nil, http.StatusOK, &uses)
		if u := normalUse(uses, domain.GradeAssociateSenior); u.Approved != 1 || u.Used != 1 || u.Left != 0 {
			t.Errorf("quota: got %+v, want 1 approved, 1 used, 0 left", u)
		}

		// The department's home page counts it; the bureau's does not yet.
		for who, want := range map[string]string{healthDept: "1", tenants.DemoBureau: "0"} {
			p := env.forms(t)
			p.login(who)
			_, _, home := p.do(http.MethodGet, "/", nil, nil)
			if !strings.Contains(home, `id="tile-applications-to-review" href="/t/xiangxi/application-reviews"><b>`+want+`</b>`) {
				t.Errorf("%s home page: want %s applications to review", who, want)
			}
		}

		for _, who := range []string{healthDept, tenants.DemoBureau} {
			c := env.login(t, "xiangxi", who)
			var queue []engine.Application
			c.do(t, http.MethodGet, "/application-reviews", nil, http.StatusOK, &queue)
			if len(queue) != 1 || queue[0].ID != x.ID {
				t.Fatalf("%s queue: got %d items, want application %d", who, len(queue), x.ID)
			}
			c.do(t, http.MethodPost, path+"/return", engine.Action{}, http.StatusBadRequest, nil)
			c.do(t, http.MethodPost, path+"/approve", nil, http.StatusOK, &x)
		}
		if x.Status != domain.StatusApproved || len(x.History) != 3 {
			t.Errorf("approved: got %s with %d history entries", x.Status, len(x.History))
		}
		var list []engine.Application
		clerk.do(t, http.MethodGet, "/applications?year=2026&kind=evaluation&status=approved", nil, http.StatusOK, &list)
		if len(list) != 1 || list[0].ID != x.ID {
			t.Errorf("list: got %d applications", len(list))
		}
		clerk.do(t, http.MethodDelete, path, nil, http.StatusConflict, nil)
	})
}

func normalUse(uses []engine.QuotaUse, g domain.Grade) engine.QuotaUse {
	for _, u := range uses {
		if u.Channel == domain.ChannelNormal && u.Grade == g {
			return u
		}
	}
	return engine.QuotaUse{}
}

// quotaCells returns the approved, used and left cells of the
// normal-channel row of a grade in the quota table.
func (b *browser) quotaCells(grade string) (approved, used, left string) {
	b.t.Helper()
	row := `#application-quota tr[data-channel="normal"][data-grade="` + grade + `"]`
	return b.text(row + " td.approved"), b.text(row + " td.used"), b.text(row + " td.left")
}

// TestBrowserApplicationPath files an evaluation through the console: the
// clerk picks the engineer, sees the form filled from his record and the
// conditions with their years, saves and submits; the department and the
// bureau approve; the quota counts follow. A person whose record lacks
// fields shows them with a link to the record.
func TestBrowserApplicationPath(t *testing.T) {
	b := newBrowser(t)
	engineer, incomplete := applicationFixture(t, b.env.fixture)

	b.login(stateHospital)
	b.click("#nav-evaluation", "#application-quota")
	if a, u, l := b.quotaCells("associate_senior"); a != "1" || u != "0" || l != "1" {
		t.Fatalf("before: got approved %s used %s left %s, want 1 0 1", a, u, l)
	}
	b.click("#application-new", "#person-search")
	b.run(chromedp.SendKeys(chromedp.CSS("#person-q"), "周建华"))
	b.click("#person-find", "#person-choices")
	b.click(fmt.Sprintf("#person-choice-%d a", engineer), "#application-form")
	if got := b.text("#application-person"); !strings.Contains(got, "周建华") || !strings.Contains(got, "工程师") ||
		!strings.Contains(got, "本科") {
		t.Errorf("facts: got %q, want the engineer's record", got)
	}
	b.run(
		chromedp.SetValue(chromedp.CSS("#a-series"), "工程技术人员"),
		chromedp.SetValue(chromedp.CSS("#a-grade"), "associate_senior"),
	)
	b.click("#check", "#a-title")
	b.run(chromedp.SetValue(chromedp.CSS("select#a-title"), "高级工程师"))
	b.click("#check", "#eligibility-reasons")
	// Intermediate since 2021-07-01: 5 whole years to 31 December 2026.
	if got := b.text("#eligibility-reasons"); !strings.Contains(got, "取得中级职称 5 年，须满 5 年") {
		t.Errorf("reasons: got %q, want 5 years held of 5", got)
	}
	if got := b.text("#eligibility-verdict"); got != "符合申报条件" {
		t.Errorf("verdict: got %q", got)
	}
	b.screenshot("application-form")
	b.click("#save", "#application-status")
	b.click("#submit", "#application-status")
	if got := b.text("#application-status"); !strings.Contains(got, "审核中") || !strings.Contains(got, "已占用评审职数") {
		t.Errorf("after submit: got %q, want in review holding a seat", got)
	}
	b.click("#nav-evaluation", "#application-quota")
	if a, u, l := b.quotaCells("associate_senior"); a != "1" || u != "1" || l != "0" {
		t.Errorf("after submit: got approved %s used %s left %s, want 1 1 0", a, u, l)
	}
	b.screenshot("applications")
	b.logout()

	for _, who := range []string{healthDept, tenants.DemoBureau} {
		b.login(who)
		b.click("#nav-application-review", "#application-queue")
		b.click("#application-queue tbody a", "#application-status")
		if got := b.text("#eligibility-reasons"); !strings.Contains(got, "须满 5 年") {
			t.Errorf("%s sees reasons %q", who, got)
		}
		b.screenshot("application-review")
		b.click("#approve", "#application-status")
		b.logout()
	}

	b.login(stateHospital)
	b.click("#nav-evaluation", "#applications")
	if got := b.text("#applications"); !strings.Contains(got, "已通过") {
		t.Errorf("clerk's list: got %q, want 已通过", got)
	}
	if a, u, l := b.quotaCells("associate_senior"); a != "1" || u != "1" || l != "0" {
		t.Errorf("after approval: got approved %s used %s left %s, want 1 1 0", a, u, l)
	}

	// The incomplete record: a recognition shows what is missing, with a
	// link to the person's form.
	b.run(chromedp.Navigate(fmt.Sprintf("%s/applications/new?kind=recognition&year=2026&person=%d&series=%s&target_grade=assistant",
		b.base, incomplete, "工程技术人员")))
	b.run(chromedp.WaitVisible(chromedp.CSS("#eligibility-missing")))
	if got := b.text("#eligibility-missing"); !strings.Contains(got, "学历") || !strings.Contains(got, "毕业时间") {
		t.Errorf("missing: got %q, want education and graduation date", got)
	}
	b.click("#edit-person", "#person-form")
}
