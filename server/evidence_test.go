package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// TestConsoleEvidenceKept: 吉首市人民医院 submits a retire-more seat on its
// two associate-senior departures, 谭芳 (retired 2025-04-01) and 舒亚
// (retired 2025-02-01); 舒亚 is then set back to serving. The clerk's
// declaration page and the department reviewer's page still show her as
// retired, as she stood at submission.
func TestConsoleEvidenceKept(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	const jishou = "12433101401375276K"
	clerk := f.As(t, jishou)
	d, err := f.Engine.CreateDeclaration(clerk, engine.DeclarationInput{Year: 2026, Lines: []engine.Line{{
		Channel: domain.ChannelRetireMore, Grade: domain.GradeAssociateSenior, Series: "卫生技术人员",
		Count: 1, Reason: "退二进一",
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
		t.Fatal(err)
	}
	shuya, err := f.Engine.Client().Person.Query().
		Where(person.UnitID(f.UnitID(t, jishou)), person.Name("舒亚")).Only(clerk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.SetPersonStatus(clerk, shuya.ID, domain.PersonServing, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{jishou, "433101-WJJ"} {
		p := env.forms(t)
		p.login(user)
		status, _, body := p.do(http.MethodGet, fmt.Sprintf("/declarations/%d", d.ID), nil, nil)
		if status != http.StatusOK {
			t.Fatalf("%s: got %d", user, status)
		}
		if !strings.Contains(body, "舒亚（退休 2025年2月1日）") || !strings.Contains(body, "谭芳（退休 2025年4月1日）") {
			t.Errorf("%s: the page does not show the evidence kept at submission", user)
		}
	}
}

// lockedSource is the sample export with 州人民医院's level 5 raised by one.
type lockedSource struct{ contract.Source }

func (s lockedSource) Posts(ctx context.Context, year int, code string) ([]contract.Post, error) {
	ps, err := s.Source.Posts(ctx, year, code)
	for i := range ps {
		if ps[i].UnitCode == "124331004000453123" && ps[i].Category == "2" && ps[i].Level == 5 {
			ps[i].Approved++
		}
	}
	return ps, err
}

// TestConsoleSyncRefusalMessage: a sync after the bureau locked 2026's
// post plans shows, on the run's page, why the hospital's rows were
// refused, in the catalog's words with the lock's day.
func TestConsoleSyncRefusalMessage(t *testing.T) {
	env := newEnv(t, enginetest.Backends(t)[0])
	f := env.fixture
	st, err := f.Engine.LockPostPlans(f.As(t, tenants.DemoBureau), 2026, true)
	if err != nil {
		t.Fatal(err)
	}
	src := lockedSource{openSampleSource(t)}
	run, err := f.Engine.SyncFrom(f.As(t, tenants.DemoAdmin), f.Tenant.ID, src,
		engine.SyncRequest{Year: 2026}, engine.SyncOptions{Plugin: "test"})
	if err != nil {
		t.Fatal(err)
	}
	p := env.forms(t)
	p.login(tenants.DemoAdmin)
	_, _, body := p.do(http.MethodGet, fmt.Sprintf("/sync/runs/%d", run.ID), nil, nil)
	on := st.LockedAt.In(time.FixedZone("CST", 8*3600))
	want := fmt.Sprintf("2026 年度的岗位职数设置已由人社局于 %s 锁定，本次同步未更新该单位的核准职数", on.Format(time.DateOnly))
	if !strings.Contains(body, want) {
		t.Errorf("the run's page does not say %q", want)
	}
}

// openSampleSource opens the sample export as a source in this process.
func openSampleSource(t *testing.T) contract.Source {
	t.Helper()
	path, err := sample.WriteSQLite(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlsource.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
