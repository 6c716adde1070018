// Package roster reads and checks staff records as clerks keep them in
// spreadsheets, and writes the import template.
//
// A [Record] is one person as the template carries it, typed: an ID number
// checked by GB 11643, codes of the national standards (sex, ethnicity,
// political status, education, degree), dates, the post held and the title
// with its series and grade. [Record.Validate] checks a record by the rules
// of the staff records (DOMAIN.md §7–8) and returns each problem as a
// [Problem]: a row, the column as the file wrote it, the field and a message
// key. The caller renders the key with its own message catalog;
// [DefaultText] gives plain Chinese text for every key in [Codes], so that
// the package is usable alone.
//
// [Read] reads an uploaded .xlsx or .csv file the way a person would read
// it: it finds the data sheet and its header row (below a title row, in two
// rows, worded in any of the usual ways, columns in any order), reads dates
// in the forms people type or as date cells, folds full-width characters
// and odd spaces, and refuses what cannot be read with certainty (an ID
// number that a spreadsheet stored as a number, an ambiguous date, a formula
// without a stored value, a legacy .xls) with the reason. [ErrorFile]
// returns a copy of the file with an error column, and [Template] the
// template with drop-down lists built from the same code lists the
// validator uses.
//
// # Data
//
// The code lists are data: codes.json, embedded, read once when the program
// starts into [Sexes], [Ethnicities], [PoliticalStatuses], [Educations],
// [Degrees], [PostCategories], [TitleMethods], [Statuses] and [Grades]. The
// columns, with the header synonyms that clerks' spreadsheets use, are
// columns.json.
//
// # Dates
//
// Dates are [time.Time] values at midnight UTC; the zero time means absent.
// A date given only to the month ("1985.03", "1985年3月", or a date cell
// formatted to show year and month) is stored as the first of the month,
// and its field is listed in [Record.MonthOnly], so that checks compare it
// only to the month: a birth date of 1985.03 agrees with an ID number born
// on 2 March 1985.
//
// # Reading
//
// The package opens a workbook with excelize, whose unzip limits guard
// against compressed bombs, and takes the sheet list, sheet visibility and
// number formats from it. It streams the cells of the data sheet itself:
// excelize's row iterator returns each cell as text only, without the cell
// type, the style and whether a formula lacks its value, which are what
// tell an ID number stored as a number, a date cell formatted to the month
// and a formula never calculated.
package roster
