package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
)

// personData is a person's page, with the numbers whole once revealed.
type personData struct {
	engine.PersonDetail
	Revealed *engine.Revealed
}

// person shows a person's record and what it lacks for an application.
func (c *console) person(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := c.s.engine.Person(r.Context(), intVar(r, "id"))
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = d.Name, "people", personData{PersonDetail: d}
	return c.render(w, http.StatusOK, "person", v)
}

// Code names a coded field of a staff record by the code list the import
// reads it with: list is "education", "degree", "ethnicity", "political"
// or "title_method". A code the list does not know is shown as it is.
func (v *view) Code(list, code string) string {
	var n string
	switch list {
	case "education":
		n = roster.Educations.Name(roster.Education(code))
	case "degree":
		n = roster.Degrees.Name(roster.Degree(code))
	case "ethnicity":
		n = roster.Ethnicities.Name(roster.Ethnicity(code))
	case "political":
		n = roster.PoliticalStatuses.Name(roster.Political(code))
	case "title_method":
		n = roster.TitleMethods.Name(roster.TitleMethod(code))
	}
	if n == "" {
		return code
	}
	return n
}

// reveal shows the person's page with the ID and mobile numbers whole; the
// engine logs that they were seen.
func (c *console) reveal(w http.ResponseWriter, r *http.Request, v *view) error {
	id := intVar(r, "id")
	rev, err := c.s.engine.RevealPerson(r.Context(), id)
	if err != nil {
		return err
	}
	d, err := c.s.engine.Person(r.Context(), id)
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = d.Name, "people", personData{PersonDetail: d, Revealed: &rev}
	v.Notice = v.T("ui.person.revealed")
	return c.render(w, http.StatusOK, "person", v)
}

// exportRows bounds an export; a larger list is exported by search.
const exportRows = 10000

// exportPeople sends the people list that the search selects as a
// workbook, ID and phone numbers masked.
func (c *console) exportPeople(w http.ResponseWriter, r *http.Request, v *view) error {
	q := r.URL.Query()
	unit, _ := strconv.Atoi(q.Get("unit"))
	level, _ := strconv.Atoi(q.Get("level"))
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	headers := []string{"ui.person.name", "ui.person.sex", "ui.person.id_number", "ui.person.unit",
		"ui.person.post_level", "ui.person.title", "ui.person.grade", "ui.person.status", "ui.person.mobile"}
	row := make([]any, len(headers))
	for i, h := range headers {
		row[i] = v.T(h)
	}
	if err := f.SetSheetRow(sheet, "A1", &row); err != nil {
		return err
	}
	n := 1
	for offset := 0; offset < exportRows; offset += 200 {
		page, err := c.s.engine.People(r.Context(), engine.PeopleFilter{
			UnitID: unit, Query: strings.TrimSpace(q.Get("q")), PostLevel: level,
			Status: domain.PersonStatus(q.Get("status")), Offset: offset, Limit: 200,
		})
		if err != nil {
			return err
		}
		for _, p := range page.Items {
			n++
			if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", n), exportRow(v, p)); err != nil {
				return err
			}
		}
		if offset+200 >= page.Total {
			break
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	sendXLSX(w, v.T("ui.people.export_file"), buf.Bytes())
	return nil
}

// exportRow is one person's cells, each neutralised against formulas.
func exportRow(v *view, p engine.PersonSummary) *[]any {
	level := ""
	if p.PostLevel != nil && p.PostCategory != nil {
		level = fmt.Sprintf("%s %d", v.Name("post_category", *p.PostCategory), *p.PostLevel)
	}
	grade := ""
	if p.TitleGrade != nil {
		grade = v.Name("grade", *p.TitleGrade)
	}
	cells := []string{p.Name, v.Name("sex", p.Sex), p.IDNumberMasked, p.Unit.Name, level,
		strings.TrimSpace(p.TitleSeries + " " + p.TitleName), grade,
		v.Name("person_status", p.Status), p.MobileMasked}
	row := make([]any, len(cells))
	for i, c := range cells {
		row[i] = neutralise(c)
	}
	return &row
}

// neutralise keeps a spreadsheet from taking text for a formula when the
// file is edited or saved as CSV: text that starts with = + - @ (or a tab
// or carriage return) gets a leading apostrophe.
func neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
