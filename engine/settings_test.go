package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/ent/auditevent"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

func TestSettingsChangeAppliesToTheNextAction(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		admin := f.As(t, tenants.DemoAdmin)
		clerk := f.As(t, stateHospital)

		s, err := e.Settings(admin, year)
		if err != nil {
			t.Fatal(err)
		}
		// A year without settings of its own takes the defaults of DOMAIN.md.
		wantChain := []domain.Role{domain.RoleDepartmentReviewer, domain.RoleBureauReviewer}
		if s.Version != 0 || !slices.Equal(s.Settings.ApprovalChain, wantChain) ||
			s.Settings.Special.CapPercent != 3 || s.Settings.Special.RetireDenominator != 2 {
			t.Fatalf("got %+v, want the defaults", s)
		}
		_, err = e.Settings(clerk, year)
		wantKind(t, err, engine.KindPermissionDenied, "")

		// A declaration submitted under the default chain waits for the
		// department.
		first := submitted(t, e, clerk, 1)
		if first.Stage != domain.RoleDepartmentReviewer {
			t.Fatalf("first declaration waits for %s, want the department", first.Stage)
		}

		// The prefecture drops the department step for this year.
		next := s.Settings
		next.ApprovalChain = []domain.Role{domain.RoleBureauReviewer}
		s, err = e.UpdateSettings(admin, year, next, s.Version)
		if err != nil {
			t.Fatal(err)
		}
		if s.Version != 1 || !slices.Equal(s.Settings.ApprovalChain, next.ApprovalChain) {
			t.Fatalf("after update got version %d chain %v", s.Version, s.Settings.ApprovalChain)
		}

		// The next submission goes straight to the bureau; the one already
		// in review keeps its place.
		second := submitted(t, e, clerk, 1)
		if second.Stage != domain.RoleBureauReviewer {
			t.Fatalf("second declaration waits for %s, want the bureau", second.Stage)
		}
		if d, err := e.Declaration(clerk, first.ID); err != nil || d.Stage != domain.RoleDepartmentReviewer {
			t.Fatalf("first declaration now waits for %s (%v), want still the department", d.Stage, err)
		}

		// Pages show the clerk the chain of the declaration's year.
		if chain, err := e.ApprovalChain(clerk, year); err != nil || !slices.Equal(chain, next.ApprovalChain) {
			t.Fatalf("chain for the clerk %v (%v), want %v", chain, err, next.ApprovalChain)
		}

		// The first declaration keeps the chain it was submitted under: the
		// department's approval sends it on to the bureau, not to the end.
		dept := f.As(t, stateHealthWJ)
		d, err := e.ApproveDeclaration(dept, first.ID, engine.Action{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != domain.StatusInReview || d.Stage != domain.RoleBureauReviewer ||
			!slices.Equal(d.Chain, wantChain) {
			t.Fatalf("after the department: %s/%s chain %v, want in review at the bureau under %v",
				d.Status, d.Stage, d.Chain, wantChain)
		}
		if d, err = e.ApproveDeclaration(f.As(t, tenants.DemoBureau), first.ID, engine.Action{}); err != nil ||
			d.Status != domain.StatusApproved {
			t.Fatalf("after the bureau: %s (%v), want approved", d.Status, err)
		}
		// The department has nothing to do with the second.
		_, err = e.ApproveDeclaration(dept, second.ID, engine.Action{})
		wantKind(t, err, engine.KindConflict, "declaration.not_awaiting")

		// Another year keeps the defaults.
		other, err := e.Settings(admin, year+1)
		if err != nil || !slices.Equal(other.Settings.ApprovalChain, wantChain) {
			t.Fatalf("year %d chain %v (%v), want the default", year+1, other.Settings.ApprovalChain, err)
		}

		// The change is in the audit log, naming what changed.
		ev, err := e.Client().AuditEvent.Query().Where(auditevent.Event("settings.update")).Only(admin)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Username != tenants.DemoAdmin || !strings.Contains(ev.Detail, "approval_chain") ||
			strings.Contains(ev.Detail, "windows") {
			t.Fatalf("audit entry %q by %s, want approval_chain changed by admin", ev.Detail, ev.Username)
		}

		// Saving over a version that is no longer current is a conflict.
		_, err = e.UpdateSettings(admin, year, next, 0)
		wantKind(t, err, engine.KindConflict, "settings.changed")

		// Settings that cannot be used are refused and change nothing.
		bad := s.Settings
		bad.ApprovalChain = []domain.Role{domain.RoleUnitClerk}
		_, err = e.UpdateSettings(admin, year, bad, s.Version)
		if e := wantKind(t, err, engine.KindInvalid, "settings.chain_role"); e.Params["field"] != "stage1" || e.Params["role"] != "unit_clerk" {
			t.Fatalf("refusal %v does not name the stage and the role", e.Params)
		}
		bad = s.Settings
		bad.Windows.Application = domain.Window{Opens: "2026-05-01", Closes: "2026-04-30"}
		_, err = e.UpdateSettings(admin, year, bad, s.Version)
		wantKind(t, err, engine.KindInvalid, "settings.window_order")
		if again, _ := e.Settings(admin, year); again.Version != s.Version {
			t.Fatalf("refused changes moved the version to %d", again.Version)
		}

		// A reviewer cannot change settings.
		_, err = e.UpdateSettings(f.As(t, tenants.DemoBureau), year, next, s.Version)
		wantKind(t, err, engine.KindPermissionDenied, "")
	})
}

// submitted files and submits a declaration of n associate senior seats.
func submitted(t *testing.T, e *engine.Engine, clerk context.Context, n int) engine.Declaration {
	t.Helper()
	d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, n)})
	if err != nil {
		t.Fatal(err)
	}
	d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{Version: d.Version})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWindowRefusesWithTheDatesUnlessExtended(t *testing.T) {
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		f := enginetest.Xiangxi(t, b)
		e := f.Engine
		admin := f.As(t, tenants.DemoAdmin)
		clerk := f.As(t, stateHospital)
		bureau := f.As(t, tenants.DemoBureau)
		unitID := f.UnitID(t, stateHospital)

		// A draft made while the window is open.
		draft, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 1)})
		if err != nil {
			t.Fatal(err)
		}

		// The window closed yesterday.
		now := f.Clock.Now()
		opens := domain.DayOf(now.AddDate(0, -1, 0))
		closes := domain.DayOf(now.AddDate(0, 0, -1))
		s, err := e.Settings(admin, year)
		if err != nil {
			t.Fatal(err)
		}
		s.Settings.Windows.Declaration = domain.Window{Opens: opens, Closes: closes}
		if _, err := e.UpdateSettings(admin, year, s.Settings, s.Version); err != nil {
			t.Fatal(err)
		}

		_, err = e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 1)})
		ee := wantKind(t, err, engine.KindInvalid, "window.closed")
		if ee.Params["Opens"] != string(opens) || ee.Params["Closes"] != string(closes) {
			t.Fatalf("refusal names %v–%v, want %s–%s", ee.Params["Opens"], ee.Params["Closes"], opens, closes)
		}
		_, err = e.SubmitDeclaration(clerk, draft.ID, engine.Action{Version: draft.Version})
		wantKind(t, err, engine.KindInvalid, "window.closed")
		if d, _ := e.Declaration(clerk, draft.ID); d.Status != domain.StatusDraft {
			t.Fatalf("refused submission left status %s", d.Status)
		}
		st, err := e.Window(clerk, unitID, year, engine.WindowDeclaration)
		if err != nil || st.Open {
			t.Fatalf("window state %+v (%v), want closed", st, err)
		}

		// Only the bureau extends, and not into the past.
		tomorrow := domain.DayOf(now.AddDate(0, 0, 1))
		_, err = e.ExtendWindow(clerk, unitID, year, engine.WindowDeclaration, tomorrow, "系统故障")
		wantKind(t, err, engine.KindPermissionDenied, "")
		_, err = e.ExtendWindow(bureau, unitID, year, engine.WindowDeclaration, closes, "系统故障")
		wantKind(t, err, engine.KindInvalid, "window.until_past")
		_, err = e.ExtendWindow(bureau, unitID, year, engine.WindowDeclaration, "2026-02-30", "系统故障")
		wantKind(t, err, engine.KindInvalid, "window.until_invalid")
		_, err = e.ExtendWindow(bureau, unitID, year, engine.WindowDeclaration, tomorrow, "  ")
		wantKind(t, err, engine.KindInvalid, "reason.required")

		st, err = e.ExtendWindow(bureau, unitID, year, engine.WindowDeclaration, tomorrow, "系统故障")
		if err != nil || !st.Open || st.Until != tomorrow {
			t.Fatalf("after extension %+v (%v), want open until %s", st, err, tomorrow)
		}
		if _, err := e.SubmitDeclaration(clerk, draft.ID, engine.Action{Version: draft.Version}); err != nil {
			t.Fatalf("submission within the extension: %v", err)
		}

		// The extension is for that unit only, and for that window only.
		other := f.As(t, tcmHospital)
		_, err = e.CreateDeclaration(other, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeIntermediate, 1)})
		wantKind(t, err, engine.KindInvalid, "window.closed")

		// After the extension's last day the unit is refused again, naming
		// the extension's day as the close.
		f.Clock.Advance(2 * 24 * time.Hour)
		_, err = e.CreateDeclaration(clerk, engine.DeclarationInput{Year: year, Lines: lines(domain.GradeAssociateSenior, 1)})
		if ee := wantKind(t, err, engine.KindInvalid, "window.closed"); ee.Params["Closes"] != string(tomorrow) {
			t.Fatalf("refusal names close %v, want the extension's %s", ee.Params["Closes"], tomorrow)
		}

		// The clerk's attempt is logged as denied, the bureau's grant as done.
		evs, err := e.Client().AuditEvent.Query().Where(auditevent.Event("window.extend")).
			Order(auditevent.ByID()).All(admin)
		if err != nil || len(evs) != 2 || evs[0].Result == "ok" || evs[1].Result != "ok" ||
			evs[1].Username != tenants.DemoBureau || !strings.Contains(evs[1].Detail, string(tomorrow)) {
			t.Fatalf("window.extend audit entries %+v (%v), want the clerk denied and the bureau's grant", evs, err)
		}
	})
}
