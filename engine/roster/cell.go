package roster

import (
	"strconv"
	"strings"
	"time"
)

// cellKind is what a cell holds.
type cellKind uint8

const (
	cellEmpty  cellKind = iota
	cellText            // a string, shared, inline or a formula's result
	cellNumber          // a number, or a date stored as its serial number
	cellBool
	cellError   // an error value such as #N/A
	cellISODate // a date stored as ISO 8601 text (type "d")
	cellFormula // a formula without a stored value
)

// numFormat is what a cell's number format tells of a number: whether it
// shows a date, to the month only, and how many decimals it shows (-1 for
// the general format).
type numFormat struct {
	date      bool
	monthOnly bool
	decimals  int
}

var generalFormat = numFormat{decimals: -1}

// cell is one cell as read from a file.
type cell struct {
	kind   cellKind
	text   string // the string, the number as stored, TRUE/FALSE, the error
	format numFormat
}

// display returns the cell as a person sees it: text as typed, a number
// in its format's decimals or in the general format, a date cell as
// 1985-03-02.
func (c cell) display() string {
	switch c.kind {
	case cellNumber:
		return numberText(c)
	case cellBool:
		if c.text == "1" || strings.EqualFold(c.text, "true") {
			return "TRUE"
		}
		return "FALSE"
	case cellText:
		return foldText(c.text)
	}
	return c.text
}

// numberText formats a number cell: a date as 1985-03-02, fixed decimals
// if the format has them, else like a spreadsheet's general format, with
// 15 significant digits (an 18-digit number shows as 4.33101199308306E+17).
func numberText(c cell) string {
	v, err := strconv.ParseFloat(strings.TrimSpace(c.text), 64)
	switch {
	case err != nil:
		return c.text
	case c.format.date:
		d := serialDate(v, false)
		if d.problem != "" {
			return c.text
		}
		return d.t.Format(time.DateOnly)
	case c.format.decimals >= 0:
		return strconv.FormatFloat(v, 'f', c.format.decimals, 64)
	}
	return strings.ToUpper(strconv.FormatFloat(v, 'g', 15, 64))
}

// isBlank reports whether a person would see nothing in the cell.
func (c cell) isBlank() bool {
	switch c.kind {
	case cellEmpty:
		return true
	case cellText:
		return foldText(c.text) == ""
	}
	return false
}
