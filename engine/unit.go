package engine

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/department"
	"github.com/zhicheng-hr/zhicheng/ent/region"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// UnitRef identifies a unit in answers.
type UnitRef struct {
	ID         int               `json:"id"`
	CreditCode domain.CreditCode `json:"credit_code"`
	Name       string            `json:"name"`
}

func unitRef(u *ent.Unit) UnitRef {
	return UnitRef{ID: u.ID, CreditCode: u.CreditCode, Name: u.Name}
}

// Unit is a unit's basic information.
type Unit struct {
	UnitRef
	Kind           domain.UnitKind   `json:"kind"`
	Funding        string            `json:"funding,omitempty"`
	Sector         string            `json:"sector,omitempty"`
	Region         domain.RegionCode `json:"region"`
	RegionName     string            `json:"region_name,omitempty"`
	DepartmentID   int               `json:"department_id"`
	DepartmentName string            `json:"department_name"`
	ContactName    string            `json:"contact_name,omitempty"`
	ContactPhone   string            `json:"contact_phone,omitempty"`
	Address        string            `json:"address,omitempty"`
	// UsesInstitutionSystem tells units synchronised from the institution
	// system from those that enter their data here.
	UsesInstitutionSystem bool `json:"uses_institution_system"`
}

func unitOf(u *ent.Unit) Unit {
	out := Unit{
		UnitRef: unitRef(u), Kind: u.Kind, Funding: u.Funding, Sector: u.Sector,
		Region: u.RegionCode, DepartmentID: u.DepartmentID, ContactName: u.ContactName,
		ContactPhone: u.ContactPhone, Address: u.Address,
		UsesInstitutionSystem: u.UsesInstitutionSystem,
	}
	if u.Edges.Department != nil {
		out.DepartmentName = u.Edges.Department.Name
	}
	return out
}

// Units lists the units in the actor's charge, by name.
func (e *Engine) Units(ctx context.Context) ([]Unit, error) {
	if _, err := e.authorize(ctx, policies.ObjUnit, policies.ActRead); err != nil {
		return nil, err
	}
	us, err := e.client.Unit.Query().WithDepartment().Order(ent.Asc(unit.FieldName)).All(ctx)
	if err != nil {
		return nil, storageError("list units", "unit", err)
	}
	names, err := e.regionNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Unit, len(us))
	for i, u := range us {
		out[i] = unitOf(u)
		out[i].RegionName = names[u.RegionCode]
		// Lists show phone numbers masked (DOMAIN.md §9); a unit's own page
		// shows it whole.
		if out[i].ContactPhone != "" {
			out[i].ContactPhone = maskMobile(out[i].ContactPhone)
		}
	}
	return out, nil
}

// Unit returns a unit in the actor's charge.
func (e *Engine) Unit(ctx context.Context, id int) (Unit, error) {
	if _, err := e.authorize(ctx, policies.ObjUnit, policies.ActRead); err != nil {
		return Unit{}, err
	}
	u, err := e.client.Unit.Query().Where(unit.ID(id)).WithDepartment().Only(ctx)
	if err != nil {
		return Unit{}, storageError("read unit", "unit", err)
	}
	names, err := e.regionNames(ctx)
	if err != nil {
		return Unit{}, err
	}
	out := unitOf(u)
	out.RegionName = names[u.RegionCode]
	return out, nil
}

// regionNames maps the region codes of the actor's tenant to their names.
func (e *Engine) regionNames(ctx context.Context) (map[domain.RegionCode]string, error) {
	rs, err := e.client.Region.Query().All(ctx)
	if err != nil {
		return nil, storageError("list regions", "region", err)
	}
	out := make(map[domain.RegionCode]string, len(rs))
	for _, r := range rs {
		out[r.Code] = r.Name
	}
	return out, nil
}

// UnitByCode returns the unit with a credit code, if in the actor's charge.
func (e *Engine) UnitByCode(ctx context.Context, code string) (Unit, error) {
	if _, err := e.authorize(ctx, policies.ObjUnit, policies.ActRead); err != nil {
		return Unit{}, err
	}
	u, err := e.client.Unit.Query().
		Where(unit.CreditCode(domain.CreditCode(code))).WithDepartment().Only(ctx)
	if err != nil {
		return Unit{}, storageError("read unit", "unit", err)
	}
	return unitOf(u), nil
}

// Department is a competent department.
type Department struct {
	ID     int               `json:"id"`
	Code   string            `json:"code"`
	Name   string            `json:"name"`
	Region domain.RegionCode `json:"region"`
}

// Departments lists the competent departments of the actor's tenant.
func (e *Engine) Departments(ctx context.Context) ([]Department, error) {
	if _, err := e.authorize(ctx, policies.ObjUnit, policies.ActRead); err != nil {
		return nil, err
	}
	ds, err := e.client.Department.Query().Order(ent.Asc(department.FieldCode)).All(ctx)
	if err != nil {
		return nil, storageError("list departments", "department", err)
	}
	out := make([]Department, len(ds))
	for i, d := range ds {
		out[i] = Department{ID: d.ID, Code: d.Code, Name: d.Name, Region: d.RegionCode}
	}
	return out, nil
}

// UnitInput is a unit's basic information as its clerk edits it.
type UnitInput struct {
	Name                  string            `json:"name"`
	CreditCode            string            `json:"credit_code"`
	Kind                  domain.UnitKind   `json:"kind"`
	Funding               string            `json:"funding,omitempty"`
	Sector                string            `json:"sector,omitempty"`
	Region                domain.RegionCode `json:"region"`
	DepartmentID          int               `json:"department_id"`
	ContactName           string            `json:"contact_name,omitempty"`
	ContactPhone          string            `json:"contact_phone,omitempty"`
	Address               string            `json:"address,omitempty"`
	UsesInstitutionSystem bool              `json:"uses_institution_system"`
}

// UpdateUnit changes a unit's basic information. The credit code is
// checked by GB 32100, the region must be one of the tenant's and the
// department one of its departments. The change is audited with the
// fields it changed.
func (e *Engine) UpdateUnit(ctx context.Context, id int, in UnitInput) (Unit, error) {
	a, err := e.authorize(ctx, policies.ObjUnit, policies.ActUpdate)
	if err != nil {
		return Unit{}, err
	}
	code, err := in.validate()
	if err != nil {
		return Unit{}, err
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		u, err := tx.Unit.Get(ctx, id)
		if err != nil {
			return storageError("read unit", "unit", err)
		}
		if err := checkUnitRefs(ctx, tx, a.TenantID, in); err != nil {
			return err
		}
		err = u.Update().SetName(strings.TrimSpace(in.Name)).SetCreditCode(code).
			SetKind(in.Kind).SetFunding(in.Funding).SetSector(in.Sector).
			SetRegionCode(in.Region).SetDepartmentID(in.DepartmentID).
			SetContactName(strings.TrimSpace(in.ContactName)).
			SetContactPhone(strings.TrimSpace(in.ContactPhone)).
			SetAddress(strings.TrimSpace(in.Address)).
			SetUsesInstitutionSystem(in.UsesInstitutionSystem).Exec(ctx)
		if err != nil {
			return storageError("update unit", "unit", err)
		}
		return e.audit(ctx, tx, a, "unit.update", fmt.Sprintf("unit:%d", id), unitChanges(u, in, code))
	})
	if err != nil {
		return Unit{}, err
	}
	return e.Unit(ctx, id)
}

// validate checks the input's own rules and returns the parsed credit code.
func (in UnitInput) validate() (domain.CreditCode, error) {
	code, err := domain.ParseCreditCode(in.CreditCode)
	switch {
	case strings.TrimSpace(in.Name) == "" || utf8.RuneCountInString(in.Name) > 100:
		return "", invalid("unit.name", nil)
	case err != nil:
		return "", invalid("unit.credit_code", P{"value": in.CreditCode})
	case in.Kind != domain.UnitInstitution && in.Kind != domain.UnitEnterprise:
		return "", invalid("unit.kind", nil)
	case utf8.RuneCountInString(in.Address) > 200 || utf8.RuneCountInString(in.ContactName) > 50 ||
		len(in.ContactPhone) > 20 || utf8.RuneCountInString(in.Sector) > 20 || len(in.Funding) > 2:
		return "", invalid("unit.too_long", nil)
	}
	return code, nil
}

// checkUnitRefs checks that the region and the department are the
// tenant's own.
func checkUnitRefs(ctx context.Context, tx *ent.Tx, tenantID int, in UnitInput) error {
	ok, err := tx.Region.Query().Where(region.TenantID(tenantID), region.Code(in.Region)).Exist(ctx)
	if err != nil {
		return storageError("check region", "region", err)
	}
	if !ok {
		return invalid("unit.region", P{"region": in.Region})
	}
	ok, err = tx.Department.Query().
		Where(department.TenantID(tenantID), department.ID(in.DepartmentID)).Exist(ctx)
	if err != nil {
		return storageError("check department", "department", err)
	}
	if !ok {
		return invalid("unit.department", nil)
	}
	return nil
}

// unitChanges names the fields an update changes, for the audit log.
func unitChanges(u *ent.Unit, in UnitInput, code domain.CreditCode) string {
	var changed []string
	add := func(name string, differs bool) {
		if differs {
			changed = append(changed, name)
		}
	}
	add("name", u.Name != strings.TrimSpace(in.Name))
	add("credit_code", u.CreditCode != code)
	add("kind", u.Kind != in.Kind)
	add("funding", u.Funding != in.Funding)
	add("sector", u.Sector != in.Sector)
	add("region", u.RegionCode != in.Region)
	add("department", u.DepartmentID != in.DepartmentID)
	add("contact_name", u.ContactName != strings.TrimSpace(in.ContactName))
	add("contact_phone", u.ContactPhone != strings.TrimSpace(in.ContactPhone))
	add("address", u.Address != strings.TrimSpace(in.Address))
	add("uses_institution_system", u.UsesInstitutionSystem != in.UsesInstitutionSystem)
	return "changed: " + strings.Join(changed, ",")
}

// CreateUnit registers a unit that the institution system does not hold,
// such as an enterprise, in a tenant. A tenant administrator does it in
// their tenant; a platform operator while onboarding.
func (e *Engine) CreateUnit(ctx context.Context, tenantID int, in UnitInput) (Unit, error) {
	a, err := e.authorizeTenant(ctx, tenantID, policies.ObjUnit, policies.ActCreate)
	if err != nil {
		return Unit{}, err
	}
	code, err := in.validate()
	if err != nil {
		return Unit{}, err
	}
	sys := system(ctx)
	var id int
	err = e.inTx(sys, func(tx *ent.Tx) error {
		if err := checkUnitRefs(sys, tx, tenantID, in); err != nil {
			return err
		}
		u, err := tx.Unit.Create().SetTenantID(tenantID).SetName(strings.TrimSpace(in.Name)).
			SetCreditCode(code).SetKind(in.Kind).SetFunding(in.Funding).SetSector(in.Sector).
			SetRegionCode(in.Region).SetDepartmentID(in.DepartmentID).
			SetContactName(in.ContactName).SetContactPhone(in.ContactPhone).
			SetAddress(in.Address).SetUsesInstitutionSystem(in.UsesInstitutionSystem).Save(sys)
		if err != nil {
			return storageError("create unit", "unit", err)
		}
		id = u.ID
		a.TenantID = tenantID
		return e.audit(sys, tx, a, "unit.create", fmt.Sprintf("unit:%d", u.ID), "")
	})
	if err != nil {
		return Unit{}, err
	}
	u, err := e.client.Unit.Query().Where(unit.ID(id)).WithDepartment().Only(sys)
	if err != nil {
		return Unit{}, storageError("read unit", "unit", err)
	}
	return unitOf(u), nil
}
