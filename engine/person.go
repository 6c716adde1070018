package engine

import (
	"context"
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
		Order(ent.Asc(person.FieldName), ent.Asc(person.FieldID)).
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
