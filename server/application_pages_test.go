package server

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestApplicationExceptionalMeritPages has 州人民医院's clerk file an
// exceptional-merit evaluation for 谭红鸿, a doctor with intermediate
// since 2026-02-01 (0 whole years of 2): the API and the page show the
// years not met and waived, not eligible; submission goes through; the
// same expert named twice is refused, over the API and in the form; and
// once the department approves, the history shows the stages.
func TestApplicationExceptionalMeritPages(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		applicationFixture(t, env.fixture)
		e, clerkCtx := env.fixture.Engine, env.fixture.As(t, stateHospital)
		born := time.Date(1990, 3, 8, 0, 0, 0, 0, time.UTC)
		p, err := e.SavePerson(clerkCtx, env.unitID(stateHospital), 0, roster.Record{
			Name: "谭红鸿", IDNumber: validIDNumber(born, 44), Sex: domain.SexFemale, BirthDate: born,
			Education: "11", Degree: "2", GraduationDate: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
			TitleSeries: "工程技术人员", TitleName: "工程师", TitleGrade: domain.GradeIntermediate,
			TitleDate: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), TitleMethod: "recognition",
			Status: domain.PersonServing,
		})
		if err != nil {
			t.Fatal(err)
		}
		in := engine.ApplicationInput{Kind: domain.KindEvaluation, PersonID: p.ID, Year: 2026,
			Series: "工程技术人员", TargetGrade: domain.GradeAssociateSenior, TargetTitle: "高级工程师",
			Exceptional: true, Recommenders: []domain.Recommender{{Name: "张三", Title: "正高级工程师"}, {Name: "张　三 ", Title: "研究员"}}}

		clerk := env.login(t, "xiangxi", stateHospital)
		e1 := clerk.fail(t, http.MethodPost, "/applications", in, http.StatusBadRequest)
		if e1.Code != "application.recommender_duplicate" || !strings.Contains(e1.Message, "张三") {
			t.Errorf("duplicate recommenders: got %s %q", e1.Code, e1.Message)
		}
		in.Recommenders[1].Name = "李四"
		var x engine.Application
		clerk.do(t, http.MethodPost, "/applications", in, http.StatusCreated, &x)
		if c := x.Eligibility; c == nil || c.Eligible || !c.Waived {
			t.Fatalf("created: got %+v, want not eligible and waived", c)
		}

		page := env.forms(t)
		page.login(stateHospital)
		path := fmt.Sprintf("/applications/%d", x.ID)
		_, _, body := page.do(http.MethodGet, path, nil, nil)
		if !strings.Contains(body, "破格申报：年限条件未满足，由评审决定") || strings.Contains(body, "符合申报条件") {
			t.Errorf("headline: want the exceptional-merit verdict, not 符合申报条件:\n%s", section(body, "eligibility"))
		}
		years := regexp.MustCompile(`<li class="unmet waived" data-code="eligibility.held_exceptional"><span class="tag warn">不满足</span> <span class="tag">破格</span> [^<]*</li>`)
		if !years.MatchString(body) {
			t.Errorf("years reason: want not met and marked exceptional merit:\n%s", section(body, "eligibility"))
		}

		// The form refuses the same expert twice, beside the recommenders.
		form := url.Values{"kind": {"evaluation"}, "year": {"2026"}, "person": {itoa(p.ID)}, "op": {"save"},
			"series": {"工程技术人员"}, "target_grade": {"associate_senior"}, "target_title": {"高级工程师"},
			"exceptional": {"on"}, "recommender_name": {"王五", " 王五　"}, "recommender_title": {"研究员", "教授"}}
		status, _, body := page.do(http.MethodPost, path+"/edit", form, nil)
		if status != http.StatusBadRequest || !strings.Contains(body, "“王五”填写了两次") {
			t.Errorf("form with the same expert twice: got %d:\n%s", status, section(body, "application-form"))
		}

		clerk.do(t, http.MethodPost, path+"/submit", engine.Action{Version: x.Version}, http.StatusOK, &x)
		if x.Status != domain.StatusInReview {
			t.Fatalf("submitted: got %s", x.Status)
		}
		env.login(t, "xiangxi", healthDept).do(t, http.MethodPost, path+"/approve", nil, http.StatusOK, &x)
		_, _, body = page.do(http.MethodGet, path, nil, nil)
		if !strings.Contains(body, `<td class="move">待主管部门审核人审核 → 待人社局审核人审核</td>`) {
			t.Errorf("history: want the stages:\n%s", section(body, "history"))
		}
	})
}

// TestDeclarationHistoryStages has the department approve a declaration:
// its history shows which reviewer it waited for and waits for now.
func TestDeclarationHistoryStages(t *testing.T) {
	t.Parallel()
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	clerk := f.As(t, stateHospital)
	d, err := f.Engine.CreateDeclaration(clerk, associateSenior(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.ApproveDeclaration(f.As(t, healthDept), d.ID, engine.Action{}); err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login(stateHospital)
	_, _, body := p.do(http.MethodGet, fmt.Sprintf("/declarations/%d", d.ID), nil, nil)
	for _, want := range []string{
		`<td class="move">草稿 → 待主管部门审核人审核</td>`,
		`<td class="move">待主管部门审核人审核 → 待人社局审核人审核</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("history lacks %s:\n%s", want, section(body, "history"))
		}
	}
}

// TestPersonPageNames has the person page name coded fields: 周建华's
// education 21 is 大学本科毕业; a code no list knows is shown as it is.
func TestPersonPageNames(t *testing.T) {
	t.Parallel()
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	person, _ := applicationFixture(t, f)
	clerk := f.As(t, stateHospital)
	born := time.Date(1988, 9, 1, 0, 0, 0, 0, time.UTC)
	q, err := f.Engine.SavePerson(clerk, env.unitID(stateHospital), 0, roster.Record{
		Name: "彭丽", IDNumber: validIDNumber(born, 42), Sex: domain.SexFemale, BirthDate: born,
		Ethnicity: "15", Political: "13", Education: "14", Degree: "3", Status: domain.PersonServing,
	})
	if err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login(stateHospital)
	_, _, body := p.do(http.MethodGet, fmt.Sprintf("/people/%d", person), nil, nil)
	if !strings.Contains(body, `<dd id="person-education">大学本科毕业</dd>`) {
		t.Errorf("education: want 大学本科毕业:\n%s", section(body, "person"))
	}
	if !strings.Contains(body, "工程师 （中级） 2021年7月1日 评审") {
		t.Errorf("title: want the method by name:\n%s", section(body, "person"))
	}
	_, _, body = p.do(http.MethodGet, fmt.Sprintf("/people/%d", q.ID), nil, nil)
	for _, want := range []string{
		`<dd id="person-ethnicity">土家族</dd>`, `<dd id="person-political">群众</dd>`,
		`<dd id="person-education">硕士研究生毕业</dd>`, `<dd id="person-degree">硕士</dd>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("person page lacks %s:\n%s", want, section(body, "person"))
		}
	}
	v := &view{}
	if got := v.Code("education", "99x"); got != "99x" {
		t.Errorf("unknown code: got %q, want it as it is", got)
	}
}

// TestApplicationFormNoTitle opens the application form for a person with
// a series but no title: the current title reads 无.
func TestApplicationFormNoTitle(t *testing.T) {
	t.Parallel()
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	born := time.Date(1995, 4, 2, 0, 0, 0, 0, time.UTC)
	q, err := f.Engine.SavePerson(f.As(t, stateHospital), env.unitID(stateHospital), 0, roster.Record{
		Name: "龙小燕", IDNumber: validIDNumber(born, 46), Sex: domain.SexFemale, BirthDate: born,
		Education: "21", GraduationDate: time.Date(2018, 7, 1, 0, 0, 0, 0, time.UTC),
		TitleSeries: series, Status: domain.PersonServing,
	})
	if err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login(stateHospital)
	_, _, body := p.do(http.MethodGet, fmt.Sprintf("/applications/new?kind=recognition&year=2026&person=%d", q.ID), nil, nil)
	if !strings.Contains(body, `<dd id="applicant-title">无</dd>`) {
		t.Errorf("current title: want 无:\n%s", section(body, "application-person"))
	}
}

// TestPostPlanLockedReadOnly has the bureau lock 2026: the enterprise's
// clerk then sees the plan's figures with the lock notice and no form,
// inputs or save button, on the page and when a save is refused.
func TestPostPlanLockedReadOnly(t *testing.T) {
	t.Parallel()
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	code := tenants.DemoEnterprises[0].CreditCode
	if _, err := f.Engine.SavePostPlan(f.As(t, code), env.unitID(code), engine.PostPlanInput{Year: 2026,
		Approved: []int{0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.LockPostPlans(f.As(t, tenants.DemoBureau), 2026, true); err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login(code)
	_, _, page := p.do(http.MethodGet, "/postplans?year=2026", nil, nil)
	form := url.Values{"year": {"2026"}, "level_8": {"5"}}
	status, _, refused := p.do(http.MethodPost, "/postplans", form, nil)
	if status != http.StatusConflict {
		t.Errorf("save when locked: got %d, want 409", status)
	}
	for name, body := range map[string]string{"page": page, "refused save": refused} {
		if !strings.Contains(body, `id="plan-locked"`) {
			t.Errorf("%s: no lock notice", name)
		}
		for _, not := range []string{`action="/t/xiangxi/postplans" id="plan-form"`, `id="plan-save"`, `name="level_8"`, `id="plan-note"`} {
			if strings.Contains(body, not) {
				t.Errorf("%s: a locked plan shows %s", name, not)
			}
		}
		if !strings.Contains(body, `<tr data-level="8"><td><label for="level-8">专技8级</label></td>`) ||
			!regexp.MustCompile(`data-level="8">.*?\s*3\s`).MatchString(strings.ReplaceAll(body, "\n", " ")) {
			t.Errorf("%s: level 8 not shown read-only as 3:\n%s", name, section(body, "plan-table"))
		}
	}
}

// section is the part of a page from the element with id onwards, short
// enough for a failure message.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return "(no #" + id + ")"
	}
	return body[i:min(len(body), i+2000)]
}
