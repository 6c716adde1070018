package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// changedPosts is the sample export with some approved posts changed:
// unit credit code → post level → approved.
type changedPosts struct {
	contract.Source
	change map[string]map[int]int
}

func (s changedPosts) Posts(ctx context.Context, year int, code string) ([]contract.Post, error) {
	ps, err := s.Source.Posts(ctx, year, code)
	if err != nil {
		return nil, err
	}
	out := make([]contract.Post, len(ps))
	for i, p := range ps {
		if n, ok := s.change[p.UnitCode][p.Level]; ok && p.Category == "2" {
			p.Approved = n
		}
		out[i] = p
	}
	return out, nil
}

// refusalsOf returns the stored refusals of a run with code.
func refusalsOf(t *testing.T, e *engine.Engine, ctx context.Context, runID int, code string) []engine.Refusal {
	t.Helper()
	run, err := e.SyncRunDetail(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	var out []engine.Refusal
	for _, r := range run.Refusals {
		if r.Code == code {
			out = append(out, r)
		}
	}
	return out
}

// TestSyncKeepsLockedPlan: the bureau locks the 2026 post plans; the
// institution system then raises 州人民医院's level 5 from 27 to 28. The
// clerk's 获取事业系统岗位数据 and a whole-tenant sync keep the locked plan
// and refuse the hospital's post rows, one per level of its plan: the
// export gives all 13 levels (level 1 with 0 posts), 13 rows. The other units' plans do
// not change, so nothing of theirs is refused. Once unlocked, the sync
// updates the one row.
func TestSyncKeepsLockedPlan(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		admin := f.As(t, tenants.DemoAdmin)
		unitID := f.UnitID(t, stateHospital)
		bureau := f.As(t, tenants.DemoBureau)
		lock, err := e.LockPostPlans(bureau, year, true)
		if err != nil {
			t.Fatal(err)
		}
		src := changedPosts{Source: openSample(t), change: map[string]map[int]int{stateHospital: {5: 28}}}
		opts := engine.SyncOptions{Plugin: "test"}

		unitRun, err := e.SyncFrom(clerk, f.Tenant.ID, src,
			engine.SyncRequest{UnitID: unitID, Part: engine.SyncPosts, Year: year}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := (engine.SyncCounts{Refused: 13}); unitRun.Counts.Posts != want {
			t.Errorf("unit sync posts: got %+v, want %+v", unitRun.Counts.Posts, want)
		}
		tenantRun, err := e.SyncFrom(admin, f.Tenant.ID, src, engine.SyncRequest{Year: year}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if p := tenantRun.Counts.Posts; p.Refused != 13 || p.Updated != 0 || p.Created != 0 || p.Removed != 0 {
			t.Errorf("tenant sync posts: got %+v, want 13 refused and nothing changed", p)
		}
		p, err := e.PostPlan(clerk, unitID, year)
		if err != nil {
			t.Fatal(err)
		}
		if p.Level(5).Approved != 27 {
			t.Errorf("locked plan: level 5 got %d, want 27", p.Level(5).Approved)
		}
		on := string(domain.DayOf(*lock.LockedAt))
		for _, id := range []int{unitRun.ID, tenantRun.ID} {
			rs := refusalsOf(t, e, admin, id, "sync.posts_locked")
			if len(rs) != 13 {
				t.Fatalf("run %d: got %d refusals sync.posts_locked, want 13", id, len(rs))
			}
			r := rs[4] // levels 1, 2, 3, 4, 5
			if r.Key != fmt.Sprintf("%s/%d/5", stateHospital, year) || r.Kind != "post" ||
				fmt.Sprint(r.Params["year"]) != "2026" || r.Params["on"] != on {
				t.Errorf("run %d: got refusal %+v, want level 5 with year 2026 and the lock's day %s", id, r, on)
			}
		}

		if _, err := e.LockPostPlans(bureau, year, false); err != nil {
			t.Fatal(err)
		}
		run, err := e.SyncFrom(clerk, f.Tenant.ID, src,
			engine.SyncRequest{UnitID: unitID, Part: engine.SyncPosts, Year: year}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := (engine.SyncCounts{Updated: 1, Unchanged: 12}); run.Counts.Posts != want {
			t.Errorf("after unlock: got %+v, want %+v", run.Counts.Posts, want)
		}
		if p, _ := e.PostPlan(clerk, unitID, year); p.Level(5).Approved != 28 {
			t.Errorf("after unlock: level 5 got %d, want 28", p.Level(5).Approved)
		}
	})
}

// TestSyncPlanBelowReserved: 州人民医院's full senior grade has 13
// approved posts (levels 2–4: 2, 5, 6) and 12 occupied; a submitted
// declaration reserves the one vacant seat. The institution system lowers
// level 4 to 5: 12 approved − 12 occupied = 0 < 1 reserved, so the
// hospital keeps its plan with the refusal of the hand-entered plan,
// while 吉首市人民医院's change (level 5: 1 → 2, see vacancy_test.go) in the
// same run is applied.
func TestSyncPlanBelowReserved(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		clerk := f.As(t, stateHospital)
		admin := f.As(t, tenants.DemoAdmin)
		unitID := f.UnitID(t, stateHospital)
		d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeFullSenior, 1)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.SubmitDeclaration(clerk, d.ID, engine.Action{}); err != nil {
			t.Fatal(err)
		}
		jishou := f.As(t, jishouHospital)
		jishouID := f.UnitID(t, jishouHospital)
		before, err := e.PostPlan(jishou, jishouID, year)
		if err != nil {
			t.Fatal(err)
		}
		raised := before.Level(5).Approved + 1
		src := changedPosts{Source: openSample(t), change: map[string]map[int]int{
			stateHospital: {4: 5}, jishouHospital: {5: raised},
		}}
		run, err := e.SyncFrom(admin, f.Tenant.ID, src, engine.SyncRequest{Year: year}, engine.SyncOptions{Plugin: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if p := run.Counts.Posts; p.Refused != 13 || p.Updated != 1 {
			t.Errorf("posts: got %+v, want 13 refused (the hospital's levels 1–13) and 1 updated", p)
		}
		rs := refusalsOf(t, e, admin, run.ID, "postplan.below_reserved")
		if len(rs) != 13 {
			t.Fatalf("got %d refusals postplan.below_reserved, want 13", len(rs))
		}
		want := map[string]string{"grade": "full_senior", "approved": "12", "occupied": "12", "reserved": "1"}
		for k, v := range want {
			if got := fmt.Sprint(rs[0].Params[k]); got != v {
				t.Errorf("param %s: got %s, want %s", k, got, v)
			}
		}
		if p, _ := e.PostPlan(clerk, unitID, year); p.Level(4).Approved != 6 {
			t.Errorf("refused plan: level 4 got %d, want 6", p.Level(4).Approved)
		}
		assertReserved(t, e, clerk, unitID, domain.GradeFullSenior, 1, 0)
		if p, _ := e.PostPlan(jishou, jishouID, year); p.Level(5).Approved != raised {
			t.Errorf("吉首市人民医院 level 5: got %d, want %d", p.Level(5).Approved, raised)
		}
	})
}
