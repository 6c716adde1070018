package engine

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/applicationevent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/ent/titleapplication"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// Application is a title application (职称申报) with the facts of the
// person it read, its eligibility and its review history.
type Application struct {
	ID           int                    `json:"id"`
	Kind         domain.ApplicationKind `json:"kind"`
	Unit         UnitRef                `json:"unit"`
	Year         int                    `json:"year"`
	Person       Applicant              `json:"person"`
	Series       string                 `json:"series"`
	TargetGrade  domain.Grade           `json:"target_grade"`
	TargetTitle  string                 `json:"target_title"`
	Channel      domain.Channel         `json:"channel,omitempty"` // evaluations only
	Exceptional  bool                   `json:"exceptional"`
	Recommenders []domain.Recommender   `json:"recommenders,omitempty"`
	Status       domain.Status          `json:"status"`
	Stage        domain.Role            `json:"stage,omitempty"` // who must act next, in review
	// Chain is the approval chain it was last submitted under.
	Chain   []domain.Role `json:"chain,omitempty"`
	Version int           `json:"version"`
	// HoldsQuota says whether the application holds a seat of the unit's
	// evaluation quota: from submission until returned, rejected or
	// withdrawn.
	HoldsQuota bool `json:"holds_quota"`
	// Eligibility is the outcome of the tenant's rules today for the
	// facts the application holds; lists leave it out.
	Eligibility *EligibilityCheck `json:"eligibility,omitempty"`
	History     []Event           `json:"history"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	SubmittedAt *time.Time        `json:"submitted_at,omitempty"`
}

// Applicant is the person of an application as the application read the
// record: when it was last saved, and frozen when it was submitted.
type Applicant struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	PersonFacts
	TitleSeries  string `json:"title_series,omitempty"`
	TitleName    string `json:"title_name,omitempty"`
	PostLevel    *int   `json:"post_level,omitempty"`
	Overseas     bool   `json:"overseas"`
	Postdoctoral bool   `json:"postdoctoral"`
}

// ApplicationInput is what a clerk chooses. Kind and person are fixed
// when the application is created; an update ignores them. Channel is the
// quota an evaluation uses, the normal channel when empty; a recognition
// has none. Recommenders count only with Exceptional. Version, when not
// zero, must match the stored version for an update to succeed.
type ApplicationInput struct {
	Kind         domain.ApplicationKind `json:"kind"`
	PersonID     int                    `json:"person_id"`
	Year         int                    `json:"year"`
	Version      int                    `json:"version,omitempty"`
	Series       string                 `json:"series"`
	TargetGrade  domain.Grade           `json:"target_grade"`
	TargetTitle  string                 `json:"target_title"`
	Channel      domain.Channel         `json:"channel,omitempty"`
	Exceptional  bool                   `json:"exceptional,omitempty"`
	Recommenders []domain.Recommender   `json:"recommenders,omitempty"`
}

// ApplicationFilter selects applications to list; zero fields select all.
type ApplicationFilter struct {
	UnitID int
	Year   int
	Kind   domain.ApplicationKind
	Status domain.Status
}

// CreateApplication saves a new draft application for a serving person of
// the clerk's unit, with a copy of the facts of the person's record that
// the rules read. A person has at most one open application a year (a
// draft, returned, in review or approved one); a second is a conflict
// naming the first. An ineligible draft is saved all the same: the
// reasons are shown, and submission waits.
func (e *Engine) CreateApplication(ctx context.Context, in ApplicationInput) (Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActCreate)
	if err != nil {
		return Application{}, err
	}
	in = in.normalized()
	if err := in.validate(); err != nil {
		return Application{}, err
	}
	var id int
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		p, err := applicantOf(ctx, tx.Client(), in)
		if err != nil {
			return err
		}
		if err := e.checkWindow(ctx, tx.Client(), a.TenantID, p.UnitID, in.Year, WindowApplication); err != nil {
			return err
		}
		if err := checkOpen(ctx, tx, p.ID, in.Year, 0); err != nil {
			return err
		}
		c := tx.TitleApplication.Create().
			SetTenantID(a.TenantID).SetUnitID(p.UnitID).SetPersonID(p.ID).
			SetKind(titleapplication.Kind(in.Kind)).SetYear(in.Year).SetOpen(true).
			SetCreatedBy(a.UserID)
		setChoice(c.Mutation(), in)
		setSnapshot(c.Mutation(), p, true)
		row, err := c.Save(ctx)
		if ent.IsConstraintError(err) {
			return conflict("application.open_exists", P{"year": in.Year})
		}
		if err != nil {
			return storageError("create application", "application", err)
		}
		id = row.ID
		return e.audit(ctx, tx, a, "application.create", applicationObject(id), "")
	})
	if err != nil {
		return Application{}, err
	}
	return e.Application(ctx, id)
}

// UpdateApplication changes what a draft or returned application asks for
// and reads the person's record again.
func (e *Engine) UpdateApplication(ctx context.Context, id int, in ApplicationInput) (Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActUpdate)
	if err != nil {
		return Application{}, err
	}
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		row, err := tx.TitleApplication.Get(ctx, id)
		if err != nil {
			return storageError("read application", "application", err)
		}
		in.Kind, in.PersonID = domain.ApplicationKind(row.Kind), row.PersonID
		in.Year = orDefault(in.Year, row.Year)
		in = in.normalized()
		if err := in.validate(); err != nil {
			return err
		}
		if !row.Status.Editable() {
			return conflict("application.not_editable", P{"status": row.Status})
		}
		if in.Version != 0 && in.Version != row.Version {
			return conflict("application.changed", nil)
		}
		p, err := applicantOf(ctx, tx.Client(), in)
		if err != nil {
			return err
		}
		if err := e.checkWindow(ctx, tx.Client(), a.TenantID, row.UnitID, in.Year, WindowApplication); err != nil {
			return err
		}
		if in.Year != row.Year {
			if err := checkOpen(ctx, tx, row.PersonID, in.Year, id); err != nil {
				return err
			}
		}
		upd := tx.TitleApplication.Update().
			Where(titleapplication.ID(id), titleapplication.Version(row.Version)).
			SetYear(in.Year).AddVersion(1)
		setChoice(upd.Mutation(), in)
		setSnapshot(upd.Mutation(), p, false)
		n, err := upd.Save(ctx)
		if ent.IsConstraintError(err) {
			return conflict("application.open_exists", P{"year": in.Year})
		}
		if err != nil {
			return storageError("update application", "application", err)
		}
		if n == 0 {
			return conflict("application.changed", nil)
		}
		return e.audit(ctx, tx, a, "application.update", applicationObject(id), "")
	})
	if err != nil {
		return Application{}, err
	}
	return e.Application(ctx, id)
}

// DeleteApplication deletes a draft that was never submitted. A returned
// application keeps its history and cannot be deleted.
func (e *Engine) DeleteApplication(ctx context.Context, id int) error {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActDelete)
	if err != nil {
		return err
	}
	return e.inTx(ctx, func(tx *ent.Tx) error {
		row, err := tx.TitleApplication.Get(ctx, id)
		if err != nil {
			return storageError("read application", "application", err)
		}
		if row.Status != domain.StatusDraft {
			return conflict("application.not_deletable", P{"status": row.Status})
		}
		n, err := tx.TitleApplication.Delete().
			Where(titleapplication.ID(id), titleapplication.StatusEQ(domain.StatusDraft)).Exec(ctx)
		if err != nil {
			return storageError("delete application", "application", err)
		}
		if n == 0 {
			return conflict("application.changed", nil)
		}
		return e.audit(ctx, tx, a, "application.delete", applicationObject(id), "")
	})
}

// Application returns an application with its history and its
// eligibility under the tenant's settings in force for its year.
func (e *Engine) Application(ctx context.Context, id int) (Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActRead)
	if err != nil {
		return Application{}, err
	}
	row, err := e.client.TitleApplication.Query().
		Where(titleapplication.ID(id), applicationVisibleTo(a)).
		WithUnit().
		WithEvents(func(q *ent.ApplicationEventQuery) { q.Order(ent.Asc(applicationevent.FieldID)) }).
		Only(ctx)
	if err != nil {
		return Application{}, storageError("read application", "application", err)
	}
	set, err := e.settingsFor(ctx, a.TenantID, row.Year)
	if err != nil {
		return Application{}, err
	}
	out := applicationOf(row)
	check := CheckEligibility(set, out.Person.PersonFacts, out.question())
	out.Eligibility = &check
	return out, nil
}

// PreviewApplication shows what an application would read and decide
// without saving anything: the person's facts from their record now, and
// the eligibility once kind, series and target grade are chosen. The
// console's form shows it while the clerk chooses.
func (e *Engine) PreviewApplication(ctx context.Context, in ApplicationInput) (Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActCreate)
	if err != nil {
		return Application{}, err
	}
	in = in.normalized()
	if err := checkYear(in.Year); err != nil {
		return Application{}, err
	}
	p, err := e.client.Person.Query().Where(person.ID(in.PersonID)).WithUnit().Only(ctx)
	if err != nil {
		return Application{}, storageError("read person", "person", err)
	}
	out := Application{Kind: in.Kind, Year: in.Year, Person: applicantFromPerson(p),
		Series: in.Series, TargetGrade: in.TargetGrade, TargetTitle: in.TargetTitle,
		Channel: in.Channel, Exceptional: in.Exceptional, Recommenders: in.Recommenders,
		Status: domain.StatusDraft, History: []Event{}}
	if p.Edges.Unit != nil {
		out.Unit = unitRef(p.Edges.Unit)
	}
	if in.Kind.Valid() && knownSeries(in.Series) && in.TargetGrade.Valid() {
		set, err := e.settingsFor(ctx, a.TenantID, in.Year)
		if err != nil {
			return Application{}, err
		}
		check := CheckEligibility(set, out.Person.PersonFacts, out.question())
		out.Eligibility = &check
	}
	return out, nil
}

// Applications lists the applications in the actor's charge, newest
// first.
func (e *Engine) Applications(ctx context.Context, f ApplicationFilter) ([]Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActRead)
	if err != nil {
		return nil, err
	}
	q := e.client.TitleApplication.Query().Where(applicationVisibleTo(a))
	if f.UnitID != 0 {
		q.Where(titleapplication.UnitID(f.UnitID))
	}
	if f.Year != 0 {
		q.Where(titleapplication.Year(f.Year))
	}
	if f.Kind != "" {
		q.Where(titleapplication.KindEQ(titleapplication.Kind(f.Kind)))
	}
	if f.Status != "" {
		q.Where(titleapplication.StatusEQ(f.Status))
	}
	return listApplications(ctx, q)
}

// ApplicationQueue lists the applications that await the actor's review.
func (e *Engine) ApplicationQueue(ctx context.Context) ([]Application, error) {
	a, err := e.authorize(ctx, policies.ObjApplication, policies.ActReview)
	if err != nil {
		return nil, err
	}
	q := e.client.TitleApplication.Query().Where(
		titleapplication.StatusEQ(domain.StatusInReview),
		titleapplication.StageEQ(a.Role),
	)
	return listApplications(ctx, q)
}

// applicationVisibleTo hides drafts that were never submitted from
// everyone but the unit.
func applicationVisibleTo(a domain.Actor) predicate.TitleApplication {
	if a.Role == domain.RoleUnitClerk {
		return titleapplication.IDGT(0)
	}
	return titleapplication.StatusNEQ(domain.StatusDraft)
}

func listApplications(ctx context.Context, q *ent.TitleApplicationQuery) ([]Application, error) {
	rows, err := q.WithUnit().Order(ent.Desc(titleapplication.FieldID)).All(ctx)
	if err != nil {
		return nil, storageError("list applications", "application", err)
	}
	out := make([]Application, len(rows))
	for i, r := range rows {
		out[i] = applicationOf(r)
	}
	return out, nil
}

func applicationOf(r *ent.TitleApplication) Application {
	out := Application{
		ID: r.ID, Kind: domain.ApplicationKind(r.Kind), Year: r.Year,
		Person: Applicant{
			ID: r.PersonID, Name: r.PersonName,
			PersonFacts: PersonFacts{Education: r.Education, Degree: r.Degree,
				GraduationDate: r.GraduationDate, TitleDate: r.TitleDate},
			TitleSeries: r.TitleSeries, TitleName: r.TitleName, PostLevel: r.PostLevel,
			Overseas: r.Overseas, Postdoctoral: r.Postdoctoral,
		},
		Series: r.Series, TargetGrade: r.TargetGrade, TargetTitle: r.TargetTitle,
		Exceptional: r.Exceptional, Recommenders: r.Recommenders,
		Status: r.Status, Version: r.Version, HoldsQuota: r.Seat,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt,
		History: []Event{},
	}
	if r.TitleGrade != nil {
		out.Person.TitleGrade = *r.TitleGrade
	}
	if r.Channel != nil {
		out.Channel = *r.Channel
	}
	if r.Stage != nil {
		out.Stage = *r.Stage
	}
	out.Chain = r.Chain
	if u := r.Edges.Unit; u != nil {
		out.Unit = unitRef(u)
	}
	for _, ev := range r.Edges.Events {
		out.History = append(out.History, Event{
			At: ev.At, Username: ev.Username, Role: ev.Role, Action: ev.Action,
			FromStatus: ev.FromStatus, FromStage: ev.FromStage,
			ToStatus: ev.ToStatus, ToStage: ev.ToStage, Reason: ev.Reason,
		})
	}
	return out
}

// question is what the application asks of the eligibility rules.
func (x Application) question() EligibilityQuestion {
	code := ""
	if s, ok := catalog.Default().SeriesByName(x.Series); ok {
		code = s.Code
	}
	return EligibilityQuestion{
		Kind: x.Kind, Series: code, Target: x.TargetGrade, Year: x.Year,
		Exceptional: x.Exceptional, Recommenders: len(x.Recommenders),
	}
}

// applicantFromPerson reads the facts of a person's record.
func applicantFromPerson(p *ent.Person) Applicant {
	out := Applicant{
		ID: p.ID, Name: p.Name,
		PersonFacts: PersonFacts{Education: p.Education, Degree: p.Degree,
			GraduationDate: p.GraduationDate, TitleDate: p.TitleDate},
		TitleSeries: p.TitleSeries, TitleName: p.TitleName, PostLevel: p.PostLevel,
		Overseas: p.Overseas, Postdoctoral: p.Postdoctoral,
	}
	if p.TitleGrade != nil {
		out.PersonFacts.TitleGrade = *p.TitleGrade
	}
	return out
}

// applicantOf reads the person an application is for: in the actor's
// charge, serving, and qualified for the special channel asked for.
func applicantOf(ctx context.Context, c *ent.Client, in ApplicationInput) (*ent.Person, error) {
	p, err := c.Person.Get(ctx, in.PersonID)
	if err != nil {
		return nil, storageError("read person", "person", err)
	}
	if p.Status != domain.PersonServing {
		return nil, invalid("application.person_not_serving", nil)
	}
	switch {
	case in.Channel == domain.ChannelOverseas && !p.Overseas:
		return nil, invalid("application.channel_person", P{"channel": in.Channel})
	case in.Channel == domain.ChannelPostdoctoral &&
		(!p.Postdoctoral || domain.EducationOf(p.Education, p.Degree) != domain.EducationDoctorate):
		return nil, invalid("application.channel_person", P{"channel": in.Channel})
	}
	return p, nil
}

// checkOpen refuses a second open application of a person in a year; the
// unique index on the open column refuses it too when two are created at
// once. except is the application being changed.
func checkOpen(ctx context.Context, tx *ent.Tx, personID, year, except int) error {
	other, err := tx.TitleApplication.Query().Where(
		titleapplication.PersonID(personID), titleapplication.Year(year),
		titleapplication.Open(true), titleapplication.IDNEQ(except),
	).First(ctx)
	switch {
	case err == nil:
		return conflict("application.open_exists", P{"year": year, "id": other.ID})
	case !ent.IsNotFound(err):
		return storageError("find open application", "application", err)
	}
	return nil
}

// setChoice sets what the clerk chose.
func setChoice(m *ent.TitleApplicationMutation, in ApplicationInput) {
	m.SetSeries(in.Series)
	m.SetTargetGrade(in.TargetGrade)
	m.SetTargetTitle(in.TargetTitle)
	if in.Channel != "" {
		m.SetChannel(in.Channel)
	} else {
		m.ClearChannel()
	}
	m.SetExceptional(in.Exceptional)
	m.SetRecommenders(in.Recommenders)
}

// setSnapshot copies the facts of the person's record that the rules
// read; on an update, facts the record no longer has are cleared.
func setSnapshot(m *ent.TitleApplicationMutation, p *ent.Person, create bool) {
	m.SetPersonName(p.Name)
	m.SetEducation(p.Education)
	m.SetDegree(p.Degree)
	m.SetTitleSeries(p.TitleSeries)
	m.SetTitleName(p.TitleName)
	m.SetOverseas(p.Overseas)
	m.SetPostdoctoral(p.Postdoctoral)
	setOrClear(p.GraduationDate, m.SetGraduationDate, m.ClearGraduationDate, create)
	setOrClear(p.TitleGrade, m.SetTitleGrade, m.ClearTitleGrade, create)
	setOrClear(p.TitleDate, m.SetTitleDate, m.ClearTitleDate, create)
	setOrClear(p.PostLevel, m.SetPostLevel, m.ClearPostLevel, create)
}

func setOrClear[T any](v *T, set func(T), clear func(), create bool) {
	switch {
	case v != nil:
		set(*v)
	case !create:
		clear()
	}
}

// normalized trims what was typed and drops what does not apply: the
// channel of a recognition, the recommenders of an ordinary application.
func (in ApplicationInput) normalized() ApplicationInput {
	in.Series = strings.TrimSpace(in.Series)
	in.TargetTitle = strings.TrimSpace(in.TargetTitle)
	if s, ok := catalog.Default().SeriesByName(in.Series); ok {
		in.Series = s.Name
	}
	if in.Kind == domain.KindEvaluation && in.Channel == "" {
		in.Channel = domain.ChannelNormal
	}
	if !in.Exceptional {
		in.Recommenders = nil
	}
	rs := make([]domain.Recommender, 0, len(in.Recommenders))
	for _, r := range in.Recommenders {
		r.Name, r.Title = typedText(r.Name), typedText(r.Title)
		if r.Name != "" || r.Title != "" {
			rs = append(rs, r)
		}
	}
	if len(rs) > 0 {
		in.Recommenders = rs
	} else {
		in.Recommenders = nil
	}
	return in
}

// validate checks the input's own rules, before any data is read.
func (in ApplicationInput) validate() error {
	switch {
	case !in.Kind.Valid():
		return invalid("application.kind", P{"value": string(in.Kind)})
	case in.PersonID <= 0:
		return invalid("application.person", nil)
	}
	if err := checkYear(in.Year); err != nil {
		return err
	}
	if !knownSeries(in.Series) {
		return invalid("application.series", P{"series": in.Series})
	}
	if !in.TargetGrade.Valid() {
		return invalid("application.grade", P{"value": string(in.TargetGrade)})
	}
	if err := catalog.Default().Check(in.Series, in.TargetTitle, in.TargetGrade); err != nil {
		return invalid("application.title", P{"title": in.TargetTitle, "series": in.Series, "grade": in.TargetGrade})
	}
	switch {
	case in.Kind == domain.KindRecognition && in.Channel != "":
		return invalid("application.channel_recognition", P{"channel": in.Channel})
	case in.Kind == domain.KindEvaluation && !validChannel(in.Channel):
		return invalid("application.channel", P{"value": string(in.Channel)})
	case in.Kind == domain.KindRecognition && in.Exceptional:
		return invalid("application.exceptional_recognition", nil)
	}
	if !in.Exceptional {
		return nil
	}
	if len(in.Recommenders) != recommendersNeeded {
		return invalid("application.recommenders", P{"count": len(in.Recommenders), "n": recommendersNeeded})
	}
	for i, r := range in.Recommenders {
		switch {
		case r.Name == "" || r.Title == "":
			return invalid("application.recommender", P{"line": i + 1})
		case utf8.RuneCountInString(r.Name) > 30 || utf8.RuneCountInString(r.Title) > 50:
			return invalid("application.recommender_too_long", P{"line": i + 1})
		}
		for _, o := range in.Recommenders[:i] {
			if sameName(o.Name, r.Name) {
				return invalid("application.recommender_duplicate", P{"name": o.Name, "line": i + 1})
			}
		}
	}
	return nil
}

// typedText is what a clerk typed with runs of spaces, full-width ones
// (U+3000) too, as one space, and none around it.
func typedText(s string) string { return strings.Join(strings.Fields(s), " ") }

// sameName reports whether two recommenders' names name the same person:
// equal when spaces are left out ("张三" and "张 三") and Latin letters
// folded.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), ""), strings.Join(strings.Fields(b), ""))
}

func validChannel(c domain.Channel) bool {
	for _, v := range c.Values() {
		if string(c) == v {
			return true
		}
	}
	return false
}

func applicationObject(id int) string { return fmt.Sprintf("application:%d", id) }
