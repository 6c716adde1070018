package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/predicate"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// PersonSummary is a person as lists show them: ID and phone numbers
// masked.
type PersonSummary struct {
	ID             int                  `json:"id"`
	Unit           UnitRef              `json:"unit"`
	Name           string               `json:"name"`
	Sex            domain.Sex           `json:"sex"`
	IDNumberMasked string               `json:"id_number_masked"`
	BirthDate      *time.Time           `json:"birth_date,omitempty"`
	Education      string               `json:"education,omitempty"`
	PostCategory   *domain.PostCategory `json:"post_category,omitempty"`
	PostLevel      *int                 `json:"post_level,omitempty"`
	TitleSeries    string               `json:"title_series,omitempty"`
	TitleName      string               `json:"title_name,omitempty"`
	TitleGrade     *domain.Grade        `json:"title_grade,omitempty"`
	Status         domain.PersonStatus  `json:"status"`
	MobileMasked   string               `json:"mobile_masked,omitempty"`
}

// PeopleFilter selects and pages people. Query matches a whole ID number,
// or part of a name or title name.
type PeopleFilter struct {
	UnitID    int
	Query     string
	PostLevel int
	Status    domain.PersonStatus
	Sort      string // "name" (default), "post_level" or "title_date"
	Offset    int
	Limit     int // 1–200; 0 means 20
}

// PeoplePage is one page of people and the number of all that match.
type PeoplePage struct {
	Total  int             `json:"total"`
	Offset int             `json:"offset"`
	Items  []PersonSummary `json:"items"`
}

// People lists the people in the actor's charge, by name.
func (e *Engine) People(ctx context.Context, f PeopleFilter) (PeoplePage, error) {
	if _, err := e.authorize(ctx, policies.ObjPerson, policies.ActRead); err != nil {
		return PeoplePage{}, err
	}
	if f.Limit == 0 {
		f.Limit = 20
	}
	if f.Limit < 1 || f.Limit > 200 || f.Offset < 0 {
		return PeoplePage{}, invalid("page", P{"max": 200})
	}
	q := e.client.Person.Query().Where(e.peopleWhere(f)...)
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return PeoplePage{}, storageError("count people", "person", err)
	}
	ps, err := q.WithUnit().
		Order(peopleOrder(f.Sort)...).
		Offset(f.Offset).Limit(f.Limit).All(ctx)
	if err != nil {
		return PeoplePage{}, storageError("list people", "person", err)
	}
	page := PeoplePage{Total: total, Offset: f.Offset, Items: make([]PersonSummary, len(ps))}
	for i, p := range ps {
		page.Items[i] = personSummary(p)
	}
	return page, nil
}

// peopleOrder orders a people list; ties go by name, then by id.
func peopleOrder(sort string) []person.OrderOption {
	byName := []person.OrderOption{person.ByName(), person.ByID()}
	switch sort {
	case "post_level":
		return append([]person.OrderOption{person.ByPostLevel()}, byName...)
	case "title_date":
		return append([]person.OrderOption{person.ByTitleDate()}, byName...)
	}
	return byName
}

func (e *Engine) peopleWhere(f PeopleFilter) []predicate.Person {
	var where []predicate.Person
	if f.UnitID != 0 {
		where = append(where, person.UnitID(f.UnitID))
	}
	if f.PostLevel != 0 {
		where = append(where, person.PostLevel(f.PostLevel))
	}
	if f.Status != "" {
		where = append(where, person.StatusEQ(f.Status))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if id, err := domain.ParseIDNumber(q); err == nil {
			where = append(where, person.IDNumberHash(e.seal.lookupHash(string(id))))
		} else {
			where = append(where, person.Or(person.NameContains(q), person.TitleNameContains(q)))
		}
	}
	return where
}

func personSummary(p *ent.Person) PersonSummary {
	s := PersonSummary{
		ID: p.ID, Name: p.Name, Sex: p.Sex, IDNumberMasked: p.IDNumberMasked,
		BirthDate: p.BirthDate, Education: p.Education, PostCategory: p.PostCategory,
		PostLevel: p.PostLevel, TitleSeries: p.TitleSeries, TitleName: p.TitleName,
		TitleGrade: p.TitleGrade, Status: p.Status, MobileMasked: p.MobileMasked,
	}
	if p.Edges.Unit != nil {
		s.Unit = unitRef(p.Edges.Unit)
	}
	return s
}

// PersonDetail is a person's whole record as their page shows it: ID and
// phone numbers still masked (RevealPerson shows them whole), and the
// fields that a title application will need but the record lacks.
type PersonDetail struct {
	PersonSummary
	Ethnicity      string     `json:"ethnicity,omitempty"`
	Political      string     `json:"political,omitempty"`
	Degree         string     `json:"degree,omitempty"`
	School         string     `json:"school,omitempty"`
	Major          string     `json:"major,omitempty"`
	GraduationDate *time.Time `json:"graduation_date,omitempty"`
	StartedWork    *time.Time `json:"started_work,omitempty"`
	JoinedUnit     *time.Time `json:"joined_unit,omitempty"`
	AppointedDate  *time.Time `json:"appointed_date,omitempty"`
	TitleDate      *time.Time `json:"title_date,omitempty"`
	TitleMethod    string     `json:"title_method,omitempty"`
	CertificateNo  string     `json:"certificate_no,omitempty"`
	StatusDate     *time.Time `json:"status_date,omitempty"`
	Overseas       bool       `json:"overseas"`
	Postdoctoral   bool       `json:"postdoctoral"`
	// Missing names the fields an evaluation application reads that the
	// record lacks (完善度).
	Missing []string `json:"missing,omitempty"`
}

// Person returns a person in the actor's charge.
func (e *Engine) Person(ctx context.Context, id int) (PersonDetail, error) {
	if _, err := e.authorize(ctx, policies.ObjPerson, policies.ActRead); err != nil {
		return PersonDetail{}, err
	}
	p, err := e.client.Person.Query().Where(person.ID(id)).WithUnit().Only(ctx)
	if err != nil {
		return PersonDetail{}, storageError("read person", "person", err)
	}
	d := PersonDetail{
		PersonSummary: personSummary(p), Ethnicity: p.Ethnicity, Political: p.Political,
		Degree: p.Degree, School: p.School, Major: p.Major, GraduationDate: p.GraduationDate,
		StartedWork: p.StartedWork, JoinedUnit: p.JoinedUnit, AppointedDate: p.AppointedDate,
		TitleDate: p.TitleDate, TitleMethod: p.TitleMethod, CertificateNo: p.CertificateNo,
		StatusDate: p.StatusDate,
		Overseas:   p.Overseas, Postdoctoral: p.Postdoctoral,
	}
	d.Missing = missingForApplication(p)
	return d, nil
}

// missingForApplication lists, by field key, what an evaluation
// application reads (DOMAIN.md §5: education, years since graduation and
// in the present grade, the post held) that the record lacks.
func missingForApplication(p *ent.Person) []string {
	var out []string
	for _, f := range []struct {
		key     string
		missing bool
	}{
		{"education", p.Education == ""},
		{"school", p.School == ""},
		{"major", p.Major == ""},
		{"graduation_date", p.GraduationDate == nil},
		{"started_work", p.StartedWork == nil},
		{"post_level", p.PostCategory == nil || p.PostLevel == nil},
		{"title_series", p.TitleSeries == ""},
		{"title_name", p.TitleName == ""},
		{"title_grade", p.TitleGrade == nil},
		{"title_date", p.TitleDate == nil},
	} {
		if f.missing {
			out = append(out, f.key)
		}
	}
	return out
}

// Revealed is a person's ID and mobile numbers in full.
type Revealed struct {
	IDNumber string `json:"id_number"`
	Mobile   string `json:"mobile,omitempty"`
}

// RevealPerson returns a person's ID and mobile numbers whole. Seeing them
// is an action of consequence: it is in the audit log.
func (e *Engine) RevealPerson(ctx context.Context, id int) (Revealed, error) {
	a, err := e.authorize(ctx, policies.ObjPerson, policies.ActRead)
	if err != nil {
		return Revealed{}, err
	}
	var out Revealed
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		p, err := tx.Person.Get(ctx, id)
		if err != nil {
			return storageError("read person", "person", err)
		}
		if out.IDNumber, err = e.seal.open(p.IDNumberEnc); err != nil {
			return internal("open ID number", err)
		}
		if len(p.MobileEnc) > 0 {
			if out.Mobile, err = e.seal.open(p.MobileEnc); err != nil {
				return internal("open mobile", err)
			}
		}
		return e.audit(ctx, tx, a, "person.reveal", fmt.Sprintf("person:%d", id), "")
	})
	return out, err
}
