package engine

import (
	"context"
	"strings"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/tenant"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// Tenant is a prefecture hosted by the server.
type Tenant struct {
	ID       int               `json:"id"`
	Key      string            `json:"key"`
	Name     string            `json:"name"`
	Region   domain.RegionCode `json:"region"`
	Hosts    []string          `json:"hosts,omitempty"`
	Settings domain.Settings   `json:"settings"`
}

// TenantSpec describes a tenant to create.
type TenantSpec struct {
	Key     string // lower-case letters, digits and dashes, e.g. "xiangxi"
	Name    string
	Region  domain.RegionCode // the prefecture's GB/T 2260 code
	Hosts   []string
	Regions []RegionSpec // the prefecture and its counties
}

// RegionSpec names a region of a tenant.
type RegionSpec struct {
	Code domain.RegionCode
	Name string
}

// OperatorContext returns a context acting as the platform operator, who
// onboards tenants: creates them, their first users and their first sync.
// It is meant for command-line tools run by whoever holds the database
// credentials.
func OperatorContext(ctx context.Context, name string) context.Context {
	return domain.WithActor(ctx, domain.Actor{Username: name, Role: domain.RolePlatformOperator})
}

// CreateTenant creates a tenant and its regions. Only a platform operator
// may do it.
func (e *Engine) CreateTenant(ctx context.Context, spec TenantSpec) (Tenant, error) {
	if _, err := e.authorize(ctx, policies.ObjTenant, policies.ActCreate); err != nil {
		return Tenant{}, err
	}
	if err := spec.validate(); err != nil {
		return Tenant{}, err
	}
	var t *ent.Tenant
	sys := system(ctx)
	err := e.inTx(sys, func(tx *ent.Tx) error {
		var err error
		t, err = tx.Tenant.Create().
			SetKey(spec.Key).SetName(spec.Name).SetRegionCode(spec.Region).
			SetHosts(spec.Hosts).SetSettings(domain.DefaultSettings()).
			Save(sys)
		if err != nil {
			return storageError("create tenant", "tenant", err)
		}
		for _, r := range spec.Regions {
			err := tx.Region.Create().SetTenantID(t.ID).SetCode(r.Code).SetName(r.Name).Exec(sys)
			if err != nil {
				return storageError("create region", "region", err)
			}
		}
		return nil
	})
	if err != nil {
		return Tenant{}, err
	}
	e.log.Info("tenant created", "tenant", t.Key)
	return tenantOf(t), nil
}

func (s TenantSpec) validate() error {
	if s.Key == "" || len(s.Key) > 32 || strings.Trim(s.Key, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return invalid("tenant.key", P{"key": s.Key})
	}
	if strings.TrimSpace(s.Name) == "" {
		return invalid("tenant.name", nil)
	}
	if _, err := domain.ParseRegionCode(string(s.Region)); err != nil || !s.Region.IsPrefecture() {
		return invalid("tenant.region", P{"region": s.Region})
	}
	for _, r := range s.Regions {
		if !s.Region.Contains(r.Code) || r.Name == "" {
			return invalid("tenant.region", P{"region": r.Code})
		}
	}
	return nil
}

// Tenants lists every tenant, for routing requests. It needs no actor: a
// tenant's name and hosts are public.
func (e *Engine) Tenants(ctx context.Context) ([]Tenant, error) {
	ts, err := e.client.Tenant.Query().Order(ent.Asc(tenant.FieldID)).All(system(ctx))
	if err != nil {
		return nil, internal("list tenants", err)
	}
	out := make([]Tenant, len(ts))
	for i, t := range ts {
		out[i] = tenantOf(t)
	}
	return out, nil
}

// TenantByKey returns the tenant with the given key.
func (e *Engine) TenantByKey(ctx context.Context, key string) (Tenant, error) {
	t, err := e.client.Tenant.Query().Where(tenant.Key(key)).Only(system(ctx))
	if err != nil {
		return Tenant{}, storageError("find tenant", "tenant", err)
	}
	return tenantOf(t), nil
}

func tenantOf(t *ent.Tenant) Tenant {
	return Tenant{
		ID: t.ID, Key: t.Key, Name: t.Name, Region: t.RegionCode,
		Hosts: t.Hosts, Settings: t.Settings.WithDefaults(),
	}
}

// authorizeTenant authorises an onboarding action in a tenant: a platform
// operator may do it in any tenant, anyone else only in their own and only
// where their role allows.
func (e *Engine) authorizeTenant(ctx context.Context, tenantID int, obj, act string) (domain.Actor, error) {
	a, err := actor(ctx)
	if err != nil || a.Role == domain.RolePlatformOperator {
		return a, err
	}
	if a, err = e.authorize(ctx, obj, act); err != nil {
		return a, err
	}
	if a.TenantID != tenantID {
		return a, notFound("tenant")
	}
	return a, nil
}
