package engine

import (
	"context"
	"database/sql"
	"entgo.io/ent/dialect"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/ent/quotabalance"
	"github.com/zhicheng-hr/zhicheng/ent/quotadeclaration"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// Action is a step a user takes on a declaration in review: its version
// (zero to skip the check) and, for returns and rejections, the reason.
type Action struct {
	Version int    `json:"version,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// move is one planned transition of a declaration.
type move struct {
	action  string
	to      domain.Status
	toStage *domain.Role
	quota   quotaEffect
	// chain is the approval chain a submission fixes for the item.
	chain []domain.Role
}

// itemChain returns the approval chain an action on an item follows: a
// submission takes the chain of the settings in force; an item already
// submitted keeps the chain it was submitted under, so that a change of
// the settings never moves or skips the stages of an item in review.
func itemChain(stored []domain.Role, set domain.Settings, permission string) []domain.Role {
	if permission == policies.ActSubmit || len(stored) == 0 {
		return set.ApprovalChain
	}
	return stored
}

// quotaEffect is what a transition does to the reserved quota.
type quotaEffect int

const (
	quotaKeep    quotaEffect = iota
	quotaReserve             // take the lines' quota from the vacancy
	quotaRecheck             // check that the held quota still fits
	quotaRelease             // give the lines' quota back
)

// SubmitDeclaration sends a draft or returned declaration into review. Its
// normal-channel lines reserve quota; if a grade has not enough vacancy
// left, nothing changes and the error names grade, vacancy and amount.
func (e *Engine) SubmitDeclaration(ctx context.Context, id int, act Action) (Declaration, error) {
	return e.transition(ctx, id, act, policies.ActSubmit, func(d *ent.QuotaDeclaration, chain []domain.Role, _ domain.Actor) (move, error) {
		if !d.Status.Editable() {
			return move{}, conflict("declaration.not_editable", P{"status": d.Status})
		}
		return move{action: actionSubmit, to: domain.StatusInReview, toStage: &chain[0], quota: quotaReserve}, nil
	})
}

// WithdrawDeclaration takes a submitted declaration back before any
// reviewer has approved it; its quota is released. A withdrawn declaration
// cannot be approved.
func (e *Engine) WithdrawDeclaration(ctx context.Context, id int, act Action) (Declaration, error) {
	return e.transition(ctx, id, act, policies.ActWithdraw, func(d *ent.QuotaDeclaration, chain []domain.Role, _ domain.Actor) (move, error) {
		if d.Status != domain.StatusInReview || d.Stage == nil || *d.Stage != chain[0] {
			return move{}, conflict("declaration.not_withdrawable", P{"status": d.Status})
		}
		return move{action: actionWithdraw, to: domain.StatusWithdrawn, quota: quotaRelease}, nil
	})
}

// ApproveDeclaration approves a declaration at the actor's stage and
// passes it to the next stage, or approves it finally at the last. The
// vacancy is checked again.
func (e *Engine) ApproveDeclaration(ctx context.Context, id int, act Action) (Declaration, error) {
	return e.transition(ctx, id, act, policies.ActReview, func(d *ent.QuotaDeclaration, chain []domain.Role, a domain.Actor) (move, error) {
		if err := awaits(d, a); err != nil {
			return move{}, err
		}
		to, stage := nextStage(chain, a.Role)
		return move{action: actionApprove, to: to, toStage: stage, quota: quotaRecheck}, nil
	})
}

// nextStage is where an item goes when a reviewer of role r approves it:
// to the next stage of chain, or approved after the last.
func nextStage(chain []domain.Role, r domain.Role) (domain.Status, *domain.Role) {
	i := slices.Index(chain, r)
	if i < 0 || i == len(chain)-1 {
		return domain.StatusApproved, nil
	}
	return domain.StatusInReview, &chain[i+1]
}

// ReturnDeclaration sends a declaration back to its unit for changes, with
// a reason; its quota is released until it is submitted again.
func (e *Engine) ReturnDeclaration(ctx context.Context, id int, act Action) (Declaration, error) {
	return e.decide(ctx, id, act, actionReturn, domain.StatusReturned)
}

// RejectDeclaration refuses a declaration finally, with a reason; its
// quota is released.
func (e *Engine) RejectDeclaration(ctx context.Context, id int, act Action) (Declaration, error) {
	return e.decide(ctx, id, act, actionReject, domain.StatusRejected)
}

func (e *Engine) decide(ctx context.Context, id int, act Action, action string, to domain.Status) (Declaration, error) {
	act.Reason = strings.TrimSpace(act.Reason)
	if act.Reason == "" {
		return Declaration{}, invalid("review.reason_required", nil)
	}
	if utf8.RuneCountInString(act.Reason) > 500 {
		return Declaration{}, invalid("review.reason_too_long", P{"max": 500})
	}
	return e.transition(ctx, id, act, policies.ActReview, func(d *ent.QuotaDeclaration, _ []domain.Role, a domain.Actor) (move, error) {
		if err := awaits(d, a); err != nil {
			return move{}, err
		}
		return move{action: action, to: to, quota: quotaRelease}, nil
	})
}

// awaits checks that d waits for a reviewer of a's role.
func awaits(d *ent.QuotaDeclaration, a domain.Actor) error {
	if !awaiting(d.Status, d.Stage, a.Role) {
		stage := ""
		if d.Stage != nil {
			stage = string(*d.Stage)
		}
		return conflict("declaration.not_awaiting", P{"status": d.Status, "stage": stage})
	}
	return nil
}

// awaiting reports whether an item in status with stage waits for a
// reviewer of role r.
func awaiting(status domain.Status, stage *domain.Role, r domain.Role) bool {
	return status == domain.StatusInReview && stage != nil && *stage == r
}

// transition runs one planned move in a transaction: the status change is
// a conditional update on the version that was read, so of two concurrent
// actions on one declaration exactly one succeeds; the quota effect and the
// history entry and audit entry are written in the same transaction.
func (e *Engine) transition(ctx context.Context, id int, act Action, permission string,
	plan func(*ent.QuotaDeclaration, []domain.Role, domain.Actor) (move, error)) (Declaration, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, permission)
	if err != nil {
		return Declaration{}, err
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		d, err := tx.QuotaDeclaration.Query().Where(quotadeclaration.ID(id)).WithLines().Only(ctx)
		if err != nil {
			return storageError("read declaration", "declaration", err)
		}
		_, set, err := e.yearSettingsTx(ctx, tx, a.TenantID, d.Year)
		if err != nil {
			return err
		}
		if permission == policies.ActSubmit {
			if err := e.checkWindow(ctx, tx.Client(), a.TenantID, d.UnitID, d.Year, WindowDeclaration); err != nil {
				return err
			}
		}
		if act.Version != 0 && act.Version != d.Version {
			return conflict("declaration.changed", nil)
		}
		chain := itemChain(d.Chain, set, permission)
		m, err := plan(d, chain, a)
		if err != nil {
			return err
		}
		if m.action == actionSubmit {
			m.chain = chain
		}
		if err := e.applyQuota(ctx, tx, d, m.quota); err != nil {
			return err
		}
		if m.quota == quotaReserve || m.quota == quotaRecheck {
			if err := e.recheckSpecial(ctx, tx, d, set, m.action == actionSubmit); err != nil {
				return err
			}
		}
		if err := e.moveTo(ctx, tx, d, m); err != nil {
			return err
		}
		return e.record(ctx, tx, a, d, m, act.Reason)
	})
	if err != nil {
		return Declaration{}, err
	}
	return e.Declaration(ctx, id)
}

// moveTo changes the status if nobody changed the declaration since it was
// read.
func (e *Engine) moveTo(ctx context.Context, tx *ent.Tx, d *ent.QuotaDeclaration, m move) error {
	upd := tx.QuotaDeclaration.Update().
		Where(quotadeclaration.ID(d.ID), quotadeclaration.Version(d.Version)).
		SetStatus(m.to).AddVersion(1)
	if m.toStage != nil {
		upd.SetStage(*m.toStage)
	} else {
		upd.ClearStage()
	}
	if m.action == actionSubmit {
		upd.SetSubmittedAt(e.now()).SetChain(m.chain)
	}
	n, err := upd.Save(ctx)
	if err != nil {
		return storageError("change status", "declaration", err)
	}
	if n == 0 {
		return conflict("declaration.changed", nil)
	}
	return nil
}

// record appends the history entry and the audit entry of a move.
func (e *Engine) record(ctx context.Context, tx *ent.Tx, a domain.Actor, d *ent.QuotaDeclaration, m move, reason string) error {
	ev := tx.ReviewEvent.Create().
		SetTenantID(d.TenantID).SetUnitID(d.UnitID).SetDeclarationID(d.ID).
		SetUserID(a.UserID).SetUsername(a.Username).SetRole(a.Role).SetAction(m.action).
		SetFromStatus(d.Status).SetToStatus(m.to).SetReason(reason).SetAt(e.now())
	if d.Stage != nil {
		ev.SetFromStage(string(*d.Stage))
	}
	if m.toStage != nil {
		ev.SetToStage(string(*m.toStage))
	}
	if err := ev.Exec(ctx); err != nil {
		return storageError("record history", "declaration", err)
	}
	return e.audit(ctx, tx, a, "declaration."+m.action, objectID(d.ID), string(m.to))
}

// applyQuota carries out a move's effect on the reserved quota of each
// grade that the declaration's normal-channel lines ask for.
func (e *Engine) applyQuota(ctx context.Context, tx *ent.Tx, d *ent.QuotaDeclaration, effect quotaEffect) error {
	if effect == quotaKeep {
		return nil
	}
	lines := make([]Line, len(d.Edges.Lines))
	for i, l := range d.Edges.Lines {
		lines[i] = Line{Channel: l.Channel, Grade: l.Grade, Count: l.Count}
	}
	if effect == quotaRecheck {
		return checkAgainstVacancy(ctx, tx.Client(), d.UnitID, d.Year, lines, true)
	}
	asked := normalByGrade(lines)
	for _, g := range domain.Grades {
		n := asked[g]
		if n == 0 {
			continue
		}
		change := e.release
		if effect == quotaReserve {
			change = e.reserve
		}
		if err := change(ctx, tx, d, g, n); err != nil {
			return err
		}
	}
	return nil
}

// reserve takes n seats of grade g for declaration d. The update succeeds
// only while reserved + n stays within approved − occupied; the database
// evaluates that condition on the row it locks, so two submissions racing
// for the last seat cannot both pass. The balance row is locked before the
// post plan is read, as a plan change does (see lockBalances), so that a
// plan change and a submission cannot both pass on figures the other is
// changing.
func (e *Engine) reserve(ctx context.Context, tx *ent.Tx, d *ent.QuotaDeclaration, g domain.Grade, n int) error {
	err := tx.QuotaBalance.Create().
		SetTenantID(d.TenantID).SetUnitID(d.UnitID).SetYear(d.Year).SetGrade(g).
		OnConflictColumns(quotabalance.FieldUnitID, quotabalance.FieldYear, quotabalance.FieldGrade).
		DoNothing().Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) { // SQLite: the row existed
		return storageError("open quota balance", "unit", err)
	}
	if e.dialect == dialect.MySQL {
		if _, err := tx.QuotaBalance.Query().Where(balanceKey(d, g)...).ForUpdate().Only(ctx); err != nil {
			return storageError("lock quota balance", "unit", err)
		}
	}
	u, err := tx.Unit.Get(ctx, d.UnitID)
	if err != nil {
		return storageError("read unit", "unit", err)
	}
	t, err := vacancies(ctx, tx.Client(), u, d.Year)
	if err != nil {
		return err
	}
	plan, err := e.currentPlan(ctx, tx, d.UnitID, d.Year)
	if err != nil {
		return err
	}
	limit := gradeSum(approvedOf(plan), g) - t.Grade(g).Occupied
	took, err := balance(tx, d, g).Where(quotabalance.ReservedLTE(limit - n)).AddReserved(n).Save(ctx)
	if err != nil {
		return storageError("reserve quota", "unit", err)
	}
	if took == 0 {
		// A locking read: on MySQL a plain read would see the transaction's
		// snapshot, which may predate the row that the winner created.
		q := tx.QuotaBalance.Query().Where(balanceKey(d, g)...)
		if e.dialect == dialect.MySQL {
			q.ForUpdate()
		}
		b, err := q.Only(ctx)
		if err != nil {
			return storageError("read quota balance", "unit", err)
		}
		return conflict("quota.exceeds_vacancy", P{
			"grade": g, "vacancy": max(0, limit-b.Reserved), "asked": n,
		})
	}
	return nil
}

// release gives back n seats of grade g held by declaration d.
func (e *Engine) release(ctx context.Context, tx *ent.Tx, d *ent.QuotaDeclaration, g domain.Grade, n int) error {
	if _, err := balance(tx, d, g).AddReserved(-n).Save(ctx); err != nil {
		return storageError("release quota", "unit", err)
	}
	return nil
}

func balance(tx *ent.Tx, d *ent.QuotaDeclaration, g domain.Grade) *ent.QuotaBalanceUpdate {
	return tx.QuotaBalance.Update().Where(balanceKey(d, g)...)
}

func balanceKey(d *ent.QuotaDeclaration, g domain.Grade) []predicate.QuotaBalance {
	return []predicate.QuotaBalance{
		quotabalance.UnitID(d.UnitID), quotabalance.Year(d.Year), quotabalance.GradeEQ(g),
	}
}
