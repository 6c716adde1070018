// Package policies holds the authorisation model and the default policy,
// both embedded as data files, and builds a Casbin enforcer from them.
//
// The model is role-based access control with domains, where the domain is
// the tenant key. A request is (role, tenant, object, action). Rules in the
// default policy carry the domain "*" and apply to every tenant; a tenant's
// own additions carry its tenant key and apply to that tenant only.
package policies

import (
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
)

// allTenants is the domain of a rule that applies to every tenant.
const allTenants = "*"

// ErrInvalidTenantPolicy is returned by AddTenantPolicy when the tenant key
// is empty or the all-tenants wildcard, or when the role, object or action
// is empty.
var ErrInvalidTenantPolicy = errors.New("policies: invalid tenant policy")

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Model returns the text of the embedded Casbin model.
func Model() string { return modelText }

// DefaultPolicy returns the text of the embedded default policy, a CSV file
// with one "p, role, domain, object, action" rule per line.
func DefaultPolicy() string { return policyText }

// NewEnforcer returns an enforcer loaded with the embedded model and default
// policy. The enforcer is safe for concurrent use. Call it as
// e.Enforce(role, tenantKey, object, action).
func NewEnforcer() (*casbin.SyncedEnforcer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("parse model: %w", err)
	}
	rules, err := parsePolicy(policyText)
	if err != nil {
		return nil, fmt.Errorf("parse default policy: %w", err)
	}

	e, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("create enforcer: %w", err)
	}
	if _, err := e.AddPolicies(rules); err != nil {
		return nil, fmt.Errorf("load default policy: %w", err)
	}
	return e, nil
}

// AddTenantPolicy grants role the action act on obj within tenant only.
// Granting a rule that is already present is not an error. The grant lives
// in e alone; storing it is the caller's business. It returns
// ErrInvalidTenantPolicy when an argument is empty or tenant is "*".
func AddTenantPolicy(e *casbin.SyncedEnforcer, tenant, role, obj, act string) error {
	if tenant == "" || tenant == allTenants || role == "" || obj == "" || act == "" {
		return fmt.Errorf("add tenant policy %q: %w", tenant, ErrInvalidTenantPolicy)
	}
	if _, err := e.AddPolicy(role, tenant, obj, act); err != nil {
		return fmt.Errorf("add tenant policy %q: %w", tenant, err)
	}
	return nil
}

// parsePolicy reads "p" rules from CSV text, skipping blank lines and lines
// that start with "#", and returns each rule without its "p".
func parsePolicy(text string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = 5
	r.TrimLeadingSpace = true

	records, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	rules := make([][]string, 0, len(records))
	for i, rec := range records {
		if rec[0] != "p" {
			return nil, fmt.Errorf("rule %d: policy type %q, want \"p\"", i+1, rec[0])
		}
		rules = append(rules, rec[1:])
	}
	return rules, nil
}
