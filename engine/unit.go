package engine

import (
	"context"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/department"
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
	out := make([]Unit, len(us))
	for i, u := range us {
		out[i] = unitOf(u)
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
	return unitOf(u), nil
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
