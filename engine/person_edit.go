package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// RecordProblems are what is wrong with a person's record, field by field,
// as the validator of imports finds it. An invalid error of code
// "person.invalid" wraps them.
type RecordProblems []roster.Problem

func (p RecordProblems) Error() string {
	fields := make([]string, len(p))
	for i, x := range p {
		fields[i] = x.Field
	}
	return "invalid fields: " + strings.Join(fields, ", ")
}

// SavePerson creates a person in a unit (id 0) or changes a person's
// record, after the checks of DOMAIN.md §7–8 that imports apply. An ID
// number already registered in the tenant is a conflict: in another unit,
// it is a transfer for the bureau. Every save is audited.
func (e *Engine) SavePerson(ctx context.Context, unitID, id int, r roster.Record) (PersonDetail, error) {
	act := policies.ActUpdate
	if id == 0 {
		act = policies.ActCreate
	}
	a, err := e.authorize(ctx, policies.ObjPerson, act)
	if err != nil {
		return PersonDetail{}, err
	}
	r.Derive(catalog.Default())
	if probs := r.ValidateWith(catalog.Default(), e.now()); len(probs) > 0 {
		return PersonDetail{}, &Error{Kind: KindInvalid, Code: "person.invalid",
			Params: P{"fields": len(probs)}, Err: RecordProblems(probs)}
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		u, err := tx.Unit.Get(ctx, unitID)
		if err != nil {
			return storageError("read unit", "unit", err)
		}
		hash := e.seal.lookupHash(string(r.IDNumber))
		other, err := tx.Person.Query().
			Where(person.TenantID(u.TenantID), person.IDNumberHash(hash), person.IDNEQ(id)).
			Only(system(ctx))
		switch {
		case err == nil && other.UnitID == u.ID:
			return conflict("person.exists", nil)
		case err == nil:
			return conflict("person.elsewhere", nil)
		case !ent.IsNotFound(err):
			return storageError("find person", "person", err)
		}
		if id == 0 {
			c := tx.Person.Create().SetTenantID(u.TenantID).SetUnitID(u.ID).SetIDNumberHash(hash)
			e.setRecord(c.Mutation(), r)
			p, err := c.Save(ctx)
			if err != nil {
				return storageError("create person", "person", err)
			}
			id = p.ID
			return e.audit(ctx, tx, a, "person.create", fmt.Sprintf("person:%d", id), "")
		}
		p, err := tx.Person.Get(ctx, id)
		if err != nil || p.UnitID != unitID {
			return storageError("read person", "person", orNotFound(err))
		}
		upd := tx.Person.UpdateOneID(id).SetIDNumberHash(hash)
		e.setRecord(upd.Mutation(), r)
		if err := upd.Exec(ctx); err != nil {
			return storageError("update person", "person", err)
		}
		return e.audit(ctx, tx, a, "person.update", fmt.Sprintf("person:%d", id), "")
	})
	if err != nil {
		return PersonDetail{}, err
	}
	return e.Person(ctx, id)
}

// SetPersonStatus marks a person as retired or left, or serving again,
// from a date. People are never deleted; their history stays.
func (e *Engine) SetPersonStatus(ctx context.Context, id int, status domain.PersonStatus, date time.Time) (PersonDetail, error) {
	a, err := e.authorize(ctx, policies.ObjPerson, policies.ActUpdate)
	if err != nil {
		return PersonDetail{}, err
	}
	switch {
	case status != domain.PersonServing && status != domain.PersonRetired && status != domain.PersonLeft:
		return PersonDetail{}, invalid("person.status", nil)
	case status != domain.PersonServing && date.IsZero():
		return PersonDetail{}, invalid("person.status_date", nil)
	case date.After(e.now()):
		return PersonDetail{}, invalid("person.status_date_future", nil)
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		upd := tx.Person.UpdateOneID(id).SetStatus(status)
		if date.IsZero() {
			upd.ClearStatusDate()
		} else {
			upd.SetStatusDate(date)
		}
		if err := upd.Exec(ctx); err != nil {
			return storageError("change status", "person", err)
		}
		return e.audit(ctx, tx, a, "person.status", fmt.Sprintf("person:%d", id), string(status))
	})
	if err != nil {
		return PersonDetail{}, err
	}
	return e.Person(ctx, id)
}

func orNotFound(err error) error {
	if err == nil {
		return &ent.NotFoundError{}
	}
	return err
}
