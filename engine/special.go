package engine

import (
	"context"
	"slices"
	"time"

	"entgo.io/ent/dialect"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/declarationline"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/quotadeclaration"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// The special channels (特殊人才申报) of DOMAIN.md §3 never consume
// vacancies; each has its own rule, read from the tenant's settings of the
// declaration's year and checked when a declaration is saved, when it is
// submitted and at every approval:
//   - the channels of SpecialRules.CapChannels (by default urgent need,
//     overseas and postdoctoral) share a cap per unit and year, Cap of the
//     unit's approved professional posts;
//   - retire more, fill fewer is open only at a grade where more staff are
//     appointed than approved, within an allowance from the departures of
//     that grade. A departure is a person of the unit who retired or left
//     on or after SpecialRules.DeparturesSince(year) and whose post level
//     was in the grade: posts are what the channel replaces, so the grade
//     is the post level's, not the person's title grade;
//   - overseas and postdoctoral lines name their people, who must serve in
//     the unit and carry the channel's flag (postdoctoral researchers also
//     a doctorate).
//
// The quota of other declarations counts while they are in review or
// approved.

// isSpecial reports whether c is a special channel.
func isSpecial(c domain.Channel) bool { return c != "" && c != domain.ChannelNormal }

// namesPeople reports whether lines of channel c name their people.
func namesPeople(c domain.Channel) bool {
	return c == domain.ChannelOverseas || c == domain.ChannelPostdoctoral
}

// validatePeople checks the people a line names against its channel and
// count.
func (l Line) validatePeople(n int) error {
	if !namesPeople(l.Channel) {
		if len(l.People) > 0 {
			return invalid("special.people_not_allowed", P{"line": n, "channel": l.Channel})
		}
		return nil
	}
	if len(l.People) != l.Count {
		return invalid("special.people_count", P{"line": n, "count": l.Count, "named": len(l.People)})
	}
	for i, id := range l.People {
		if slices.Index(l.People, id) != i {
			return invalid("special.person_twice", P{"line": n, "id": id})
		}
	}
	return nil
}

// PersonRef is a person as declarations show them: enough to recognise
// them and see why they count.
type PersonRef struct {
	ID           int                 `json:"id"`
	Name         string              `json:"name"`
	PostLevel    *int                `json:"post_level,omitempty"`
	TitleGrade   *domain.Grade       `json:"title_grade,omitempty"`
	Status       domain.PersonStatus `json:"status"`
	StatusDate   *time.Time          `json:"status_date,omitempty"`
	Overseas     bool                `json:"overseas"`
	Postdoctoral bool                `json:"postdoctoral"`
	Doctorate    bool                `json:"doctorate"`
}

func personRef(p *ent.Person) PersonRef {
	return PersonRef{
		ID: p.ID, Name: p.Name, PostLevel: p.PostLevel, TitleGrade: p.TitleGrade,
		Status: p.Status, StatusDate: p.StatusDate, Overseas: p.Overseas,
		Postdoctoral: p.Postdoctoral,
		Doctorate:    domain.EducationOf(p.Education, p.Degree) == domain.EducationDoctorate,
	}
}

// specialInput is what the special rules read about one declaration.
type specialInput struct {
	unit   *ent.Unit
	year   int
	declID int // 0 for a declaration not yet stored
	lines  []Line
	rules  domain.SpecialRules
}

// checkSpecial applies the special rules to the lines and returns the
// departures (person ids) of each grade that has retire-more lines, for
// the lines' evidence. On MySQL it first locks the unit's row, so that two
// declarations of one unit checked at once take turns, and reads the other
// declarations with locking reads, which see what the first committed.
func (e *Engine) checkSpecial(ctx context.Context, tx *ent.Tx, in specialInput) (map[domain.Grade][]int, error) {
	if !slices.ContainsFunc(in.lines, func(l Line) bool { return isSpecial(l.Channel) }) {
		return nil, nil
	}
	if e.dialect == dialect.MySQL {
		if _, err := tx.Unit.Query().Where(unit.ID(in.unit.ID)).ForUpdate().Only(ctx); err != nil {
			return nil, storageError("lock unit", "unit", err)
		}
	}
	others, err := e.otherSpecialLines(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	plan, err := e.currentPlan(ctx, tx, in.unit.ID, in.year)
	if err != nil {
		return nil, err
	}
	approved := approvedOf(plan)
	if err := checkCap(in, others, approved); err != nil {
		return nil, err
	}
	deps, err := checkRetireMore(ctx, tx.Client(), in, others, approved)
	if err != nil {
		return nil, err
	}
	return deps, checkNamedPeople(ctx, tx.Client(), in, others)
}

// otherSpecialLines returns the special lines of the unit's other
// declarations of the year that are in review or approved.
func (e *Engine) otherSpecialLines(ctx context.Context, tx *ent.Tx, in specialInput) ([]*ent.DeclarationLine, error) {
	dq := tx.QuotaDeclaration.Query().Where(
		quotadeclaration.UnitID(in.unit.ID), quotadeclaration.Year(in.year),
		quotadeclaration.IDNEQ(in.declID),
		quotadeclaration.StatusIn(domain.StatusInReview, domain.StatusApproved))
	if e.dialect == dialect.MySQL {
		dq.ForShare(shareLock)
	}
	ids, err := dq.IDs(ctx)
	if err != nil {
		return nil, storageError("read declarations", "declaration", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	lq := tx.DeclarationLine.Query().Where(declarationline.DeclarationIDIn(ids...),
		declarationline.ChannelNEQ(domain.ChannelNormal))
	if e.dialect == dialect.MySQL {
		lq.ForShare(shareLock)
	}
	ls, err := lq.All(ctx)
	if err != nil {
		return nil, storageError("read declaration lines", "declaration", err)
	}
	return ls, nil
}

// checkCap keeps the capped channels within Cap of the approved posts;
// the error names the line that goes over.
func checkCap(in specialInput, others []*ent.DeclarationLine, approved map[domain.PostLevel]int) error {
	total := 0
	for _, n := range approved {
		total += n
	}
	limit, used := in.rules.Cap(total), 0
	for _, l := range others {
		if in.rules.Counts(l.Channel) {
			used += l.Count
		}
	}
	running := used
	for i, l := range in.lines {
		if !in.rules.Counts(l.Channel) {
			continue
		}
		running += l.Count
		if running > limit {
			return conflict("special.over_cap", P{
				"line": i + 1, "cap": limit, "approved": total, "percent": in.rules.CapPercent,
				"min": in.rules.CapMin, "used": used, "asked": running - used,
			})
		}
	}
	return nil
}

// checkRetireMore opens the retire-more channel only at over-staffed
// grades and keeps it within the allowance of the grade's departures.
func checkRetireMore(ctx context.Context, c *ent.Client, in specialInput,
	others []*ent.DeclarationLine, approved map[domain.PostLevel]int) (map[domain.Grade][]int, error) {
	var occupied map[domain.PostLevel]int
	deps := map[domain.Grade][]int{}
	asked := map[domain.Grade]int{}
	for i, l := range in.lines {
		if l.Channel != domain.ChannelRetireMore {
			continue
		}
		g := l.Grade
		if _, seen := deps[g]; !seen {
			var err error
			if occupied == nil {
				if occupied, err = occupiedByLevel(ctx, c, in.unit.ID); err != nil {
					return nil, err
				}
			}
			if occ, app := gradeSum(occupied, g), gradeSum(approved, g); occ <= app {
				return nil, conflict("special.retire_not_over", P{
					"line": i + 1, "grade": g, "approved": app, "occupied": occ,
				})
			}
			people, err := departures(ctx, c, in.unit.ID, g, in.rules.DeparturesSince(in.year))
			if err != nil {
				return nil, err
			}
			deps[g] = make([]int, len(people))
			for j, p := range people {
				deps[g][j] = p.ID
			}
		}
		used := 0
		for _, o := range others {
			if o.Channel == domain.ChannelRetireMore && o.Grade == g {
				used += o.Count
			}
		}
		asked[g] += l.Count
		allowance := in.rules.Allowance(len(deps[g]))
		if used+asked[g] > allowance {
			return nil, conflict("special.retire_over_allowance", P{
				"line": i + 1, "grade": g, "departures": len(deps[g]), "allowance": allowance,
				"used": used, "asked": asked[g],
			})
		}
	}
	return deps, nil
}

// departures lists the people of a unit who retired or left on or after
// since from a professional post of grade g.
func departures(ctx context.Context, c *ent.Client, unitID int, g domain.Grade, since time.Time) ([]*ent.Person, error) {
	var levels []int
	for _, l := range g.Levels() {
		levels = append(levels, int(l))
	}
	ps, err := c.Person.Query().Where(
		person.UnitID(unitID),
		person.StatusIn(domain.PersonRetired, domain.PersonLeft),
		person.StatusDateGTE(since),
		person.PostCategoryEQ(domain.PostProfessional),
		person.PostLevelIn(levels...),
	).Order(ent.Asc(person.FieldID)).All(ctx)
	if err != nil {
		return nil, storageError("read departures", "person", err)
	}
	return ps, nil
}

// checkNamedPeople checks each person an overseas or postdoctoral line
// names: serving in the unit, carrying the channel's flag, named by one
// line of the declaration only, and not named by another declaration of
// the unit in the year.
func checkNamedPeople(ctx context.Context, c *ent.Client, in specialInput, others []*ent.DeclarationLine) error {
	named := map[int]int{} // person id → the first line that names them
	for i, l := range in.lines {
		n := i + 1
		for _, id := range l.People {
			p, err := c.Person.Get(ctx, id)
			if ent.IsNotFound(err) || (err == nil && p.UnitID != in.unit.ID) {
				return invalid("special.person_not_in_unit", P{"line": n, "id": id})
			}
			if err != nil {
				return storageError("read person", "person", err)
			}
			if err := checkPerson(n, l.Channel, p); err != nil {
				return err
			}
			if first, ok := named[id]; ok && first != n {
				return invalid("special.person_in_two_lines", P{"line": n, "first": first, "name": p.Name})
			}
			named[id] = n
			for _, o := range others {
				if slices.Contains(o.People, id) {
					return conflict("special.person_already_named", P{"line": n, "name": p.Name})
				}
			}
		}
	}
	return nil
}

// checkPerson checks one named person against a line's channel.
func checkPerson(n int, ch domain.Channel, p *ent.Person) error {
	switch {
	case p.Status != domain.PersonServing:
		return invalid("special.person_not_serving", P{"line": n, "name": p.Name})
	case ch == domain.ChannelOverseas && !p.Overseas:
		return invalid("special.not_overseas", P{"line": n, "name": p.Name})
	case ch == domain.ChannelPostdoctoral && !p.Postdoctoral:
		return invalid("special.not_postdoctoral", P{"line": n, "name": p.Name})
	case ch == domain.ChannelPostdoctoral &&
		domain.EducationOf(p.Education, p.Degree) != domain.EducationDoctorate:
		return invalid("special.no_doctorate", P{"line": n, "name": p.Name})
	}
	return nil
}

// recheckSpecial applies the special rules to a stored declaration, as a
// submission or approval does, with the settings of its year as they are
// now. A submission (store) also keeps the departures it found on the
// retire-more lines, as the evidence reviewers see.
func (e *Engine) recheckSpecial(ctx context.Context, tx *ent.Tx, d *ent.QuotaDeclaration,
	set domain.Settings, store bool) error {
	lines := make([]Line, len(d.Edges.Lines))
	for i, l := range d.Edges.Lines {
		lines[i] = Line{Channel: l.Channel, Grade: l.Grade, Count: l.Count, People: l.People}
	}
	u, err := tx.Unit.Get(ctx, d.UnitID)
	if err != nil {
		return storageError("read unit", "unit", err)
	}
	deps, err := e.checkSpecial(ctx, tx, specialInput{
		unit: u, year: d.Year, declID: d.ID, lines: lines, rules: *set.Special,
	})
	if err != nil || !store {
		return err
	}
	evidence, err := departureEvidence(ctx, tx.Client(), deps)
	if err != nil {
		return err
	}
	for _, l := range d.Edges.Lines {
		if l.Channel != domain.ChannelRetireMore {
			continue
		}
		ids := deps[l.Grade]
		if ids == nil {
			ids = []int{}
		}
		kept := evidence[l.Grade]
		if kept == nil {
			kept = []domain.Departure{}
		}
		err := tx.DeclarationLine.UpdateOneID(l.ID).SetDepartures(ids).SetEvidence(kept).Exec(ctx)
		if err != nil {
			return storageError("keep departures", "declaration", err)
		}
	}
	return nil
}

// departureEvidence copies the departures of each grade, deps, as they
// stand now: the evidence a submission keeps.
func departureEvidence(ctx context.Context, c *ent.Client, deps map[domain.Grade][]int) (map[domain.Grade][]domain.Departure, error) {
	var ids []int
	for _, g := range deps {
		ids = append(ids, g...)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ps, err := c.Person.Query().Where(person.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, storageError("read departures", "person", err)
	}
	byID := make(map[int]*ent.Person, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	out := map[domain.Grade][]domain.Departure{}
	for g, gids := range deps {
		for _, id := range gids {
			p, ok := byID[id]
			if !ok {
				continue
			}
			dep := domain.Departure{PersonID: p.ID, Name: p.Name, Status: p.Status, StatusDate: p.StatusDate}
			if p.PostLevel != nil {
				dep.PostLevel = *p.PostLevel
			}
			out[g] = append(out[g], dep)
		}
	}
	return out, nil
}

// SpecialQuota is a unit's special-channel quota in a year beside its
// normal quota: the cap and what the capped channels use of it, per grade
// what each channel holds and, for retire more, the departures and the
// allowance, and every special line with where it stands in the chain.
type SpecialQuota struct {
	Unit        UnitRef          `json:"unit"`
	Year        int              `json:"year"`
	Approved    int              `json:"approved"` // approved professional posts
	Cap         int              `json:"cap"`
	CapUsed     int              `json:"cap_used"` // in review or approved
	CapPercent  int              `json:"cap_percent"`
	CapMin      int              `json:"cap_min"`
	CapChannels []domain.Channel `json:"cap_channels"`
	Grades      []SpecialGrade   `json:"grades"`
	Lines       []SpecialLine    `json:"lines"`
	// People are the departures the grades list.
	People []PersonRef `json:"people"`
}

// Person returns the person of id among People.
func (q SpecialQuota) Person(id int) PersonRef {
	return findPerson(q.People, id)
}

// SpecialGrade is one grade's quota by channel: Normal is the reserved
// normal quota, ByChannel the special quota in review or approved.
type SpecialGrade struct {
	Grade       domain.Grade   `json:"grade"`
	Normal      int            `json:"normal"`
	ByChannel   map[string]int `json:"by_channel"`
	OverStaffed bool           `json:"over_staffed"`
	Departures  []int          `json:"departures"`
	// Allowance is the 退多补少 quota the departures give; 0 where the
	// grade is not over its approved posts.
	Allowance int `json:"allowance"`
}

// SpecialLine is a special line of one of the unit's declarations with
// where its declaration stands.
type SpecialLine struct {
	DeclarationID int            `json:"declaration_id"`
	Status        domain.Status  `json:"status"`
	Stage         domain.Role    `json:"stage,omitempty"`
	Channel       domain.Channel `json:"channel"`
	Grade         domain.Grade   `json:"grade"`
	Series        string         `json:"series"`
	Count         int            `json:"count"`
	People        []int          `json:"people,omitempty"`
}

// SpecialQuota returns the special-channel quota of a unit in year.
func (e *Engine) SpecialQuota(ctx context.Context, unitID, year int) (SpecialQuota, error) {
	a, err := e.authorize(ctx, policies.ObjVacancy, policies.ActRead)
	if err != nil {
		return SpecialQuota{}, err
	}
	if err := checkYear(year); err != nil {
		return SpecialQuota{}, err
	}
	u, err := e.client.Unit.Get(ctx, unitID)
	if err != nil {
		return SpecialQuota{}, storageError("read unit", "unit", err)
	}
	set, err := e.settingsFor(ctx, a.TenantID, year)
	if err != nil {
		return SpecialQuota{}, err
	}
	t, err := vacancies(ctx, e.client, u, year)
	if err != nil {
		return SpecialQuota{}, err
	}
	rules := *set.Special
	q := SpecialQuota{Unit: unitRef(u), Year: year, CapPercent: rules.CapPercent,
		CapMin: rules.CapMin, CapChannels: rules.CapChannels, Lines: []SpecialLine{}, People: []PersonRef{}}
	for _, r := range t.Grades {
		q.Approved += r.Approved
	}
	q.Cap = rules.Cap(q.Approved)
	if err := e.specialLines(ctx, u.ID, year, rules, &q); err != nil {
		return SpecialQuota{}, err
	}
	for _, r := range t.Grades {
		sg := SpecialGrade{Grade: r.Grade, Normal: r.Reserved, OverStaffed: r.OverStaffed,
			ByChannel: map[string]int{}, Departures: []int{}}
		for _, l := range q.Lines {
			if l.Grade == r.Grade && (l.Status == domain.StatusInReview || l.Status == domain.StatusApproved) {
				sg.ByChannel[string(l.Channel)] += l.Count
			}
		}
		people, err := departures(ctx, e.client, u.ID, r.Grade, rules.DeparturesSince(year))
		if err != nil {
			return SpecialQuota{}, err
		}
		for _, p := range people {
			sg.Departures = append(sg.Departures, p.ID)
			q.People = append(q.People, personRef(p))
		}
		// Only a grade over its approved posts may fill fewer than left.
		if r.OverStaffed {
			sg.Allowance = rules.Allowance(len(people))
		}
		q.Grades = append(q.Grades, sg)
	}
	return q, nil
}

// specialLines adds the special lines of the unit's declarations of year
// that the actor sees, except withdrawn and rejected ones, and what the
// capped channels use.
func (e *Engine) specialLines(ctx context.Context, unitID, year int, rules domain.SpecialRules, q *SpecialQuota) error {
	a, _ := actor(ctx)
	ds, err := e.client.QuotaDeclaration.Query().Where(
		quotadeclaration.UnitID(unitID), quotadeclaration.Year(year), visibleTo(a),
		quotadeclaration.StatusNotIn(domain.StatusWithdrawn, domain.StatusRejected),
	).WithLines(func(lq *ent.DeclarationLineQuery) {
		lq.Where(declarationline.ChannelNEQ(domain.ChannelNormal)).Order(ent.Asc(declarationline.FieldID))
	}).Order(ent.Asc(quotadeclaration.FieldID)).All(ctx)
	if err != nil {
		return storageError("read declarations", "declaration", err)
	}
	for _, d := range ds {
		for _, l := range d.Edges.Lines {
			sl := SpecialLine{DeclarationID: d.ID, Status: d.Status, Channel: l.Channel,
				Grade: l.Grade, Series: l.Series, Count: l.Count, People: l.People}
			if d.Stage != nil {
				sl.Stage = *d.Stage
			}
			q.Lines = append(q.Lines, sl)
			counts := d.Status == domain.StatusInReview || d.Status == domain.StatusApproved
			if counts && rules.Counts(l.Channel) {
				q.CapUsed += l.Count
			}
		}
	}
	return nil
}

// SpecialCandidates lists the serving people of a unit whom an overseas or
// postdoctoral line may name: those marked as recruited from abroad or as
// postdoctoral researchers.
func (e *Engine) SpecialCandidates(ctx context.Context, unitID int) ([]PersonRef, error) {
	if _, err := e.authorize(ctx, policies.ObjPerson, policies.ActRead); err != nil {
		return nil, err
	}
	ps, err := e.client.Person.Query().Where(
		person.UnitID(unitID), person.StatusEQ(domain.PersonServing),
		person.Or(person.Overseas(true), person.Postdoctoral(true)),
	).Order(ent.Asc(person.FieldName), ent.Asc(person.FieldID)).All(ctx)
	if err != nil {
		return nil, storageError("read people", "person", err)
	}
	out := make([]PersonRef, len(ps))
	for i, p := range ps {
		out[i] = personRef(p)
	}
	return out, nil
}

// peopleRefs returns the people of ids that the actor sees.
func (e *Engine) peopleRefs(ctx context.Context, ids []int) ([]PersonRef, error) {
	out := []PersonRef{}
	if len(ids) == 0 {
		return out, nil
	}
	ps, err := e.client.Person.Query().Where(person.IDIn(ids...)).
		Order(ent.Asc(person.FieldID)).All(ctx)
	if err != nil {
		return nil, storageError("read people", "person", err)
	}
	for _, p := range ps {
		out = append(out, personRef(p))
	}
	return out, nil
}

func findPerson(ps []PersonRef, id int) PersonRef {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	return PersonRef{ID: id}
}
