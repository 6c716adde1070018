package roster

import (
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"
	"github.com/zhicheng-hr/zhicheng/engine/catalog"
)

// templateRows is how many rows below the header the drop-down lists
// cover.
const templateRows = 10000

// Template returns the import template as an .xlsx file: a data sheet with
// the header row and one example row; drop-down lists on every coded
// column (sex, ethnicity, political status, education, degree, post
// category and level, title series, name and grade, title method, status,
// flags) built from the same code lists and catalogue that [Read] checks
// against, the lists longer than Excel's 255-character inline limit
// pointing at a hidden sheet; the ID number, mobile, certificate and date
// columns formatted as text; and an instructions sheet. cat nil means
// catalog.Default().
func Template(cat *catalog.Catalog) ([]byte, error) {
	if cat == nil {
		cat = catalog.Default()
	}
	f := excelize.NewFile()
	defer f.Close()
	t := &templateBuilder{f: f, cat: cat}
	steps := []func() error{t.sheets, t.header, t.example, t.formats, t.lists, t.help}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("roster template: %w", err)
		}
	}
	return writeBook(f)
}

// templateBuilder writes the template's parts in turn.
type templateBuilder struct {
	f         *excelize.File
	cat       *catalog.Catalog
	codesUsed int // columns of the hidden codes sheet used so far
}

// sheets makes the data, instructions and hidden codes sheets.
func (t *templateBuilder) sheets() error {
	if err := t.f.SetSheetName("Sheet1", words.DataSheet); err != nil {
		return err
	}
	for _, name := range []string{words.HelpSheet, words.CodesSheet} {
		if _, err := t.f.NewSheet(name); err != nil {
			return err
		}
	}
	t.f.SetActiveSheet(0)
	return t.f.SetSheetVisible(words.CodesSheet, false)
}

// header writes the header row, required columns in bold red, and freezes
// it.
func (t *templateBuilder) header() error {
	plain, err := t.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	required, err := t.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	for i, c := range columnSpecs {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		style := plain
		if c.Required {
			style = required
		}
		if err := t.setStr(words.DataSheet, ref, c.Header, style); err != nil {
			return err
		}
	}
	return t.f.SetPanes(words.DataSheet, &excelize.Panes{Freeze: true, YSplit: 1,
		TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// example writes the example person in row 2.
func (t *templateBuilder) example() error {
	for i, c := range columnSpecs {
		ref, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := t.f.SetCellStr(words.DataSheet, ref, words.Example[c.Field]); err != nil {
			return err
		}
	}
	return nil
}

// formats sets column widths, and the text format on the columns whose
// values a spreadsheet would otherwise turn into numbers or dates.
func (t *templateBuilder) formats() error {
	text, err := t.f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	for i, c := range columnSpecs {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := t.f.SetColWidth(words.DataSheet, col, col, c.Width); err != nil {
			return err
		}
		if !textFormatted(c) {
			continue
		}
		if err := t.f.SetColStyle(words.DataSheet, col, text); err != nil {
			return err
		}
	}
	return nil
}

func textFormatted(c columnSpec) bool {
	switch c.Kind {
	case kindID, kindMobile, kindDate:
		return true
	}
	return c.Field == FieldCertificateNo
}

// lists adds a drop-down list to every coded column.
func (t *templateBuilder) lists() error {
	for i, c := range columnSpecs {
		names := t.listNames(c)
		if len(names) == 0 {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := t.dropDown(col, names); err != nil {
			return fmt.Errorf("list of %s: %w", c.Field, err)
		}
	}
	return nil
}

// listNames returns the entries of a column's drop-down list, or nil for a
// column without one.
func (t *templateBuilder) listNames(c columnSpec) []string {
	switch c.Kind {
	case kindCode:
		return codeListNames[c.List]()
	case kindGrade:
		return Grades.Names()
	case kindFlag:
		return flags.Names()
	case kindPostLevel:
		return postLevelNames()
	case kindSeries:
		var out []string
		for _, s := range t.cat.Series() {
			out = append(out, s.Name)
		}
		return out
	case kindTitle:
		return indexOf(t.cat).names
	}
	return nil
}

// codeListNames gives the names of each code list by its key.
var codeListNames = map[string]func() []string{
	Sexes.Key():             Sexes.Names,
	Ethnicities.Key():       Ethnicities.Names,
	PoliticalStatuses.Key(): PoliticalStatuses.Names,
	Educations.Key():        Educations.Names,
	Degrees.Key():           Degrees.Names,
	PostCategories.Key():    PostCategories.Names,
	TitleMethods.Key():      TitleMethods.Names,
	Statuses.Key():          Statuses.Names,
}

// dropDown adds a list validation to a column's data rows: inline if it
// fits Excel's limit, else pointing at a column of the hidden codes sheet.
func (t *templateBuilder) dropDown(col string, names []string) error {
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateRows+1))
	dv.SetError(excelize.DataValidationErrorStyleStop, words.ListErrorTitle, words.ListError)
	err := dv.SetDropList(names)
	if errors.Is(err, excelize.ErrDataValidationFormulaLength) {
		var ref string
		ref, err = t.writeCodes(names)
		dv.SetSqrefDropList(ref)
	}
	if err != nil {
		return err
	}
	return t.f.AddDataValidation(words.DataSheet, dv)
}

// writeCodes writes a list into the next column of the hidden codes sheet
// and returns the absolute reference of its cells.
func (t *templateBuilder) writeCodes(names []string) (string, error) {
	t.codesUsed++
	col, err := excelize.ColumnNumberToName(t.codesUsed)
	if err != nil {
		return "", err
	}
	if err := t.f.SetSheetCol(words.CodesSheet, col+"1", &names); err != nil {
		return "", err
	}
	return fmt.Sprintf("'%s'!$%s$1:$%s$%d", words.CodesSheet, col, col, len(names)), nil
}

// help writes the instructions sheet: each column, whether it is required
// and what it accepts, then the general notes and the forms of dates.
func (t *templateBuilder) help() error {
	sheet := words.HelpSheet
	bold, err := t.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, h := range words.HelpColumns {
		ref, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := t.setStr(sheet, ref, h, bold); err != nil {
			return err
		}
	}
	row := 2
	for _, c := range columnSpecs {
		need := words.Optional
		if c.Required {
			need = words.Required
		}
		line := []string{c.Header, need, c.Help}
		if err := t.f.SetSheetRow(sheet, fmt.Sprintf("A%d", row), &line); err != nil {
			return err
		}
		row++
	}
	lines := append([]string{""}, words.Notes...)
	lines = append(lines, "", words.DateHeading, columnsDoc.DateHelp)
	for _, line := range lines {
		if err := t.f.SetCellStr(sheet, fmt.Sprintf("A%d", row), line); err != nil {
			return err
		}
		row++
	}
	if err := t.f.SetColWidth(sheet, "A", "A", 16); err != nil {
		return err
	}
	return t.f.SetColWidth(sheet, "C", "C", 90)
}

func (t *templateBuilder) setStr(sheet, ref, value string, style int) error {
	if err := t.f.SetCellStr(sheet, ref, value); err != nil {
		return err
	}
	return t.f.SetCellStyle(sheet, ref, ref, style)
}
