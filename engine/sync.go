package engine

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/department"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/postplan"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
)

// SyncReport counts what a sync did, per kind of record.
type SyncReport struct {
	Departments SyncCounts `json:"departments"`
	Units       SyncCounts `json:"units"`
	People      SyncCounts `json:"people"`
	Posts       SyncCounts `json:"posts"`
	Refusals    []Refusal  `json:"refusals,omitempty"`
}

// SyncCounts counts the records of one kind.
type SyncCounts = domain.SyncCounts

// Totals returns the report's counts without its refusals.
func (r SyncReport) Totals() domain.SyncTotals {
	return domain.SyncTotals{Departments: r.Departments, Units: r.Units, People: r.People, Posts: r.Posts}
}

// Refusal is a source record that failed validation, or that a rule of
// this system kept from being applied, and was not applied.
type Refusal struct {
	Kind   string `json:"kind"`   // department, unit, person, post
	Key    string `json:"key"`    // the record's key, masked where personal
	Field  string `json:"field"`  // the field at fault
	Reason string `json:"reason"` // why, in English
	// Code and Params, when set, say why as a catalog message: a rule of
	// this system refused the record, such as the bureau's lock of the
	// year's post plans.
	Code   string `json:"code,omitempty"`
	Params P      `json:"params,omitempty"`
}

// SyncInput is what a sync reads from a source.
type SyncInput struct {
	Departments []contract.Department
	Units       []contract.Unit
	People      []contract.Person
	Posts       []contract.Post
}

// ReadSource reads everything a whole-tenant sync needs from src, with
// the approved posts of year. It returns an error, and nothing, if any
// read fails.
func ReadSource(ctx context.Context, src contract.Source, year int) (SyncInput, error) {
	var in SyncInput
	var err error
	if in.Departments, err = src.Departments(ctx); err != nil {
		return SyncInput{}, fmt.Errorf("read departments: %w", err)
	}
	if in.Units, err = src.Units(ctx, ""); err != nil {
		return SyncInput{}, fmt.Errorf("read units: %w", err)
	}
	if in.People, err = src.People(ctx, ""); err != nil {
		return SyncInput{}, fmt.Errorf("read people: %w", err)
	}
	if in.Posts, err = src.Posts(ctx, year, ""); err != nil {
		return SyncInput{}, fmt.Errorf("read posts of %d: %w", year, err)
	}
	return in, nil
}

// Sync reads a tenant's whole institution system through src, with the
// approved posts of year, and applies it; the run is recorded. Nothing is
// written if the source fails; a record that fails validation is refused
// and reported while the rest proceed.
func (e *Engine) Sync(ctx context.Context, tenantID int, src contract.Source, year int) (SyncReport, error) {
	run, err := e.SyncFrom(ctx, tenantID, src, SyncRequest{Year: year}, SyncOptions{Plugin: "direct"})
	if err != nil {
		return SyncReport{}, err
	}
	return run.report, nil
}

// syncer applies one sync inside its transaction.
type syncer struct {
	e        *Engine
	tx       *ent.Tx
	stx      *sql.Tx   // tx, to prepare statements in
	insert   *sql.Stmt // creates insertBatch people, once prepared
	tenantID int
	runID    int
	year     int
	rep      *SyncReport
	deptIDs  map[string]int // department code → id
	unitIDs  map[string]int // credit code → id, of the units the sync covers
	progress func(done, total int)
}

func (s *syncer) refuse(c *SyncCounts, kind, key, field, reason string) {
	s.refuseWith(c, Refusal{Kind: kind, Key: key, Field: field, Reason: reason})
}

func (s *syncer) refuseWith(c *SyncCounts, r Refusal) {
	c.Refused++
	if r.Kind == "person" {
		r.Key = maskKey(r.Key)
	}
	if utf8.RuneCountInString(r.Key) > 64 {
		r.Key = string([]rune(r.Key)[:64])
	}
	s.rep.Refusals = append(s.rep.Refusals, r)
}

// maskKey masks a person's key that has the shape of an ID number, as
// some institution systems use the ID number as the person number.
func maskKey(key string) string {
	if len(key) != 15 && len(key) != 18 {
		return key
	}
	for i, r := range key {
		if (r < '0' || r > '9') && !(i == len(key)-1 && (r == 'X' || r == 'x')) {
			return key
		}
	}
	return key[:6] + strings.Repeat("*", len(key)-10) + key[len(key)-4:]
}

func (s *syncer) departments(ctx context.Context, in SyncInput) error {
	existing, err := s.tx.Department.Query().Where(department.TenantID(s.tenantID)).All(ctx)
	if err != nil {
		return internal("read departments", err)
	}
	byCode := map[string]*ent.Department{}
	for _, d := range existing {
		byCode[d.Code] = d
	}
	s.deptIDs = map[string]int{}
	c := &s.rep.Departments
	for _, d := range in.Departments {
		region, err := domain.ParseRegionCode(d.Region)
		switch {
		case d.Code == "" || len(d.Code) > 32:
			s.refuse(c, "department", d.Code, "code", "missing or longer than 32 characters")
			continue
		case strings.TrimSpace(d.Name) == "":
			s.refuse(c, "department", d.Code, "name", "missing")
			continue
		case err != nil:
			s.refuse(c, "department", d.Code, "region", err.Error())
			continue
		}
		old, ok := byCode[d.Code]
		switch {
		case !ok:
			n, err := s.tx.Department.Create().SetTenantID(s.tenantID).SetCode(d.Code).
				SetName(d.Name).SetRegionCode(region).Save(ctx)
			if err != nil {
				return internal("create department", err)
			}
			s.deptIDs[d.Code] = n.ID
			c.Created++
		case old.Name != d.Name || old.RegionCode != region:
			if err := old.Update().SetName(d.Name).SetRegionCode(region).Exec(ctx); err != nil {
				return internal("update department", err)
			}
			s.deptIDs[d.Code] = old.ID
			c.Updated++
		default:
			s.deptIDs[d.Code] = old.ID
			c.Unchanged++
		}
	}
	return nil
}

func (s *syncer) units(ctx context.Context, in SyncInput) error {
	existing, err := s.tx.Unit.Query().Where(unit.TenantID(s.tenantID)).All(ctx)
	if err != nil {
		return internal("read units", err)
	}
	byCode := map[domain.CreditCode]*ent.Unit{}
	for _, u := range existing {
		byCode[u.CreditCode] = u
	}
	s.unitIDs = map[string]int{}
	c := &s.rep.Units
	for _, u := range in.Units {
		code, err := domain.ParseCreditCode(u.CreditCode)
		if err != nil {
			s.refuse(c, "unit", u.CreditCode, "credit_code", err.Error())
			continue
		}
		region, err := domain.ParseRegionCode(u.Region)
		if err != nil {
			s.refuse(c, "unit", u.CreditCode, "region", err.Error())
			continue
		}
		dept, ok := s.deptIDs[u.DepartmentCode]
		if !ok {
			s.refuse(c, "unit", u.CreditCode, "department", "unknown department code")
			continue
		}
		if strings.TrimSpace(u.Name) == "" {
			s.refuse(c, "unit", u.CreditCode, "name", "missing")
			continue
		}
		kind := domain.UnitInstitution
		if u.Kind == "2" {
			kind = domain.UnitEnterprise
		}
		old, ok := byCode[code]
		if !ok {
			n, err := s.tx.Unit.Create().SetTenantID(s.tenantID).SetCreditCode(code).
				SetName(u.Name).SetKind(kind).SetFunding(u.Funding).SetSector(u.Sector).
				SetRegionCode(region).SetDepartmentID(dept).SetContactName(u.ContactName).
				SetContactPhone(u.ContactPhone).SetAddress(u.Address).
				SetUsesInstitutionSystem(true).Save(ctx)
			if err != nil {
				return internal("create unit", err)
			}
			s.unitIDs[u.CreditCode] = n.ID
			c.Created++
			continue
		}
		s.unitIDs[u.CreditCode] = old.ID
		if old.Name == u.Name && old.Kind == kind && old.Funding == u.Funding &&
			old.Sector == u.Sector && old.RegionCode == region && old.DepartmentID == dept &&
			old.ContactName == u.ContactName && old.ContactPhone == u.ContactPhone &&
			old.Address == u.Address && old.UsesInstitutionSystem {
			c.Unchanged++
			continue
		}
		err = old.Update().SetName(u.Name).SetKind(kind).SetFunding(u.Funding).
			SetSector(u.Sector).SetRegionCode(region).SetDepartmentID(dept).
			SetContactName(u.ContactName).SetContactPhone(u.ContactPhone).
			SetAddress(u.Address).SetUsesInstitutionSystem(true).Exec(ctx)
		if err != nil {
			return internal("update unit", err)
		}
		c.Updated++
	}
	return nil
}

// bulkSize keeps a bulk insert under SQLite's limit of bound variables.
const bulkSize = 400

// people applies the source's people of the units the sync covers. A
// person is found by ID number in the whole tenant, so that one the
// source moved to another unit is moved, not created twice.
func (s *syncer) people(ctx context.Context, in SyncInput) error {
	existing, err := s.tx.Person.Query().Where(person.TenantID(s.tenantID)).
		Select(person.FieldID, person.FieldUnitID, person.FieldIDNumberHash, person.FieldSourceDigest,
			person.FieldStatus, person.FieldTitleSeries, person.FieldTitleName, person.FieldTitleGrade,
			person.FieldTitleDate, person.FieldTitleMethod).All(ctx)
	if err != nil {
		return internal("read people", err)
	}
	byHash := make(map[string]*ent.Person, len(existing))
	for _, p := range existing {
		byHash[p.IDNumberHash] = p
	}
	defer s.closeInsert()
	c := &s.rep.People
	var pending []*personRecord // checked, to create
	seen := make(map[string]bool, len(in.People))
	chunks, stop := s.e.personRecords(in.People, s.unitIDs)
	defer stop()
	handled := 0
	for chunk := range chunks {
		for i := range chunk {
			r := &chunk[i]
			if r.reason != "" {
				s.refuse(c, "person", r.src.SourceID, r.field, r.reason)
				continue
			}
			if seen[r.hash] {
				s.refuse(c, "person", r.src.SourceID, "id_number", "duplicate ID number in source")
				continue
			}
			seen[r.hash] = true
			old, ok := byHash[r.hash]
			switch {
			case !ok:
				pending = append(pending, r)
				c.Created++
			case old.SourceDigest == r.digest && old.UnitID == r.unitID:
				c.Unchanged++
			default:
				if err := s.updatePerson(ctx, old, r); err != nil {
					return err
				}
			}
		}
		handled += len(chunk)
		full := len(pending) - len(pending)%insertBatch
		if err := s.insertPeople(ctx, pending[:full]); err != nil {
			return err
		}
		pending = pending[full:]
		if s.progress != nil {
			s.progress(handled-len(pending), len(in.People))
		}
	}
	if err := s.insertPeople(ctx, pending); err != nil {
		return err
	}
	return s.markLeft(ctx, existing, seen)
}

// updatePerson applies a changed record to a person, moving them when the
// source has them in another unit.
func (s *syncer) updatePerson(ctx context.Context, old *ent.Person, r *personRecord) error {
	c := &s.rep.People
	upd := r.update(s.tx.Person.UpdateOneID(old.ID))
	if titleComplete(old) {
		keepTitle(upd.Mutation())
	}
	if old.UnitID != r.unitID {
		upd.SetUnitID(r.unitID)
		c.Moved++
	}
	if err := upd.Exec(ctx); err != nil {
		return internal("update person", err)
	}
	c.Updated++
	return nil
}

// insertBatch is the number of people one INSERT statement creates, under
// SQLite's limit of 32,766 bound values.
const insertBatch = 500

// insertPeople creates people with INSERT statements of insertBatch rows,
// in the sync's transaction. They go past ent's bulk builder, whose
// mutations cost a sync of a hundred thousand people more time than the
// database spends storing them; a sync runs as trusted code, and
// personRecord has checked every value as ent's validators would.
func (s *syncer) insertPeople(ctx context.Context, records []*personRecord) error {
	if len(records) == 0 {
		return nil
	}
	if s.insert == nil {
		var err error
		if s.insert, err = s.stx.PrepareContext(ctx, insertPeopleSQL(insertBatch)); err != nil {
			return internal("prepare to create people", err)
		}
	}
	now := s.e.now()
	args := make([]any, 0, insertBatch*len(personColumns))
	for len(records) > 0 {
		batch := records[:min(insertBatch, len(records))]
		records = records[len(batch):]
		args = args[:0]
		for _, r := range batch {
			args = r.row(args, s.tenantID, now)
		}
		var err error
		if len(batch) == insertBatch {
			_, err = s.insert.ExecContext(ctx, args...)
		} else {
			_, err = s.stx.ExecContext(ctx, insertPeopleSQL(len(batch)), args...)
		}
		if err != nil {
			return internal("create people", err)
		}
	}
	return nil
}

// closeInsert closes the prepared INSERT, if there is one.
func (s *syncer) closeInsert() {
	if s.insert != nil {
		s.insert.Close()
		s.insert = nil
	}
}

// personColumns are the columns of a person that a sync creates, in the
// order of personRecord.row.
var personColumns = []string{
	person.FieldCreatedAt, person.FieldUpdatedAt, person.FieldTenantID, person.FieldUnitID,
	person.FieldSourceID, person.FieldName, person.FieldSex, person.FieldIDNumberHash,
	person.FieldIDNumberEnc, person.FieldIDNumberMasked, person.FieldBirthDate,
	person.FieldEthnicity, person.FieldPolitical, person.FieldEducation, person.FieldDegree,
	person.FieldSchool, person.FieldMajor, person.FieldGraduationDate, person.FieldStartedWork,
	person.FieldJoinedUnit, person.FieldPostCategory, person.FieldPostLevel,
	person.FieldAppointedDate, person.FieldTitleSeries, person.FieldTitleName,
	person.FieldTitleGrade, person.FieldTitleDate, person.FieldTitleMethod, person.FieldStatus,
	person.FieldStatusDate, person.FieldOverseas, person.FieldPostdoctoral, person.FieldMobileEnc,
	person.FieldMobileMasked, person.FieldSourceDigest,
}

// insertPeopleSQL returns an INSERT of n people.
func insertPeopleSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(personColumns)), ", ") + ")"
	return "INSERT INTO " + person.Table + " (" + strings.Join(personColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// markLeft marks as left the serving people of the source's units whom the
// source no longer sends. Their digest is cleared, so that a person who
// comes back is updated, not taken as unchanged.
func (s *syncer) markLeft(ctx context.Context, existing []*ent.Person, seen map[string]bool) error {
	synced := map[int]bool{}
	for _, id := range s.unitIDs {
		synced[id] = true
	}
	now := s.e.now()
	for _, p := range existing {
		if seen[p.IDNumberHash] || !synced[p.UnitID] || p.Status != domain.PersonServing {
			continue
		}
		err := s.tx.Person.UpdateOneID(p.ID).SetStatus(domain.PersonLeft).
			SetStatusDate(now).SetSourceDigest("").Exec(ctx)
		if err != nil {
			return internal("mark person left", err)
		}
		s.rep.People.Left++
	}
	return nil
}

// titleComplete reports whether this system holds a person's whole title:
// series, title, grade, date and how it was obtained. A sync then leaves
// the title as it is.
func titleComplete(p *ent.Person) bool {
	return p.TitleSeries != "" && p.TitleName != "" && p.TitleGrade != nil &&
		p.TitleDate != nil && p.TitleMethod != ""
}

// keepTitle takes the title fields out of a sync's update.
func keepTitle(m *ent.PersonMutation) {
	m.ResetTitleSeries()
	m.ResetTitleName()
	m.ResetTitleGrade()
	m.ResetTitleDate()
	m.ResetTitleMethod()
}

// posts replaces the approved professional posts of the sync's year for
// each unit the sync covers: levels the source gives are created or
// updated, levels it no longer gives are removed, and every replaced or
// removed count is kept in the history with the run. A unit with a
// refused post row keeps its plan, so that a partial answer never
// replaces a whole one. So does a unit whose plan would change while the
// bureau has locked the year's plans, or while the change leaves a grade
// less room than its occupied posts and reserved quota (the check of a
// plan entered by hand, with its locks): its rows are refused with the
// reason, and the rest of the sync proceeds.
func (s *syncer) posts(ctx context.Context, in SyncInput) error {
	type key struct{ unit, level int }
	want := map[key]int{}
	broken := map[int]bool{}
	c := &s.rep.Posts
	for _, p := range in.Posts {
		if p.Category != "2" {
			continue
		}
		id := fmt.Sprintf("%s/%d/%d", p.UnitCode, p.Year, p.Level)
		unitID, ok := s.unitIDs[p.UnitCode]
		switch {
		case !ok:
			s.refuse(c, "post", id, "unit", "unknown unit")
			continue
		case p.Year != s.year:
			s.refuse(c, "post", id, "year", "a year other than the one asked for")
		case !domain.PostLevel(p.Level).Valid():
			s.refuse(c, "post", id, "level", "post level outside 1–13")
		case p.Approved < 0:
			s.refuse(c, "post", id, "approved", "negative number of posts")
		default:
			want[key{unitID, p.Level}] += p.Approved
			continue
		}
		broken[unitID] = true
	}

	codes := map[int]string{}
	var units []int
	for code, id := range s.unitIDs {
		codes[id] = code
		if !broken[id] {
			units = append(units, id)
		}
	}
	if len(units) == 0 {
		return nil
	}
	slices.Sort(units)
	existing, err := s.tx.PostPlan.Query().Where(postplan.TenantID(s.tenantID),
		postplan.Year(s.year), postplan.UnitIDIn(units...)).All(ctx)
	if err != nil {
		return internal("read post plans", err)
	}
	after := map[int]map[domain.PostLevel]int{}
	before := map[int]map[domain.PostLevel]int{}
	for _, id := range units {
		after[id], before[id] = map[domain.PostLevel]int{}, map[domain.PostLevel]int{}
	}
	for k, n := range want {
		if m, ok := after[k.unit]; ok {
			m[domain.PostLevel(k.level)] = n
		}
	}
	for _, p := range existing {
		before[p.UnitID][p.Level] = p.Approved
	}
	var changing []int
	for _, id := range units {
		if !maps.Equal(before[id], after[id]) {
			changing = append(changing, id)
		}
	}
	byID := map[int]*ent.Unit{}
	if len(changing) > 0 {
		us, err := s.tx.Unit.Query().Where(unit.IDIn(changing...)).All(ctx)
		if err != nil {
			return internal("read units", err)
		}
		for _, u := range us {
			byID[u.ID] = u
		}
	}

	var history []*ent.PostPlanHistoryCreate
	record := func(p *ent.PostPlan, now *int) {
		h := s.tx.PostPlanHistory.Create().SetTenantID(s.tenantID).SetUnitID(p.UnitID).
			SetYear(p.Year).SetLevel(p.Level).SetOldApproved(p.Approved).
			SetNillableNewApproved(now).SetAt(s.e.now())
		if s.runID != 0 {
			h.SetRunID(s.runID)
		}
		history = append(history, h)
	}
	for _, id := range units {
		u, ok := byID[id]
		if !ok { // unchanged
			c.Unchanged += len(after[id])
			continue
		}
		rows, err := s.guardPlan(ctx, u, after[id])
		if err != nil {
			var ee *Error
			if !errors.As(err, &ee) || ee.Kind != KindConflict {
				return err
			}
			s.refusePlan(codes[id], before[id], after[id], ee)
			continue
		}
		have := map[domain.PostLevel]*ent.PostPlan{}
		for _, r := range rows {
			have[r.Level] = r
		}
		for _, l := range sortedLevels(after[id]) {
			n := after[id][l]
			old, ok := have[l]
			switch {
			case !ok:
				err := s.tx.PostPlan.Create().SetTenantID(s.tenantID).SetUnitID(id).
					SetYear(s.year).SetLevel(l).SetApproved(n).Exec(ctx)
				if err != nil {
					return internal("create post plan", err)
				}
				c.Created++
			case old.Approved != n:
				if err := old.Update().SetApproved(n).Exec(ctx); err != nil {
					return internal("update post plan", err)
				}
				record(old, &n)
				c.Updated++
			default:
				c.Unchanged++
			}
		}
		for _, old := range rows {
			if _, ok := after[id][old.Level]; ok {
				continue
			}
			if err := s.tx.PostPlan.DeleteOneID(old.ID).Exec(ctx); err != nil {
				return internal("remove post plan", err)
			}
			record(old, nil)
			c.Removed++
		}
	}
	for i := 0; i < len(history); i += bulkSize {
		end := min(i+bulkSize, len(history))
		if err := s.tx.PostPlanHistory.CreateBulk(history[i:end]...).Exec(ctx); err != nil {
			return internal("keep post plan history", err)
		}
	}
	return nil
}

// guardPlan refuses a change of unit u's plan of the sync's year to after
// while the bureau has locked the year's plans, then checks it as a plan
// entered by hand is checked, with the same locks. It returns the plan
// rows as last committed.
func (s *syncer) guardPlan(ctx context.Context, u *ent.Unit, after map[domain.PostLevel]int) ([]*ent.PostPlan, error) {
	lock, err := planLock(ctx, s.tx.Client(), u, s.year)
	if err != nil {
		return nil, err
	}
	if lock != nil {
		return nil, conflict("sync.posts_locked", P{"year": s.year, "on": string(domain.DayOf(lock.LockedAt))})
	}
	return s.e.guardPlan(ctx, s.tx, u, s.year, after)
}

// refusePlan refuses every post row of a unit's plan that a sync was to
// change, the levels it has and the levels the source gives, for the
// reason e.
func (s *syncer) refusePlan(code string, before, after map[domain.PostLevel]int, e *Error) {
	levels := map[domain.PostLevel]int{}
	maps.Copy(levels, before)
	maps.Copy(levels, after)
	field := "approved"
	if e.Code == "sync.posts_locked" {
		field = "year"
	}
	for _, l := range sortedLevels(levels) {
		s.refuseWith(&s.rep.Posts, Refusal{Kind: "post", Key: fmt.Sprintf("%s/%d/%d", code, s.year, l),
			Field: field, Reason: refusalReason(e), Code: e.Code, Params: e.Params})
	}
}

// refusalReason says in English why a rule refused a sync's record.
func refusalReason(e *Error) string {
	p := e.Params
	switch e.Code {
	case "sync.posts_locked":
		return fmt.Sprintf("the bureau locked the post plans of %v on %v; the unit keeps its plan", p["year"], p["on"])
	case "postplan.below_reserved":
		return fmt.Sprintf("%v would have %v approved posts for %v occupied and %v reserved; the unit keeps its plan",
			p["grade"], p["approved"], p["occupied"], p["reserved"])
	}
	return e.Code
}

// sortedLevels returns the levels of m in order.
func sortedLevels(m map[domain.PostLevel]int) []domain.PostLevel {
	return slices.Sorted(maps.Keys(m))
}

// personRecord is a source person validated and converted for storage,
// or the field at fault and the reason it is refused.
type personRecord struct {
	src       contract.Person
	field     string
	reason    string
	unitID    int
	id        domain.IDNumber
	hash      string
	digest    string
	sex       domain.Sex
	dates     [dateFields]*time.Time
	category  *domain.PostCategory
	level     *int
	grade     *domain.Grade
	status    domain.PersonStatus
	idSealed  []byte
	mobSealed []byte
}

// The dates of a source person, as indexes of personRecord.dates.
const (
	birthDate = iota
	graduationDate
	startedWork
	joinedUnit
	appointedDate
	titleDate
	leftDate
	dateFields
)

// dateNames are the contract's names of the dates, by index.
var dateNames = [dateFields]string{"birth_date", "graduation_date", "started_work", "joined_unit",
	"appointed_date", "title_date", "left_date"}

// recordChunk is how many people personRecords checks at a time.
const recordChunk = 4000

// personRecords checks and converts the source's people, a chunk at a
// time on every processor, while the caller writes the chunk before:
// sealing the ID and phone numbers and the digests are much of the work
// of a sync. The chunks come in the source's order. stop ends the work
// early; call it when done.
func (e *Engine) personRecords(people []contract.Person, units map[string]int) (<-chan []personRecord, func()) {
	out := make(chan []personRecord, 1)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for start := 0; start < len(people); start += recordChunk {
			chunk := e.checkPeople(people[start:min(start+recordChunk, len(people))], units)
			select {
			case out <- chunk:
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(done) }) }
}

// checkPeople checks people on every processor.
func (e *Engine) checkPeople(people []contract.Person, units map[string]int) []personRecord {
	out := make([]personRecord, len(people))
	workers := runtime.GOMAXPROCS(0)
	part := max(1, (len(people)+workers-1)/workers)
	var wg sync.WaitGroup
	for start := 0; start < len(people); start += part {
		wg.Go(func() {
			for i := start; i < min(start+part, len(people)); i++ {
				out[i] = e.personRecord(people[i], units)
			}
		})
	}
	wg.Wait()
	return out
}

// textLimits are the longest values of a person's text fields as the
// schema stores them: codes in bytes, what people type in characters.
var textLimits = []struct {
	field string
	max   int
	runes bool
	value func(p contract.Person) string
}{
	{"source_id", 32, false, func(p contract.Person) string { return p.SourceID }},
	{"ethnicity", 2, false, func(p contract.Person) string { return p.Ethnicity }},
	{"political", 2, false, func(p contract.Person) string { return p.Political }},
	{"education", 2, false, func(p contract.Person) string { return p.Education }},
	{"degree", 1, false, func(p contract.Person) string { return p.Degree }},
	{"school", 100, true, func(p contract.Person) string { return p.School }},
	{"major", 100, true, func(p contract.Person) string { return p.Major }},
	{"title_series", 50, true, func(p contract.Person) string { return p.TitleSeries }},
	{"title_name", 50, true, func(p contract.Person) string { return p.TitleName }},
}

// personRecord validates a source person. The record's field and reason
// say why it must be refused, if it must.
func (e *Engine) personRecord(p contract.Person, units map[string]int) personRecord {
	r := personRecord{src: p}
	refuse := func(field, reason string) personRecord {
		r.field, r.reason = field, reason
		return r
	}
	var ok bool
	if r.unitID, ok = units[p.UnitCode]; !ok {
		return refuse("unit", "unknown unit")
	}
	name := strings.TrimSpace(p.Name)
	if name == "" || utf8.RuneCountInString(name) > 30 {
		return refuse("name", "missing or longer than 30 characters")
	}
	for _, l := range textLimits {
		v := l.value(p)
		if n := len(v); n > l.max && (!l.runes || utf8.RuneCountInString(v) > l.max) {
			return refuse(l.field, fmt.Sprintf("longer than %d characters", l.max))
		}
	}
	id, err := domain.ParseIDNumber(p.IDNumber)
	if err != nil {
		return refuse("id_number", err.Error())
	}
	r.id = id
	r.sex = id.Sex()
	if p.Sex != "" && domain.Sex(p.Sex) != r.sex {
		return refuse("sex", "does not match the ID number")
	}
	values := [dateFields]string{p.BirthDate, p.GraduationDate, p.StartedWork, p.JoinedUnit,
		p.AppointedDate, p.TitleDate, p.LeftDate}
	for i, v := range values {
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return refuse(dateNames[i], "not a date of the form YYYY-MM-DD")
		}
		r.dates[i] = &t
	}
	if b := r.dates[birthDate]; b != nil && !b.Equal(id.BirthDate()) {
		return refuse("birth_date", "does not match the ID number")
	}
	if field, reason := r.classify(); reason != "" {
		return refuse(field, reason)
	}
	r.hash = e.seal.lookupHash(string(id))
	r.digest = digest(p)
	r.idSealed = e.seal.seal(string(id))
	if p.Mobile != "" {
		r.mobSealed = e.seal.seal(p.Mobile)
	}
	return r
}

// classify converts the coded fields: post category and level, title grade
// and status.
func (r *personRecord) classify() (string, string) {
	p := r.src
	categories := map[string]domain.PostCategory{
		"1": domain.PostManagement, "2": domain.PostProfessional, "3": domain.PostWorker,
	}
	if c, ok := categories[p.PostCategory]; ok {
		r.category = &c
		if p.PostLevel != 0 {
			lv := p.PostLevel
			r.level = &lv
		}
	} else if p.PostCategory != "" {
		return "post_category", "unknown post category code"
	}
	if r.category != nil && *r.category == domain.PostProfessional && r.level != nil &&
		!domain.PostLevel(*r.level).Valid() {
		return "post_level", "post level outside 1–13"
	}
	if p.TitleGrade != "" {
		g, ok := domain.GradeFromCode(p.TitleGrade)
		if !ok {
			return "title_grade", "unknown title grade code"
		}
		r.grade = &g
	}
	switch p.Status {
	case "1", "":
		r.status = domain.PersonServing
	case "2":
		r.status = domain.PersonRetired
	case "3":
		r.status = domain.PersonLeft
	default:
		return "status", "unknown status code"
	}
	return "", ""
}

// titleMethods maps the institution system's codes of how a title was
// obtained to this system's.
var titleMethods = map[string]string{"1": "evaluation", "2": "recognition", "3": "examination"}

// digest fingerprints a source record, so that an unchanged record is
// recognised without decrypting anything.
func digest(p contract.Person) string {
	h := sha256.New()
	fmt.Fprintf(h, "%#v", p)
	return hex.EncodeToString(h.Sum(nil))
}

func (r personRecord) update(u *ent.PersonUpdateOne) *ent.PersonUpdateOne {
	r.set(u.Mutation())
	return u
}

// set writes the record's fields into a create or update mutation.
func (r personRecord) set(m *ent.PersonMutation) {
	p := r.src
	m.SetSourceID(p.SourceID)
	m.SetName(strings.TrimSpace(p.Name))
	m.SetSex(r.sex)
	m.SetIDNumberEnc(r.idSealed)
	m.SetIDNumberMasked(r.id.Masked())
	m.SetEthnicity(p.Ethnicity)
	m.SetPolitical(p.Political)
	m.SetEducation(p.Education)
	m.SetDegree(p.Degree)
	m.SetSchool(p.School)
	m.SetMajor(p.Major)
	m.SetTitleSeries(p.TitleSeries)
	m.SetTitleName(p.TitleName)
	m.SetTitleMethod(titleMethods[p.TitleMethod])
	m.SetStatus(r.status)
	m.SetSourceDigest(r.digest)
	setTime(m.SetBirthDate, m.ClearBirthDate, r.dates[birthDate])
	setTime(m.SetGraduationDate, m.ClearGraduationDate, r.dates[graduationDate])
	setTime(m.SetStartedWork, m.ClearStartedWork, r.dates[startedWork])
	setTime(m.SetJoinedUnit, m.ClearJoinedUnit, r.dates[joinedUnit])
	setTime(m.SetAppointedDate, m.ClearAppointedDate, r.dates[appointedDate])
	setTime(m.SetTitleDate, m.ClearTitleDate, r.dates[titleDate])
	setTime(m.SetStatusDate, m.ClearStatusDate, r.dates[leftDate])
	if r.category != nil {
		m.SetPostCategory(*r.category)
	} else {
		m.ClearPostCategory()
	}
	if r.level != nil {
		m.SetPostLevel(*r.level)
	} else {
		m.ClearPostLevel()
	}
	if r.grade != nil {
		m.SetTitleGrade(*r.grade)
	} else {
		m.ClearTitleGrade()
	}
	if r.mobSealed != nil {
		m.SetMobileEnc(r.mobSealed)
		m.SetMobileMasked(maskMobile(p.Mobile))
	} else {
		m.ClearMobileEnc()
		m.ClearMobileMasked()
	}
}

// row appends the values of a new person, in the order of personColumns,
// as set would store them.
func (r *personRecord) row(args []any, tenantID int, now time.Time) []any {
	p := r.src
	date := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return *t
	}
	var category, level, grade, mobile, masked any
	if r.category != nil {
		category = string(*r.category)
	}
	if r.level != nil {
		level = *r.level
	}
	if r.grade != nil {
		grade = string(*r.grade)
	}
	if r.mobSealed != nil {
		mobile, masked = r.mobSealed, maskMobile(p.Mobile)
	}
	return append(args,
		now, now, tenantID, r.unitID, p.SourceID, strings.TrimSpace(p.Name), string(r.sex), r.hash,
		r.idSealed, r.id.Masked(), date(r.dates[birthDate]), p.Ethnicity, p.Political,
		p.Education, p.Degree, p.School, p.Major, date(r.dates[graduationDate]),
		date(r.dates[startedWork]), date(r.dates[joinedUnit]), category, level,
		date(r.dates[appointedDate]), p.TitleSeries, p.TitleName, grade, date(r.dates[titleDate]),
		titleMethods[p.TitleMethod], string(r.status), date(r.dates[leftDate]), false, false,
		mobile, masked, r.digest)
}

func setTime(set func(time.Time), clear func(), t *time.Time) {
	if t == nil {
		clear()
		return
	}
	set(*t)
}
