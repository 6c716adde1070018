package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/department"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/postplan"
	"github.com/zhicheng-hr/zhicheng/ent/unit"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/policies"
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
type SyncCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Refused   int `json:"refused"`
	// Left counts people of the source's units that the source no longer
	// has: they are marked as left, never deleted.
	Left int `json:"left,omitempty"`
}

// Refusal is a source record that failed validation and was not applied.
type Refusal struct {
	Kind   string `json:"kind"`   // department, unit, person, post
	Key    string `json:"key"`    // the record's key, masked where personal
	Field  string `json:"field"`  // the field at fault
	Reason string `json:"reason"` // why, in English
}

// SyncInput is what a sync reads from a source: everything, for the posts
// of the given years.
type SyncInput struct {
	Departments []contract.Department
	Units       []contract.Unit
	People      []contract.Person
	Posts       []contract.Post
}

// ReadSource reads everything a sync needs from src. It returns an error,
// and nothing, if any read fails.
func ReadSource(ctx context.Context, src contract.Source, years ...int) (SyncInput, error) {
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
	for _, y := range years {
		posts, err := src.Posts(ctx, y, "")
		if err != nil {
			return SyncInput{}, fmt.Errorf("read posts of %d: %w", y, err)
		}
		in.Posts = append(in.Posts, posts...)
	}
	return in, nil
}

// Sync reads a tenant's institution system through src and applies it.
// Nothing is written if the source fails; a record that fails validation is
// refused and reported while the rest proceed.
func (e *Engine) Sync(ctx context.Context, tenantID int, src contract.Source, years ...int) (SyncReport, error) {
	if _, err := e.authorizeTenant(ctx, tenantID, policies.ObjSync, policies.ActRun); err != nil {
		return SyncReport{}, err
	}
	in, err := ReadSource(ctx, src, years...)
	if err != nil {
		return SyncReport{}, &Error{Kind: KindInternal, Code: "sync.source", Op: "sync", Err: err}
	}
	return e.apply(ctx, tenantID, in)
}

// apply writes a sync's input in one transaction.
func (e *Engine) apply(ctx context.Context, tenantID int, in SyncInput) (SyncReport, error) {
	a, _ := actor(ctx)
	a.TenantID = tenantID
	var rep SyncReport
	sys := system(ctx)
	err := e.inTx(sys, func(tx *ent.Tx) error {
		s := &syncer{e: e, tx: tx, tenantID: tenantID, rep: &rep}
		steps := []func(context.Context, SyncInput) error{
			s.departments, s.units, s.people, s.posts,
		}
		for _, step := range steps {
			if err := step(sys, in); err != nil {
				return err
			}
		}
		detail := fmt.Sprintf("people created %d updated %d unchanged %d refused %d",
			rep.People.Created, rep.People.Updated, rep.People.Unchanged, rep.People.Refused)
		return e.audit(sys, tx, a, "sync", "tenant", detail)
	})
	if err != nil {
		return SyncReport{}, err
	}
	e.log.Info("sync applied", "tenant", tenantID, "people", len(in.People),
		"refused", len(rep.Refusals))
	return rep, nil
}

// syncer applies one sync inside its transaction.
type syncer struct {
	e        *Engine
	tx       *ent.Tx
	tenantID int
	rep      *SyncReport
	deptIDs  map[string]int // department code → id
	unitIDs  map[string]int // credit code → id
}

func (s *syncer) refuse(c *SyncCounts, kind, key, field, reason string) {
	c.Refused++
	s.rep.Refusals = append(s.rep.Refusals, Refusal{Kind: kind, Key: key, Field: field, Reason: reason})
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

func (s *syncer) people(ctx context.Context, in SyncInput) error {
	existing, err := s.tx.Person.Query().Where(person.TenantID(s.tenantID)).
		Select(person.FieldID, person.FieldUnitID, person.FieldIDNumberHash, person.FieldSourceDigest,
			person.FieldStatus, person.FieldTitleSeries, person.FieldTitleName, person.FieldTitleGrade,
			person.FieldTitleDate, person.FieldTitleMethod).All(ctx)
	if err != nil {
		return internal("read people", err)
	}
	byHash := map[string]*ent.Person{}
	for _, p := range existing {
		byHash[p.IDNumberHash] = p
	}
	c := &s.rep.People
	var creates []*ent.PersonCreate
	seen := map[string]bool{}
	for _, src := range in.People {
		r, field, reason := s.e.personRecord(src, s.unitIDs)
		if reason != "" {
			s.refuse(c, "person", src.SourceID, field, reason)
			continue
		}
		if seen[r.hash] {
			s.refuse(c, "person", src.SourceID, "id_number", "duplicate ID number in source")
			continue
		}
		seen[r.hash] = true
		old, ok := byHash[r.hash]
		switch {
		case !ok:
			creates = append(creates, r.apply(s.tx.Person.Create().SetTenantID(s.tenantID).
				SetUnitID(r.unitID).SetIDNumberHash(r.hash)))
			c.Created++
		case old.SourceDigest == r.digest:
			c.Unchanged++
		default:
			upd := r.update(s.tx.Person.UpdateOneID(old.ID))
			if titleComplete(old) {
				keepTitle(upd.Mutation())
			}
			if err := upd.Exec(ctx); err != nil {
				return internal("update person", err)
			}
			c.Updated++
		}
	}
	for i := 0; i < len(creates); i += bulkSize {
		end := min(i+bulkSize, len(creates))
		if err := s.tx.Person.CreateBulk(creates[i:end]...).Exec(ctx); err != nil {
			return internal("create people", err)
		}
	}
	return s.markLeft(ctx, existing, seen)
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

func (s *syncer) posts(ctx context.Context, in SyncInput) error {
	existing, err := s.tx.PostPlan.Query().Where(postplan.TenantID(s.tenantID)).All(ctx)
	if err != nil {
		return internal("read post plans", err)
	}
	type key struct{ unit, year, level int }
	byKey := map[key]*ent.PostPlan{}
	for _, p := range existing {
		byKey[key{p.UnitID, p.Year, int(p.Level)}] = p
	}
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
		case !domain.PostLevel(p.Level).Valid():
			s.refuse(c, "post", id, "level", "post level outside 1–13")
			continue
		case p.Approved < 0:
			s.refuse(c, "post", id, "approved", "negative number of posts")
			continue
		}
		old, ok := byKey[key{unitID, p.Year, p.Level}]
		switch {
		case !ok:
			err := s.tx.PostPlan.Create().SetTenantID(s.tenantID).SetUnitID(unitID).
				SetYear(p.Year).SetLevel(domain.PostLevel(p.Level)).SetApproved(p.Approved).Exec(ctx)
			if err != nil {
				return internal("create post plan", err)
			}
			c.Created++
		case old.Approved != p.Approved:
			if err := old.Update().SetApproved(p.Approved).Exec(ctx); err != nil {
				return internal("update post plan", err)
			}
			c.Updated++
		default:
			c.Unchanged++
		}
	}
	return nil
}

// personRecord is a source person validated and converted for storage.
type personRecord struct {
	src       contract.Person
	unitID    int
	id        domain.IDNumber
	hash      string
	digest    string
	sex       domain.Sex
	dates     map[string]*time.Time
	category  *domain.PostCategory
	level     *int
	grade     *domain.Grade
	status    domain.PersonStatus
	idSealed  []byte
	mobSealed []byte
}

// personRecord validates a source person. It returns the field at fault
// and the reason when the record must be refused.
func (e *Engine) personRecord(p contract.Person, units map[string]int) (personRecord, string, string) {
	r := personRecord{src: p, dates: map[string]*time.Time{}}
	var ok bool
	if r.unitID, ok = units[p.UnitCode]; !ok {
		return r, "unit", "unknown unit"
	}
	name := strings.TrimSpace(p.Name)
	if name == "" || utf8.RuneCountInString(name) > 30 {
		return r, "name", "missing or longer than 30 characters"
	}
	id, err := domain.ParseIDNumber(p.IDNumber)
	if err != nil {
		return r, "id_number", err.Error()
	}
	r.id = id
	r.sex = id.Sex()
	if p.Sex != "" && domain.Sex(p.Sex) != r.sex {
		return r, "sex", "does not match the ID number"
	}
	for field, v := range map[string]string{
		"birth_date": p.BirthDate, "graduation_date": p.GraduationDate,
		"started_work": p.StartedWork, "joined_unit": p.JoinedUnit,
		"appointed_date": p.AppointedDate, "title_date": p.TitleDate, "left_date": p.LeftDate,
	} {
		if v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return r, field, "not a date of the form YYYY-MM-DD"
		}
		r.dates[field] = &t
	}
	if b := r.dates["birth_date"]; b != nil && !b.Equal(id.BirthDate()) {
		return r, "birth_date", "does not match the ID number"
	}
	if field, reason := r.classify(); reason != "" {
		return r, field, reason
	}
	r.hash = e.seal.lookupHash(string(id))
	r.digest = digest(p)
	r.idSealed = e.seal.seal(string(id))
	if p.Mobile != "" {
		r.mobSealed = e.seal.seal(p.Mobile)
	}
	return r, "", ""
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

func (r personRecord) apply(c *ent.PersonCreate) *ent.PersonCreate {
	m := c.Mutation()
	r.set(m)
	return c
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
	setTime(m.SetBirthDate, m.ClearBirthDate, r.dates["birth_date"])
	setTime(m.SetGraduationDate, m.ClearGraduationDate, r.dates["graduation_date"])
	setTime(m.SetStartedWork, m.ClearStartedWork, r.dates["started_work"])
	setTime(m.SetJoinedUnit, m.ClearJoinedUnit, r.dates["joined_unit"])
	setTime(m.SetAppointedDate, m.ClearAppointedDate, r.dates["appointed_date"])
	setTime(m.SetTitleDate, m.ClearTitleDate, r.dates["title_date"])
	setTime(m.SetStatusDate, m.ClearStatusDate, r.dates["left_date"])
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

func setTime(set func(time.Time), clear func(), t *time.Time) {
	if t == nil {
		clear()
		return
	}
	set(*t)
}
