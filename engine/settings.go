package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/windowextension"
	"github.com/zhicheng-hr/zhicheng/ent/yearsettings"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// YearSettings are the settings of a tenant for one year as an
// administrator sees them.
type YearSettings struct {
	Year     int             `json:"year"`
	Settings domain.Settings `json:"settings"`
	// Version guards concurrent edits; 0 while the year has no settings of
	// its own and takes the tenant's base settings.
	Version   int        `json:"version"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Settings returns the settings in force for year: the year's own, or the
// tenant's base settings, with the defaults of DOMAIN.md filling what
// neither sets.
func (e *Engine) Settings(ctx context.Context, year int) (YearSettings, error) {
	a, err := e.authorize(ctx, policies.ObjSettings, policies.ActRead)
	if err != nil {
		return YearSettings{}, err
	}
	if err := checkYear(year); err != nil {
		return YearSettings{}, err
	}
	row, set, err := e.yearSettings(ctx, a.TenantID, year)
	if err != nil {
		return YearSettings{}, err
	}
	out := YearSettings{Year: year, Settings: set}
	if row != nil {
		out.Version, out.UpdatedAt = row.Version, &row.UpdatedAt
	}
	return out, nil
}

// UpdateSettings replaces the settings of year. version is the Version the
// administrator read (0 for a year without its own settings); a change made
// in between is a conflict. The change applies to the next action of
// anyone; nothing decided before is checked again. The audit log records
// which parts changed.
func (e *Engine) UpdateSettings(ctx context.Context, year int, s domain.Settings, version int) (YearSettings, error) {
	a, err := e.authorize(ctx, policies.ObjSettings, policies.ActUpdate)
	if err != nil {
		return YearSettings{}, err
	}
	if err := checkYear(year); err != nil {
		return YearSettings{}, err
	}
	s = s.WithDefaults()
	if err := CheckSettings(s); err != nil {
		return YearSettings{}, err
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		row, old, err := e.yearSettingsTx(ctx, tx, a.TenantID, year)
		if err != nil {
			return err
		}
		current := 0
		if row != nil {
			current = row.Version
		}
		if version != current {
			return conflict("settings.changed", nil)
		}
		changed := settingsChanges(old, s)
		if len(changed) == 0 {
			return nil
		}
		if row == nil {
			err = tx.YearSettings.Create().SetTenantID(a.TenantID).SetYear(year).
				SetSettings(s).SetUpdatedBy(a.UserID).Exec(ctx)
		} else {
			var n int
			n, err = tx.YearSettings.Update().
				Where(yearsettings.ID(row.ID), yearsettings.Version(row.Version)).
				SetSettings(s).SetUpdatedBy(a.UserID).AddVersion(1).Save(ctx)
			if err == nil && n == 0 {
				return conflict("settings.changed", nil)
			}
		}
		if err != nil {
			return storageError("save settings", "settings", err)
		}
		return e.audit(ctx, tx, a, "settings.update", fmt.Sprintf("settings:%d", year),
			"changed "+strings.Join(changed, ", "))
	})
	if err != nil {
		return YearSettings{}, err
	}
	return e.Settings(ctx, year)
}

// CheckSettings checks settings as they are, without filling defaults,
// and returns the first that cannot be used as an invalid error whose
// "field" parameter names it as the settings form does.
func CheckSettings(s domain.Settings) error {
	err := s.Validate()
	var se *domain.SettingError
	if errors.As(err, &se) {
		return invalid(se.Code, P(se.Params))
	}
	if err != nil {
		return invalid("settings.invalid", P{"Problem": err.Error()})
	}
	return nil
}

// settingsChanges names the top-level settings that differ between a and b.
func settingsChanges(a, b domain.Settings) []string {
	var am, bm map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &am)
	_ = json.Unmarshal(jb, &bm)
	var out []string
	for k, v := range bm {
		if string(am[k]) != string(v) {
			out = append(out, k)
		}
	}
	for k := range am {
		if _, ok := bm[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// settingsFor returns the settings in force for the tenant in year, for
// the engine's own checks.
func (e *Engine) settingsFor(ctx context.Context, tenantID, year int) (domain.Settings, error) {
	_, s, err := e.yearSettings(ctx, tenantID, year)
	return s, err
}

func (e *Engine) yearSettings(ctx context.Context, tenantID, year int) (*ent.YearSettings, domain.Settings, error) {
	return e.readSettings(system(ctx), e.client.Tenant, e.client.YearSettings, tenantID, year)
}

func (e *Engine) yearSettingsTx(ctx context.Context, tx *ent.Tx, tenantID, year int) (*ent.YearSettings, domain.Settings, error) {
	return e.readSettings(system(ctx), tx.Tenant, tx.YearSettings, tenantID, year)
}

func (e *Engine) readSettings(ctx context.Context, tc *ent.TenantClient, yc *ent.YearSettingsClient,
	tenantID, year int) (*ent.YearSettings, domain.Settings, error) {
	row, err := yc.Query().
		Where(yearsettings.TenantID(tenantID), yearsettings.Year(year)).Only(ctx)
	switch {
	case err == nil:
		return row, row.Settings.WithDefaults(), nil
	case !ent.IsNotFound(err):
		return nil, domain.Settings{}, storageError("read settings", "settings", err)
	}
	t, err := tc.Get(ctx, tenantID)
	if err != nil {
		return nil, domain.Settings{}, storageError("read settings", "tenant", err)
	}
	return nil, t.Settings.WithDefaults(), nil
}

// chinaTime is the time zone of the tenants: UTC+8, no daylight saving.
var chinaTime = time.FixedZone("CST", 8*60*60)

// settings returns the settings in force this year, for what is not tied
// to a year, such as the session idle timeout.
func (e *Engine) settings(ctx context.Context, tenantID int) (domain.Settings, error) {
	return e.settingsFor(ctx, tenantID, e.now().In(chinaTime).Year())
}

// WindowKind names one of a year's windows.
type WindowKind string

// The windows.
const (
	WindowDeclaration WindowKind = "declaration" // quota declarations
	WindowApplication WindowKind = "application" // title applications
)

// Valid reports whether k names a window.
func (k WindowKind) Valid() bool { return k == WindowDeclaration || k == WindowApplication }

func windowOf(s domain.Settings, k WindowKind) domain.Window {
	if k == WindowApplication {
		return s.Windows.Application
	}
	return s.Windows.Declaration
}

// WindowState is how a window stands today for one unit.
type WindowState struct {
	Kind   WindowKind    `json:"kind"`
	Year   int           `json:"year"`
	Window domain.Window `json:"window"`
	// Until is the last day of the unit's extension, if the bureau gave one.
	Until domain.Day `json:"until,omitempty"`
	Open  bool       `json:"open"`
}

// Window returns how window k of year stands today for unit.
func (e *Engine) Window(ctx context.Context, unitID, year int, k WindowKind) (WindowState, error) {
	a, err := e.authorize(ctx, policies.ObjWindow, policies.ActRead)
	if err != nil {
		return WindowState{}, err
	}
	if err := checkYear(year); err != nil {
		return WindowState{}, err
	}
	if !k.Valid() {
		return WindowState{}, invalid("window.unknown", P{"Value": string(k)})
	}
	if _, err := e.client.Unit.Get(ctx, unitID); err != nil {
		return WindowState{}, storageError("read unit", "unit", err)
	}
	return e.windowState(ctx, e.client, a.TenantID, unitID, year, k)
}

func (e *Engine) windowState(ctx context.Context, c *ent.Client, tenantID, unitID, year int, k WindowKind) (WindowState, error) {
	set, err := e.settingsFor(ctx, tenantID, year)
	if err != nil {
		return WindowState{}, err
	}
	w := windowOf(set, k)
	st := WindowState{Kind: k, Year: year, Window: w}
	ext, err := c.WindowExtension.Query().Where(windowextension.UnitID(unitID),
		windowextension.Year(year), windowextension.WindowEQ(windowextension.Window(k))).
		Only(system(ctx))
	switch {
	case err == nil:
		st.Until = ext.Until
	case !ent.IsNotFound(err):
		return WindowState{}, storageError("read window extension", "window", err)
	}
	today := domain.DayOf(e.now())
	st.Open = w.Contains(today) || (st.Until != "" && today <= st.Until &&
		(w.Opens == "" || today >= w.Opens))
	return st, nil
}

// checkWindow refuses an action outside window k of year for unit, naming
// the window's dates.
func (e *Engine) checkWindow(ctx context.Context, c *ent.Client, tenantID, unitID, year int, k WindowKind) error {
	st, err := e.windowState(ctx, c, tenantID, unitID, year, k)
	if err != nil || st.Open {
		return err
	}
	closes := st.Window.Closes
	if st.Until > closes {
		closes = st.Until
	}
	return invalid("window.closed", P{
		"window": string(k), "Year": year,
		"Opens": string(st.Window.Opens), "Closes": string(closes),
	})
}

// ExtendWindow lets one unit act in window k of year up to and including
// until, for reason. A later extension replaces an earlier one. The bureau
// decides it; the audit log records it.
func (e *Engine) ExtendWindow(ctx context.Context, unitID, year int, k WindowKind, until domain.Day, reason string) (WindowState, error) {
	a, err := e.authorize(ctx, policies.ObjWindow, policies.ActExtend)
	if err != nil {
		return WindowState{}, err
	}
	if err := checkYear(year); err != nil {
		return WindowState{}, err
	}
	if !k.Valid() {
		return WindowState{}, invalid("window.unknown", P{"Value": string(k)})
	}
	if !until.Valid() {
		return WindowState{}, invalid("window.until_invalid", P{"Value": string(until)})
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return WindowState{}, invalid("reason.required", nil)
	}
	if today := domain.DayOf(e.now()); until < today {
		return WindowState{}, invalid("window.until_past", P{"Value": string(until), "Today": string(today)})
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		if _, err := tx.Unit.Get(ctx, unitID); err != nil {
			return storageError("read unit", "unit", err)
		}
		err := tx.WindowExtension.Create().SetTenantID(a.TenantID).SetUnitID(unitID).
			SetYear(year).SetWindow(windowextension.Window(k)).SetUntil(until).
			SetReason(reason).SetGrantedBy(a.UserID).
			OnConflictColumns(windowextension.FieldUnitID, windowextension.FieldYear, windowextension.FieldWindow).
			Update(func(u *ent.WindowExtensionUpsert) {
				u.UpdateUntil().UpdateReason().UpdateGrantedBy().UpdateUpdatedAt()
			}).Exec(ctx)
		if err != nil {
			return storageError("extend window", "window", err)
		}
		return e.audit(ctx, tx, a, "window.extend", fmt.Sprintf("unit:%d", unitID),
			fmt.Sprintf("%s window of %d extended to %s", k, year, until))
	})
	if err != nil {
		return WindowState{}, err
	}
	return e.windowState(ctx, e.client, a.TenantID, unitID, year, k)
}

// WindowExtension is one unit's extension of a window.
type WindowExtension struct {
	Unit   UnitRef    `json:"unit"`
	Year   int        `json:"year"`
	Kind   WindowKind `json:"kind"`
	Until  domain.Day `json:"until"`
	Reason string     `json:"reason"`
	At     time.Time  `json:"at"`
}

// WindowExtensions lists the extensions of year's windows that the actor
// may see, latest first.
func (e *Engine) WindowExtensions(ctx context.Context, year int) ([]WindowExtension, error) {
	if _, err := e.authorize(ctx, policies.ObjWindow, policies.ActRead); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	rows, err := e.client.WindowExtension.Query().Where(windowextension.Year(year)).
		WithUnit().Order(ent.Desc(windowextension.FieldUpdatedAt)).All(ctx)
	if err != nil {
		return nil, storageError("list window extensions", "window", err)
	}
	out := make([]WindowExtension, len(rows))
	for i, x := range rows {
		out[i] = WindowExtension{Year: x.Year, Kind: WindowKind(x.Window), Until: x.Until,
			Reason: x.Reason, At: x.UpdatedAt}
		if u := x.Edges.Unit; u != nil {
			out[i].Unit = UnitRef{ID: u.ID, CreditCode: u.CreditCode, Name: u.Name}
		}
	}
	return out, nil
}

// ApprovalChain returns the reviewer roles that approve the items of year,
// in order, as the tenant's settings of that year say.
func (e *Engine) ApprovalChain(ctx context.Context, year int) ([]domain.Role, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActRead)
	if err != nil {
		return nil, err
	}
	s, err := e.settingsFor(ctx, a.TenantID, year)
	if err != nil {
		return nil, err
	}
	return s.ApprovalChain, nil
}
