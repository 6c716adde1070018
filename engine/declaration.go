package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/declarationline"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/ent/quotadeclaration"
	"github.com/zhicheng-hr/zhicheng/ent/reviewevent"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// Declaration is a unit's quota declaration for a year with its lines and
// its review history.
type Declaration struct {
	ID     int           `json:"id"`
	Unit   UnitRef       `json:"unit"`
	Year   int           `json:"year"`
	Status domain.Status `json:"status"`
	Stage  domain.Role   `json:"stage,omitempty"` // who must act next, in review
	// Chain is the approval chain it was last submitted under.
	Chain       []domain.Role `json:"chain,omitempty"`
	Version     int           `json:"version"`
	Lines       []Line        `json:"lines"`
	History     []Event       `json:"history"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
	SubmittedAt *time.Time    `json:"submitted_at,omitempty"`
	// People are the people the lines name or rest on, as far as the
	// actor sees them.
	People []PersonRef `json:"people,omitempty"`
}

// Person returns the person of id among People.
func (d Declaration) Person(id int) PersonRef { return findPerson(d.People, id) }

// Line is one line of a declaration.
type Line struct {
	Channel domain.Channel `json:"channel"`
	Grade   domain.Grade   `json:"grade"`
	Series  string         `json:"series"`
	Count   int            `json:"count"`
	Reason  string         `json:"reason,omitempty"`
	// People are the ids of the people an overseas or postdoctoral line
	// names, as many as Count.
	People []int `json:"people,omitempty"`
	// Departures are the ids of the departures a retire-more line rests
	// on, as the engine found them when the line was last saved or
	// submitted. Input ignores them.
	Departures []int `json:"departures,omitempty"`
	// Evidence is the departures of a retire-more line as they stood when
	// it was submitted: who, from which post level, retired or left and
	// when. It is kept from submission on, whatever later becomes of the
	// people's records, and empty before. Input ignores it.
	Evidence []domain.Departure `json:"evidence,omitempty"`
}

// Event is one transition in a declaration's history.
type Event struct {
	At         time.Time     `json:"at"`
	Username   string        `json:"username"`
	Role       domain.Role   `json:"role"`
	Action     string        `json:"action"`
	FromStatus domain.Status `json:"from_status"`
	FromStage  string        `json:"from_stage,omitempty"`
	ToStatus   domain.Status `json:"to_status"`
	ToStage    string        `json:"to_stage,omitempty"`
	Reason     string        `json:"reason,omitempty"`
}

// DeclarationInput is what a clerk enters: the unit (a clerk's own when
// zero), the year and the lines. Version, when not zero, must match the
// stored version for an update to succeed.
type DeclarationInput struct {
	UnitID  int    `json:"unit_id,omitempty"`
	Year    int    `json:"year"`
	Version int    `json:"version,omitempty"`
	Lines   []Line `json:"lines"`
}

// DeclarationFilter selects declarations to list; zero fields select all.
type DeclarationFilter struct {
	UnitID int
	Year   int
	Status domain.Status
}

// Review actions, as recorded in the history.
const (
	actionCreate   = "create"
	actionSubmit   = "submit"
	actionApprove  = "approve"
	actionReturn   = "return"
	actionReject   = "reject"
	actionWithdraw = "withdraw"
)

// CreateDeclaration saves a new draft declaration.
func (e *Engine) CreateDeclaration(ctx context.Context, in DeclarationInput) (Declaration, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActCreate)
	if err != nil {
		return Declaration{}, err
	}
	if in.UnitID == 0 {
		in.UnitID = a.UnitID
	}
	if err := in.validate(); err != nil {
		return Declaration{}, err
	}
	var id int
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		if err := e.checkWindow(ctx, tx.Client(), a.TenantID, in.UnitID, in.Year, WindowDeclaration); err != nil {
			return err
		}
		if err := checkAgainstVacancy(ctx, tx.Client(), in.UnitID, in.Year, in.Lines, false); err != nil {
			return err
		}
		deps, err := e.checkSpecialInput(ctx, tx, a.TenantID, in, 0)
		if err != nil {
			return err
		}
		d, err := tx.QuotaDeclaration.Create().
			SetTenantID(a.TenantID).SetUnitID(in.UnitID).SetYear(in.Year).
			SetCreatedBy(a.UserID).Save(ctx)
		if err != nil {
			return storageError("create declaration", "unit", err)
		}
		id = d.ID
		if err := saveLines(ctx, tx, d, in.Lines, deps); err != nil {
			return err
		}
		return e.audit(ctx, tx, a, "declaration.create", objectID(d.ID), "")
	})
	if err != nil {
		return Declaration{}, err
	}
	return e.Declaration(ctx, id)
}

// UpdateDeclaration replaces the lines of a draft or returned declaration.
func (e *Engine) UpdateDeclaration(ctx context.Context, id int, in DeclarationInput) (Declaration, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActUpdate)
	if err != nil {
		return Declaration{}, err
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		d, err := tx.QuotaDeclaration.Get(ctx, id)
		if err != nil {
			return storageError("read declaration", "declaration", err)
		}
		in.UnitID, in.Year = d.UnitID, orDefault(in.Year, d.Year)
		if err := in.validate(); err != nil {
			return err
		}
		if !d.Status.Editable() {
			return conflict("declaration.not_editable", P{"status": d.Status})
		}
		if in.Version != 0 && in.Version != d.Version {
			return conflict("declaration.changed", nil)
		}
		if err := e.checkWindow(ctx, tx.Client(), a.TenantID, d.UnitID, in.Year, WindowDeclaration); err != nil {
			return err
		}
		if err := checkAgainstVacancy(ctx, tx.Client(), d.UnitID, in.Year, in.Lines, false); err != nil {
			return err
		}
		deps, err := e.checkSpecialInput(ctx, tx, a.TenantID, in, id)
		if err != nil {
			return err
		}
		n, err := tx.QuotaDeclaration.Update().
			Where(quotadeclaration.ID(id), quotadeclaration.Version(d.Version)).
			SetYear(in.Year).AddVersion(1).Save(ctx)
		if err != nil {
			return storageError("update declaration", "declaration", err)
		}
		if n == 0 {
			return conflict("declaration.changed", nil)
		}
		_, err = tx.DeclarationLine.Delete().Where(declarationline.DeclarationID(id)).Exec(ctx)
		if err != nil {
			return storageError("replace lines", "declaration", err)
		}
		if err := saveLines(ctx, tx, d, in.Lines, deps); err != nil {
			return err
		}
		return e.audit(ctx, tx, a, "declaration.update", objectID(id), "")
	})
	if err != nil {
		return Declaration{}, err
	}
	return e.Declaration(ctx, id)
}

// DeleteDeclaration deletes a draft that was never submitted. A returned
// declaration keeps its history and cannot be deleted.
func (e *Engine) DeleteDeclaration(ctx context.Context, id int) error {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActDelete)
	if err != nil {
		return err
	}
	return e.inTx(ctx, func(tx *ent.Tx) error {
		d, err := tx.QuotaDeclaration.Get(ctx, id)
		if err != nil {
			return storageError("read declaration", "declaration", err)
		}
		if d.Status != domain.StatusDraft {
			return conflict("declaration.not_deletable", P{"status": d.Status})
		}
		if _, err := tx.DeclarationLine.Delete().
			Where(declarationline.DeclarationID(id)).Exec(ctx); err != nil {
			return storageError("delete lines", "declaration", err)
		}
		n, err := tx.QuotaDeclaration.Delete().
			Where(quotadeclaration.ID(id), quotadeclaration.StatusEQ(domain.StatusDraft)).Exec(ctx)
		if err != nil {
			return storageError("delete declaration", "declaration", err)
		}
		if n == 0 {
			return conflict("declaration.changed", nil)
		}
		return e.audit(ctx, tx, a, "declaration.delete", objectID(id), "")
	})
}

// Declaration returns a declaration with its lines and history.
func (e *Engine) Declaration(ctx context.Context, id int) (Declaration, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActRead)
	if err != nil {
		return Declaration{}, err
	}
	d, err := e.client.QuotaDeclaration.Query().
		Where(quotadeclaration.ID(id), visibleTo(a)).
		WithUnit().
		WithLines(func(q *ent.DeclarationLineQuery) { q.Order(ent.Asc(declarationline.FieldID)) }).
		WithEvents(func(q *ent.ReviewEventQuery) { q.Order(ent.Asc(reviewevent.FieldID)) }).
		Only(ctx)
	if err != nil {
		return Declaration{}, storageError("read declaration", "declaration", err)
	}
	out := declarationOf(d)
	var ids []int
	for _, l := range out.Lines {
		ids = append(ids, l.People...)
		ids = append(ids, l.Departures...)
	}
	if out.People, err = e.peopleRefs(ctx, ids); err != nil {
		return Declaration{}, err
	}
	return out, nil
}

// Declarations lists the declarations in the actor's charge, newest first.
func (e *Engine) Declarations(ctx context.Context, f DeclarationFilter) ([]Declaration, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActRead)
	if err != nil {
		return nil, err
	}
	q := e.client.QuotaDeclaration.Query().Where(visibleTo(a))
	if f.UnitID != 0 {
		q.Where(quotadeclaration.UnitID(f.UnitID))
	}
	if f.Year != 0 {
		q.Where(quotadeclaration.Year(f.Year))
	}
	if f.Status != "" {
		q.Where(quotadeclaration.StatusEQ(f.Status))
	}
	return e.listDeclarations(ctx, q)
}

// visibleTo hides drafts that were never submitted from everyone but the
// unit: until a clerk submits, a declaration is the unit's own work.
func visibleTo(a domain.Actor) predicate.QuotaDeclaration {
	if a.Role == domain.RoleUnitClerk {
		return quotadeclaration.IDGT(0)
	}
	return quotadeclaration.StatusNEQ(domain.StatusDraft)
}

// ReviewQueue lists the declarations that await the actor's review.
func (e *Engine) ReviewQueue(ctx context.Context) ([]Declaration, error) {
	a, err := e.authorize(ctx, policies.ObjDeclaration, policies.ActReview)
	if err != nil {
		return nil, err
	}
	q := e.client.QuotaDeclaration.Query().Where(
		quotadeclaration.StatusEQ(domain.StatusInReview),
		quotadeclaration.StageEQ(a.Role),
	)
	return e.listDeclarations(ctx, q)
}

func (e *Engine) listDeclarations(ctx context.Context, q *ent.QuotaDeclarationQuery) ([]Declaration, error) {
	ds, err := q.WithUnit().
		WithLines(func(q *ent.DeclarationLineQuery) { q.Order(ent.Asc(declarationline.FieldID)) }).
		Order(ent.Desc(quotadeclaration.FieldID)).
		All(ctx)
	if err != nil {
		return nil, storageError("list declarations", "declaration", err)
	}
	out := make([]Declaration, len(ds))
	for i, d := range ds {
		out[i] = declarationOf(d)
	}
	return out, nil
}

func declarationOf(d *ent.QuotaDeclaration) Declaration {
	out := Declaration{
		ID: d.ID, Year: d.Year, Status: d.Status, Version: d.Version,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, SubmittedAt: d.SubmittedAt,
		Lines: []Line{}, History: []Event{}, Chain: d.Chain,
	}
	if d.Stage != nil {
		out.Stage = *d.Stage
	}
	if u := d.Edges.Unit; u != nil {
		out.Unit = unitRef(u)
	}
	for _, l := range d.Edges.Lines {
		out.Lines = append(out.Lines, Line{
			Channel: l.Channel, Grade: l.Grade, Series: l.Series, Count: l.Count, Reason: l.Reason,
			People: l.People, Departures: l.Departures, Evidence: l.Evidence,
		})
	}
	for _, ev := range d.Edges.Events {
		out.History = append(out.History, Event{
			At: ev.At, Username: ev.Username, Role: ev.Role, Action: ev.Action,
			FromStatus: ev.FromStatus, FromStage: ev.FromStage,
			ToStatus: ev.ToStatus, ToStage: ev.ToStage, Reason: ev.Reason,
		})
	}
	return out
}

// validate checks the input's own rules, before any data is read.
func (in DeclarationInput) validate() error {
	if in.UnitID == 0 {
		return invalid("declaration.unit", nil)
	}
	if err := checkYear(in.Year); err != nil {
		return err
	}
	if len(in.Lines) == 0 {
		return invalid("declaration.no_lines", nil)
	}
	for i, l := range in.Lines {
		if err := l.validate(i + 1); err != nil {
			return err
		}
	}
	return nil
}

func (l Line) validate(n int) error {
	switch {
	case l.Channel != "" && !slices.Contains(l.Channel.Values(), string(l.Channel)):
		return invalid("declaration.channel", P{"line": n, "channel": l.Channel})
	case !l.Grade.Valid():
		return invalid("declaration.grade", P{"line": n, "grade": l.Grade})
	case !knownSeries(l.Series):
		return invalid("declaration.series", P{"line": n, "series": l.Series})
	case l.Count < 1 || l.Count > 9999:
		return invalid("declaration.count", P{"line": n, "count": l.Count})
	case strings.TrimSpace(l.Reason) == "":
		return invalid("declaration.reason_required", P{"line": n})
	case utf8.RuneCountInString(l.Reason) > 500:
		return invalid("declaration.reason_too_long", P{"line": n, "max": 500})
	}
	return l.validatePeople(n)
}

// saveLines stores a declaration's lines; retire-more lines keep the
// departures of their grade, deps, as evidence.
func saveLines(ctx context.Context, tx *ent.Tx, d *ent.QuotaDeclaration, lines []Line,
	deps map[domain.Grade][]int) error {
	creates := make([]*ent.DeclarationLineCreate, len(lines))
	for i, l := range lines {
		ch := l.Channel
		if ch == "" {
			ch = domain.ChannelNormal
		}
		creates[i] = tx.DeclarationLine.Create().
			SetTenantID(d.TenantID).SetUnitID(d.UnitID).SetDeclarationID(d.ID).
			SetChannel(ch).SetGrade(l.Grade).SetSeries(strings.TrimSpace(l.Series)).
			SetCount(l.Count).SetReason(strings.TrimSpace(l.Reason))
		if len(l.People) > 0 {
			creates[i].SetPeople(l.People)
		}
		if ch == domain.ChannelRetireMore {
			creates[i].SetDepartures(append([]int{}, deps[l.Grade]...))
		}
	}
	if err := tx.DeclarationLine.CreateBulk(creates...).Exec(ctx); err != nil {
		return storageError("save lines", "declaration", err)
	}
	return nil
}

// normalByGrade adds up the normal-channel counts of lines per grade.
func normalByGrade(lines []Line) map[domain.Grade]int {
	out := map[domain.Grade]int{}
	for _, l := range lines {
		if l.Channel == domain.ChannelNormal || l.Channel == "" {
			out[l.Grade] += l.Count
		}
	}
	return out
}

// checkAgainstVacancy refuses lines that ask for more normal-channel quota
// at a grade than the unit's vacancy. held says whether the lines are
// already counted in the reserved figure.
func checkAgainstVacancy(ctx context.Context, c *ent.Client, unitID, year int, lines []Line, held bool) error {
	u, err := c.Unit.Get(ctx, unitID)
	if err != nil {
		return storageError("read unit", "unit", err)
	}
	t, err := vacancies(ctx, c, u, year)
	if err != nil {
		return err
	}
	for _, g := range domain.Grades {
		asked := normalByGrade(lines)[g]
		if asked == 0 {
			continue
		}
		r := t.Grade(g)
		room := r.Approved - r.Occupied - r.Reserved
		if held {
			room += asked
		}
		if asked > room {
			return conflict("quota.exceeds_vacancy", P{
				"grade": g, "vacancy": max(0, room), "asked": asked,
			})
		}
	}
	return nil
}

// checkSpecialInput applies the special rules to lines a clerk saves, with
// the settings of the declaration's year.
func (e *Engine) checkSpecialInput(ctx context.Context, tx *ent.Tx, tenantID int, in DeclarationInput,
	declID int) (map[domain.Grade][]int, error) {
	_, set, err := e.yearSettingsTx(ctx, tx, tenantID, in.Year)
	if err != nil {
		return nil, err
	}
	u, err := tx.Unit.Get(ctx, in.UnitID)
	if err != nil {
		return nil, storageError("read unit", "unit", err)
	}
	return e.checkSpecial(ctx, tx, specialInput{
		unit: u, year: in.Year, declID: declID, lines: in.Lines, rules: *set.Special,
	})
}

// knownSeries reports whether name is a series of the title catalogue.
func knownSeries(name string) bool {
	_, ok := catalog.Default().SeriesByName(name)
	return ok
}

func objectID(id int) string { return fmt.Sprintf("declaration:%d", id) }

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
