package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/syncbinding"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// PluginHost runs the sync plugins of the server's plugin folder by name.
// A tenant binds one of them; nobody can make the server run a file
// outside the folder.
type PluginHost interface {
	// Plugins lists the names of the plugins in the folder.
	Plugins() ([]string, error)
	// Start starts plugin name with a configuration. Errors wrap
	// ErrPluginStart; those of the returned connection's calls wrap
	// ErrPluginExited, ErrPluginTimeout or ErrPluginFailed.
	Start(ctx context.Context, name string, config map[string]string) (PluginConn, error)
}

// PluginConn is a running sync plugin.
type PluginConn interface {
	contract.Source
	// Check is the plugin's own test of its connection.
	Check(ctx context.Context) error
	// Close stops the plugin.
	Close() error
}

// SyncBinding is a tenant's sync plugin and its configuration as the
// administrator sees it: secret values are never shown, only whether they
// are set.
type SyncBinding struct {
	Plugin    string        `json:"plugin"`
	Settings  []SettingView `json:"settings"`
	UpdatedAt *time.Time    `json:"updated_at,omitempty"`
}

// SettingView is one key of a binding's configuration.
type SettingView struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"` // empty for a secret
	Secret bool   `json:"secret"`
	Set    bool   `json:"set"` // whether a secret has a value
}

// SyncBindingInput changes a tenant's binding. Settings replace the
// configuration: a key left out is removed, and a secret key given with
// an empty value keeps the value it had.
type SyncBindingInput struct {
	Plugin   string         `json:"plugin"`
	Settings []SettingInput `json:"settings"`
}

// SettingInput is one key of a binding's configuration. A key whose name
// says it holds a secret (password, dsn, token, secret, credential, key)
// is secret whether or not Secret is set.
type SettingInput struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
}

// SyncCheck is the outcome of testing a binding's connection.
type SyncCheck struct {
	OK          bool   `json:"ok"`
	Plugin      string `json:"plugin"`
	Departments int    `json:"departments"` // what the source has, when OK
	// Failure says why the test failed, in the catalog's words.
	Failure *Error `json:"-"`
}

// settingKey is the form of a configuration key.
var settingKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// maxSettingValue bounds a configuration value (a mapping may be inline
// JSON).
const maxSettingValue = 64 << 10

// secretKey reports whether a key's name says it holds a secret.
func secretKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range []string{"password", "passwd", "pwd", "secret", "token", "dsn", "credential"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return k == "key" || strings.HasSuffix(k, "_key") || strings.HasSuffix(k, "-key")
}

// SyncPlugins lists the plugins a tenant may bind: the executables of the
// server's plugin folder.
func (e *Engine) SyncPlugins(ctx context.Context, tenantID int) ([]string, error) {
	if _, err := e.authorizeTenant(ctx, tenantID, policies.ObjSyncBinding, policies.ActRead); err != nil {
		return nil, err
	}
	if e.plugins == nil {
		return nil, nil
	}
	names, err := e.plugins.Plugins()
	if err != nil {
		return nil, internal("list sync plugins", err)
	}
	return names, nil
}

// SyncBinding returns the tenant's binding; not found when it has none.
func (e *Engine) SyncBinding(ctx context.Context, tenantID int) (SyncBinding, error) {
	if _, err := e.authorizeTenant(ctx, tenantID, policies.ObjSyncBinding, policies.ActRead); err != nil {
		return SyncBinding{}, err
	}
	b, err := e.binding(ctx, tenantID)
	if err != nil {
		return SyncBinding{}, err
	}
	return bindingOf(b), nil
}

func bindingOf(b *ent.SyncBinding) SyncBinding {
	out := SyncBinding{Plugin: b.Plugin, UpdatedAt: &b.UpdatedAt, Settings: []SettingView{}}
	for _, s := range b.Settings {
		v := SettingView{Key: s.Key, Secret: s.Secret, Set: s.Secret && len(s.Sealed) > 0}
		if !s.Secret {
			v.Value = s.Value
		}
		out.Settings = append(out.Settings, v)
	}
	return out
}

// binding reads the tenant's binding as trusted code.
func (e *Engine) binding(ctx context.Context, tenantID int) (*ent.SyncBinding, error) {
	b, err := e.client.SyncBinding.Query().Where(syncbinding.TenantID(tenantID)).Only(system(ctx))
	if ent.IsNotFound(err) {
		return nil, errorf(KindNotFound, "sync.not_bound", nil)
	}
	if err != nil {
		return nil, internal("read sync binding", err)
	}
	return b, nil
}

// SetSyncBinding binds a plugin of the plugin folder to the tenant with a
// configuration. Secret values are sealed with the data key; a file path
// in the configuration must lie in the tenant's sync data folder. The
// change is audited by key names, never values.
func (e *Engine) SetSyncBinding(ctx context.Context, tenantID int, in SyncBindingInput) (SyncBinding, error) {
	a, err := e.authorizeTenant(ctx, tenantID, policies.ObjSyncBinding, policies.ActUpdate)
	if err != nil {
		return SyncBinding{}, err
	}
	a.TenantID = tenantID
	if err := e.knownPlugin(in.Plugin); err != nil {
		return SyncBinding{}, err
	}
	t, err := e.client.Tenant.Get(system(ctx), tenantID)
	if err != nil {
		return SyncBinding{}, storageError("read tenant", "tenant", err)
	}
	sys := system(ctx)
	var saved *ent.SyncBinding
	err = e.inTx(sys, func(tx *ent.Tx) error {
		old, err := tx.SyncBinding.Query().Where(syncbinding.TenantID(tenantID)).Only(sys)
		if err != nil && !ent.IsNotFound(err) {
			return internal("read sync binding", err)
		}
		settings, err := e.mergeSettings(t.Key, old, in.Settings)
		if err != nil {
			return err
		}
		if old == nil {
			saved, err = tx.SyncBinding.Create().SetTenantID(tenantID).SetPlugin(in.Plugin).
				SetSettings(settings).Save(sys)
		} else {
			saved, err = old.Update().SetPlugin(in.Plugin).SetSettings(settings).Save(sys)
		}
		if err != nil {
			return storageError("save sync binding", "sync_binding", err)
		}
		return e.audit(sys, tx, a, "sync_binding.update", in.Plugin, settingNames(settings))
	})
	if err != nil {
		return SyncBinding{}, err
	}
	return bindingOf(saved), nil
}

// knownPlugin checks that name is a plugin of the folder.
func (e *Engine) knownPlugin(name string) error {
	if e.plugins == nil {
		return invalid("sync.no_plugins", nil)
	}
	names, err := e.plugins.Plugins()
	if err != nil {
		return internal("list sync plugins", err)
	}
	if !slices.Contains(names, name) {
		return invalid("sync.plugin_unknown", P{"name": name})
	}
	return nil
}

// mergeSettings checks the settings typed and seals the secrets, keeping
// a secret's old value where none was typed.
func (e *Engine) mergeSettings(tenantKey string, old *ent.SyncBinding, in []SettingInput) ([]domain.SyncSetting, error) {
	before := map[string]domain.SyncSetting{}
	if old != nil {
		for _, s := range old.Settings {
			before[s.Key] = s
		}
	}
	plain := map[string]string{}
	for _, s := range in {
		if !s.Secret && !secretKey(s.Key) {
			plain[s.Key] = s.Value
		}
	}
	out := []domain.SyncSetting{}
	seen := map[string]bool{}
	for _, s := range in {
		s.Key = strings.TrimSpace(s.Key)
		switch {
		case !settingKey.MatchString(s.Key):
			return nil, invalid("sync.setting_key", P{"key": s.Key})
		case seen[s.Key]:
			return nil, invalid("sync.setting_duplicate", P{"key": s.Key})
		case len(s.Value) > maxSettingValue:
			return nil, invalid("sync.setting_value", P{"key": s.Key})
		}
		seen[s.Key] = true
		prev, had := before[s.Key]
		secret := s.Secret || secretKey(s.Key) || (had && prev.Secret)
		if secret && s.Value == "" {
			if had && prev.Secret && len(prev.Sealed) > 0 {
				out = append(out, prev)
			}
			continue
		}
		if s.Value == "" {
			continue
		}
		if pathSetting(s.Key, s.Value, plain) {
			if _, err := e.confine(tenantKey, s.Key, s.Value); err != nil {
				return nil, err
			}
		}
		if secret {
			out = append(out, domain.SyncSetting{Key: s.Key, Secret: true, Sealed: e.seal.seal(s.Value)})
		} else {
			out = append(out, domain.SyncSetting{Key: s.Key, Value: s.Value})
		}
	}
	return out, nil
}

// settingNames lists a configuration's keys for the audit log, secrets
// marked, values never.
func settingNames(settings []domain.SyncSetting) string {
	var names []string
	for _, s := range settings {
		if s.Secret {
			names = append(names, s.Key+" (secret)")
		} else {
			names = append(names, s.Key)
		}
	}
	return clip(strings.Join(names, ", "), 500)
}

// pathSetting reports whether a setting names a file: the reference
// plugin's mapping when not inline JSON, its dsn when the driver is
// sqlite, and any key whose name ends in path, file or dir.
func pathSetting(key, value string, plain map[string]string) bool {
	k := strings.ToLower(key)
	switch {
	case k == "mapping":
		return !strings.HasPrefix(strings.TrimSpace(value), "{")
	case k == "dsn":
		return plain["driver"] == "sqlite"
	}
	for _, suffix := range []string{"path", "file", "dir"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

// confine resolves a file a tenant's configuration names inside the
// tenant's sync data folder, <SyncDataDir>/<tenant key>, and refuses any
// other: a hosted tenant must not make a plugin read the server's files.
// A relative path is taken from that folder.
func (e *Engine) confine(tenantKey, key, value string) (string, error) {
	if e.syncDataDir == "" {
		return "", invalid("sync.path_not_allowed", P{"key": key})
	}
	dir, err := filepath.Abs(filepath.Join(e.syncDataDir, tenantKey))
	if err != nil {
		return "", internal("resolve sync data folder", err)
	}
	path := value
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	path = filepath.Clean(path)
	if !inside(dir, path) {
		return "", invalid("sync.path_outside", P{"key": key})
	}
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", invalid("sync.path_missing", P{"key": key})
	}
	if err != nil {
		return "", invalid("sync.path_outside", P{"key": key})
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil || !inside(realDir, real) {
		return "", invalid("sync.path_outside", P{"key": key})
	}
	return real, nil
}

// inside reports whether path lies below dir.
func inside(dir, path string) bool {
	return strings.HasPrefix(path, dir+string(filepath.Separator))
}

// pluginConfig opens a binding's configuration for its plugin: secrets
// unsealed, file paths confined and made absolute.
func (e *Engine) pluginConfig(tenantKey string, b *ent.SyncBinding) (map[string]string, error) {
	config := map[string]string{}
	for _, s := range b.Settings {
		v := s.Value
		if s.Secret {
			var err error
			if v, err = e.seal.open(s.Sealed); err != nil {
				return nil, internal("open sync setting", err)
			}
		}
		config[s.Key] = v
	}
	plain := map[string]string{}
	for _, s := range b.Settings {
		if !s.Secret {
			plain[s.Key] = s.Value
		}
	}
	for k, v := range config {
		if !pathSetting(k, v, plain) {
			continue
		}
		path, err := e.confine(tenantKey, k, v)
		if err != nil {
			return nil, err
		}
		config[k] = path
	}
	return config, nil
}

// startPlugin starts a tenant's bound plugin with its configuration.
func (e *Engine) startPlugin(ctx context.Context, tenantID int, b *ent.SyncBinding) (PluginConn, error) {
	if err := e.knownPlugin(b.Plugin); err != nil {
		return nil, err
	}
	t, err := e.client.Tenant.Get(system(ctx), tenantID)
	if err != nil {
		return nil, storageError("read tenant", "tenant", err)
	}
	config, err := e.pluginConfig(t.Key, b)
	if err != nil {
		return nil, err
	}
	conn, err := e.plugins.Start(ctx, b.Plugin, config)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", b.Plugin, err)
	}
	e.log.Info("sync plugin started", "tenant", t.Key, "op", "sync", "plugin", b.Plugin)
	return conn, nil
}

// TestSyncBinding starts the tenant's plugin, asks it to check its
// connection and to list the departments, and stops it. A failure of the
// plugin is the outcome, not an error: it is in SyncCheck.Failure.
func (e *Engine) TestSyncBinding(ctx context.Context, tenantID int) (SyncCheck, error) {
	if _, err := e.authorizeTenant(ctx, tenantID, policies.ObjSyncBinding, policies.ActUpdate); err != nil {
		return SyncCheck{}, err
	}
	b, err := e.binding(ctx, tenantID)
	if err != nil {
		return SyncCheck{}, err
	}
	check := SyncCheck{Plugin: b.Plugin}
	fail := func(err error) (SyncCheck, error) {
		var ee *Error
		switch f := syncFailure(err); {
		case f.Code == string(KindInternal):
			return SyncCheck{}, err
		case errors.As(err, &ee):
			check.Failure = ee
		default:
			check.Failure = &Error{Kind: KindInvalid, Code: f.Code, Params: P{"detail": f.Detail}}
		}
		return check, nil
	}
	conn, err := e.startPlugin(ctx, tenantID, b)
	if err != nil {
		return fail(err)
	}
	defer conn.Close()
	if err := conn.Check(ctx); err != nil {
		return fail(err)
	}
	depts, err := conn.Departments(ctx)
	if err != nil {
		return fail(err)
	}
	check.OK, check.Departments = true, len(depts)
	return check, nil
}
