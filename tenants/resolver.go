package tenants

import (
	"context"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
)

// Resolver finds the tenant of a request by its host name or by the key in
// a /t/{tenant}/ path. It caches the tenant list and reloads it when a name
// is not found (at most once a second), so that a tenant onboarded while
// the server runs is found.
type Resolver struct {
	e *engine.Engine

	mu     sync.RWMutex
	byKey  map[string]engine.Tenant
	byHost map[string]engine.Tenant
	loaded time.Time
}

// reloadEvery limits how often a miss reloads the tenant list.
const reloadEvery = time.Second

// NewResolver returns a resolver over the tenants of e.
func NewResolver(e *engine.Engine) *Resolver { return &Resolver{e: e} }

// ByKey returns the tenant with key.
func (r *Resolver) ByKey(ctx context.Context, key string) (engine.Tenant, bool, error) {
	return r.find(ctx, func() (engine.Tenant, bool) {
		t, ok := r.byKey[key]
		return t, ok
	})
}

// ByHost returns the tenant that serves host (a port is ignored; case
// does not matter).
func (r *Resolver) ByHost(ctx context.Context, host string) (engine.Tenant, bool, error) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return r.find(ctx, func() (engine.Tenant, bool) {
		t, ok := r.byHost[host]
		return t, ok
	})
}

func (r *Resolver) find(ctx context.Context, look func() (engine.Tenant, bool)) (engine.Tenant, bool, error) {
	r.mu.RLock()
	t, ok := look()
	fresh := time.Since(r.loaded) < reloadEvery
	r.mu.RUnlock()
	if ok || fresh {
		return t, ok, nil
	}
	if err := r.Reload(ctx); err != nil {
		return engine.Tenant{}, false, err
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	t, ok = look()
	return t, ok, nil
}

// Reload reads the tenant list again.
func (r *Resolver) Reload(ctx context.Context) error {
	ts, err := r.e.Tenants(ctx)
	if err != nil {
		return err
	}
	byKey := make(map[string]engine.Tenant, len(ts))
	byHost := map[string]engine.Tenant{}
	for _, t := range ts {
		byKey[t.Key] = t
		for _, h := range t.Hosts {
			byHost[strings.ToLower(h)] = t
		}
	}
	r.mu.Lock()
	r.byKey, r.byHost, r.loaded = byKey, byHost, time.Now()
	r.mu.Unlock()
	return nil
}
