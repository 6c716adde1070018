package engine

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/applicationquota"
	"github.com/zhicheng-hr/zhicheng/ent/declarationline"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/ent/quotadeclaration"
	"github.com/zhicheng-hr/zhicheng/ent/titleapplication"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// applicationPlan decides the move of an application. It may add to the
// update that carries the move, which is conditional on the version read.
type applicationPlan func(tx *ent.Tx, r *ent.TitleApplication, set domain.Settings,
	a domain.Actor, upd *ent.TitleApplicationUpdate) (move, error)

// SubmitApplication sends a draft or returned application into review,
// along the tenant's approval chain of its year. The person's record is
// read again and frozen in the application. Submission is refused inside
// the year's application window only, while the record misses a field the
// rules read, and while the person is not eligible, unless the only
// reasons not met are the years that exceptional merit with two
// recommenders sets aside: then the reviewers decide, seeing them. An
// evaluation takes a seat of the unit's approved quota for its grade and
// channel; when none is left, nothing changes and the error names the
// quota and its use.
func (e *Engine) SubmitApplication(ctx context.Context, id int, act Action) (Application, error) {
	return e.applicationTransition(ctx, id, act, policies.ActSubmit, func(tx *ent.Tx, r *ent.TitleApplication,
		set domain.Settings, a domain.Actor, upd *ent.TitleApplicationUpdate) (move, error) {
		if !r.Status.Editable() {
			return move{}, conflict("application.not_editable", P{"status": r.Status})
		}
		if err := e.checkWindow(ctx, tx.Client(), a.TenantID, r.UnitID, r.Year, WindowApplication); err != nil {
			return move{}, err
		}
		x := applicationOf(r)
		p, err := applicantOf(ctx, tx.Client(), ApplicationInput{PersonID: r.PersonID, Channel: x.Channel})
		if err != nil {
			return move{}, err
		}
		setSnapshot(upd.Mutation(), p, false)
		x.Person = applicantFromPerson(p)
		check := CheckEligibility(set, x.Person.PersonFacts, x.question())
		if len(check.Missing) > 0 {
			return move{}, invalid("application.incomplete", P{"count": len(check.Missing)})
		}
		if !check.Submittable() {
			return move{}, invalid("application.ineligible", P{"count": unmet(check)})
		}
		m := move{action: actionSubmit, to: domain.StatusInReview, toStage: &set.ApprovalChain[0]}
		if x.Kind == domain.KindEvaluation {
			m.quota = quotaReserve
		}
		return m, nil
	})
}

// WithdrawApplication takes a submitted application back before any
// reviewer has approved it; its quota seat is released and the person may
// apply again. A withdrawn application cannot be approved.
func (e *Engine) WithdrawApplication(ctx context.Context, id int, act Action) (Application, error) {
	return e.applicationTransition(ctx, id, act, policies.ActWithdraw, func(_ *ent.Tx, r *ent.TitleApplication,
		set domain.Settings, _ domain.Actor, _ *ent.TitleApplicationUpdate) (move, error) {
		if !awaiting(r.Status, r.Stage, set.ApprovalChain[0]) || len(r.Edges.Events) > 0 &&
			r.Edges.Events[len(r.Edges.Events)-1].Action != actionSubmit {
			return move{}, conflict("application.not_withdrawable", P{"status": r.Status})
		}
		return move{action: actionWithdraw, to: domain.StatusWithdrawn, quota: quotaRelease}, nil
	})
}

// ApproveApplication approves an application at the actor's stage and
// passes it to the next stage, or approves it finally at the last. Its
// quota seat stays taken.
func (e *Engine) ApproveApplication(ctx context.Context, id int, act Action) (Application, error) {
	return e.applicationTransition(ctx, id, act, policies.ActReview, func(_ *ent.Tx, r *ent.TitleApplication,
		set domain.Settings, a domain.Actor, _ *ent.TitleApplicationUpdate) (move, error) {
		if err := applicationAwaits(r, a); err != nil {
			return move{}, err
		}
		to, stage := nextStage(set.ApprovalChain, a.Role)
		return move{action: actionApprove, to: to, toStage: stage}, nil
	})
}

// ReturnApplication sends an application back to its unit for changes,
// with a reason; its quota seat is released until it is submitted again.
func (e *Engine) ReturnApplication(ctx context.Context, id int, act Action) (Application, error) {
	return e.decideApplication(ctx, id, act, actionReturn, domain.StatusReturned)
}

// RejectApplication refuses an application finally, with a reason; its
// quota seat is released and the person may apply again.
func (e *Engine) RejectApplication(ctx context.Context, id int, act Action) (Application, error) {
	return e.decideApplication(ctx, id, act, actionReject, domain.StatusRejected)
}

func (e *Engine) decideApplication(ctx context.Context, id int, act Action, action string, to domain.Status) (Application, error) {
	act.Reason = strings.TrimSpace(act.Reason)
	if act.Reason == "" {
		return Application{}, invalid("review.reason_required", nil)
	}
	if utf8.RuneCountInString(act.Reason) > 500 {
		return Application{}, invalid("review.reason_too_long", P{"max": 500})
	}
	return e.applicationTransition(ctx, id, act, policies.ActReview, func(_ *ent.Tx, r *ent.TitleApplication,
		_ domain.Settings, a domain.Actor, _ *ent.TitleApplicationUpdate) (move, error) {
		if err := applicationAwaits(r, a); err != nil {
			return move{}, err
		}
		return move{action: action, to: to, quota: quotaRelease}, nil
	})
}

// applicationAwaits checks that r waits for a reviewer of a's role.
func applicationAwaits(r *ent.TitleApplication, a domain.Actor) error {
	if awaiting(r.Status, r.Stage, a.Role) {
		return nil
	}
	stage := ""
	if r.Stage != nil {
		stage = string(*r.Stage)
	}
	return conflict("application.not_awaiting", P{"status": r.Status, "stage": stage})
}

// applicationTransition runs one planned move in a transaction, as
// transition does for declarations: the status change is conditional on
// the version that was read, so of two concurrent actions on one
// application exactly one succeeds; the quota seat, the history entry and
// the audit entry are written in the same transaction.
func (e *Engine) applicationTransition(ctx context.Context, id int, act Action, permission string,
	plan applicationPlan) (Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, permission)
	if err != nil {
		return Application{}, err
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		r, err := tx.TitleApplication.Query().Where(titleapplication.ID(id), applicationVisibleTo(a)).
			WithEvents().Only(ctx)
		if err != nil {
			return storageError("read application", "application", err)
		}
		_, set, err := e.yearSettingsTx(ctx, tx, a.TenantID, r.Year)
		if err != nil {
			return err
		}
		if act.Version != 0 && act.Version != r.Version {
			return conflict("application.changed", nil)
		}
		upd := tx.TitleApplication.Update().
			Where(titleapplication.ID(r.ID), titleapplication.Version(r.Version))
		set.ApprovalChain = itemChain(r.Chain, set, permission)
		m, err := plan(tx, r, set, a, upd)
		if err != nil {
			return err
		}
		if m.action == actionSubmit {
			m.chain = set.ApprovalChain
		}
		if err := e.applySeat(ctx, tx, r, m.quota, upd); err != nil {
			return err
		}
		if err := e.moveApplication(ctx, upd, m); err != nil {
			return err
		}
		return e.recordApplication(ctx, tx, a, r, m, act.Reason)
	})
	if err != nil {
		return Application{}, err
	}
	return e.Application(ctx, id)
}

// moveApplication changes the status if nobody changed the application
// since it was read. A rejected or withdrawn application no longer counts
// as the person's open one.
func (e *Engine) moveApplication(ctx context.Context, upd *ent.TitleApplicationUpdate, m move) error {
	upd.SetStatus(m.to).AddVersion(1)
	if m.toStage != nil {
		upd.SetStage(*m.toStage)
	} else {
		upd.ClearStage()
	}
	if m.action == actionSubmit {
		upd.SetSubmittedAt(e.now()).SetChain(m.chain)
	}
	if m.to == domain.StatusRejected || m.to == domain.StatusWithdrawn {
		upd.ClearOpen()
	}
	n, err := upd.Save(ctx)
	if err != nil {
		return storageError("change status", "application", err)
	}
	if n == 0 {
		return conflict("application.changed", nil)
	}
	return nil
}

// recordApplication appends the history entry and the audit entry of a
// move.
func (e *Engine) recordApplication(ctx context.Context, tx *ent.Tx, a domain.Actor, r *ent.TitleApplication,
	m move, reason string) error {
	ev := tx.ApplicationEvent.Create().
		SetTenantID(r.TenantID).SetUnitID(r.UnitID).SetApplicationID(r.ID).
		SetUserID(a.UserID).SetUsername(a.Username).SetRole(a.Role).SetAction(m.action).
		SetFromStatus(r.Status).SetToStatus(m.to).SetReason(reason).SetAt(e.now())
	if r.Stage != nil {
		ev.SetFromStage(string(*r.Stage))
	}
	if m.toStage != nil {
		ev.SetToStage(string(*m.toStage))
	}
	if err := ev.Exec(ctx); err != nil {
		return storageError("record history", "application", err)
	}
	return e.audit(ctx, tx, a, "application."+m.action, applicationObject(r.ID), string(m.to))
}

// applySeat takes or gives back the application's seat of the unit's
// evaluation quota, as the move says.
func (e *Engine) applySeat(ctx context.Context, tx *ent.Tx, r *ent.TitleApplication, effect quotaEffect,
	upd *ent.TitleApplicationUpdate) error {
	switch {
	case effect == quotaReserve && r.Channel != nil && !r.Seat:
		if err := e.takeSeat(ctx, tx, r, *r.Channel); err != nil {
			return err
		}
		upd.SetSeat(true)
	case effect == quotaRelease && r.Seat && r.Channel != nil:
		_, err := tx.ApplicationQuota.Update().Where(seatKey(r.UnitID, r.Year, r.TargetGrade, *r.Channel)...).
			AddUsed(-1).Save(ctx)
		if err != nil {
			return storageError("release quota", "unit", err)
		}
		upd.SetSeat(false)
	}
	return nil
}

// takeSeat takes one seat of the quota of r's grade in channel ch. The
// update succeeds only while used stays within the approved quota; the
// database evaluates that condition on the row it locks, so two
// submissions racing for the last seat cannot both pass.
func (e *Engine) takeSeat(ctx context.Context, tx *ent.Tx, r *ent.TitleApplication, ch domain.Channel) error {
	approved, err := approvedQuota(ctx, tx.Client(), r.UnitID, r.Year)
	if err != nil {
		return err
	}
	limit := approved[seat{ch, r.TargetGrade}]
	err = tx.ApplicationQuota.Create().
		SetTenantID(r.TenantID).SetUnitID(r.UnitID).SetYear(r.Year).SetGrade(r.TargetGrade).SetChannel(ch).
		OnConflictColumns(applicationquota.FieldUnitID, applicationquota.FieldYear,
			applicationquota.FieldGrade, applicationquota.FieldChannel).
		DoNothing().Exec(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) { // SQLite: the row existed
		return storageError("open application quota", "unit", err)
	}
	key := seatKey(r.UnitID, r.Year, r.TargetGrade, ch)
	took, err := tx.ApplicationQuota.Update().
		Where(append(key, applicationquota.UsedLT(limit))...).AddUsed(1).Save(ctx)
	if err != nil {
		return storageError("take quota", "unit", err)
	}
	if took > 0 {
		return nil
	}
	// A locking read: on MySQL a plain read would see the transaction's
	// snapshot, which may predate the row that the winner created.
	q := tx.ApplicationQuota.Query().Where(key...)
	if e.dialect == dialect.MySQL {
		q.ForUpdate()
	}
	b, err := q.Only(ctx)
	if err != nil {
		return storageError("read application quota", "unit", err)
	}
	return conflict("application.quota_exhausted", P{
		"grade": r.TargetGrade, "channel": ch, "approved": limit, "used": b.Used,
	})
}

func seatKey(unitID, year int, g domain.Grade, ch domain.Channel) []predicate.ApplicationQuota {
	return []predicate.ApplicationQuota{
		applicationquota.UnitID(unitID), applicationquota.Year(year),
		applicationquota.GradeEQ(g), applicationquota.ChannelEQ(ch),
	}
}

// seat names one bucket of a unit's evaluation quota.
type seat struct {
	channel domain.Channel
	grade   domain.Grade
}

// approvedQuota adds up the lines of the unit's bureau-approved quota
// declarations of year, per channel and grade.
func approvedQuota(ctx context.Context, c *ent.Client, unitID, year int) (map[seat]int, error) {
	lines, err := c.DeclarationLine.Query().Where(
		declarationline.UnitID(unitID),
		declarationline.HasDeclarationWith(
			quotadeclaration.Year(year), quotadeclaration.StatusEQ(domain.StatusApproved)),
	).All(ctx)
	if err != nil {
		return nil, storageError("read approved quota", "declaration", err)
	}
	out := map[seat]int{}
	for _, l := range lines {
		out[seat{l.Channel, l.Grade}] += l.Count
	}
	return out, nil
}

// QuotaUse is one bucket of a unit's evaluation quota in a year: what the
// bureau approved, what submitted evaluation applications hold, and what
// is left.
type QuotaUse struct {
	Channel  domain.Channel `json:"channel"`
	Grade    domain.Grade   `json:"grade"`
	Approved int            `json:"approved"`
	Used     int            `json:"used"`
	Left     int            `json:"left"`
}

// ApplicationQuotaUse returns the use of a unit's evaluation quota in
// year: the normal channel for every grade, then each special channel
// that has an approved line or a seat taken.
func (e *Engine) ApplicationQuotaUse(ctx context.Context, unitID, year int) ([]QuotaUse, error) {
	if _, err := e.authorize(ctx, policies.ObjApplication, policies.ActRead); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	if _, err := e.client.Unit.Get(ctx, unitID); err != nil {
		return nil, storageError("read unit", "unit", err)
	}
	approved, err := approvedQuota(ctx, e.client, unitID, year)
	if err != nil {
		return nil, err
	}
	rows, err := e.client.ApplicationQuota.Query().
		Where(applicationquota.UnitID(unitID), applicationquota.Year(year)).All(ctx)
	if err != nil {
		return nil, storageError("read application quota", "unit", err)
	}
	used := map[seat]int{}
	for _, r := range rows {
		used[seat{r.Channel, r.Grade}] = r.Used
	}
	var out []QuotaUse
	for _, c := range domain.Channel("").Values() {
		ch := domain.Channel(c)
		for _, g := range domain.Grades {
			k := seat{ch, g}
			if ch != domain.ChannelNormal && approved[k] == 0 && used[k] == 0 {
				continue
			}
			out = append(out, QuotaUse{Channel: ch, Grade: g, Approved: approved[k], Used: used[k],
				Left: max(0, approved[k]-used[k])})
		}
	}
	return out, nil
}

// unmet counts the reasons not met that exceptional merit does not waive.
func unmet(c EligibilityCheck) int {
	n := 0
	for _, r := range c.Reasons {
		if !r.Met && !r.Waived {
			n++
		}
	}
	return n
}
