package roster

import "strings"

const (
	// headerScanRows is how many rows of a sheet are searched for the
	// header: room for a title, a date line and a blank row above it.
	headerScanRows = 20
	// minHeaderColumns is how many columns a header must name, one of
	// them the name or the ID number.
	minHeaderColumns = 2
)

// header is a header found in one or two rows.
type header struct {
	rows    []int
	columns []Column
	ignored []string
}

// findHeader returns the best header among the rows: the one naming most
// columns, preferring one row over two and an earlier row over a later.
func findHeader(rows []scannedRow) (header, bool) {
	var best header
	for i := range rows {
		if h := oneRowHeader(rows[i]); h.better(best) {
			best = h
		}
		if i+1 < len(rows) && rows[i+1].num == rows[i].num+1 {
			if h := twoRowHeader(rows[i], rows[i+1]); h.better(best) {
				best = h
			}
		}
	}
	return best, best.recognisable()
}

// better reports whether h names more columns than other, or as many in
// fewer rows; a full tie keeps other, which was found first. A title row
// joined to the header names as many columns as the header alone.
func (h header) better(other header) bool {
	if len(h.columns) != len(other.columns) {
		return len(h.columns) > len(other.columns)
	}
	return len(h.rows) < len(other.rows)
}

// recognisable reports whether h names enough columns, including the name
// or the ID number, to be the header of the data.
func (h header) recognisable() bool {
	if len(h.columns) < minHeaderColumns {
		return false
	}
	return h.has(FieldName) || h.has(FieldIDNumber)
}

func (h header) has(field string) bool {
	for _, c := range h.columns {
		if c.Field == field {
			return true
		}
	}
	return false
}

// missingRequired returns the template headers of the required columns h
// lacks.
func (h header) missingRequired() []string {
	var out []string
	for _, c := range columnSpecs {
		if c.Required && !h.has(c.Field) {
			out = append(out, c.Header)
		}
	}
	return out
}

// headerText returns a header cell's text, or "" for anything but text.
func headerText(c cell) string {
	if c.kind != cellText {
		return ""
	}
	return foldText(c.text)
}

// oneRowHeader matches each cell of a row as a header.
func oneRowHeader(row scannedRow) header {
	h := header{rows: []int{row.num}}
	for i, c := range row.cells {
		h.match(i+1, headerText(c))
	}
	return h
}

// twoRowHeader matches the cells of two rows as one header: under an upper
// cell merged across several columns (职称 over 系列, 名称, 级别) each lower
// cell is tried joined to it and alone; a column whose lower cell is empty
// (merged down) is its upper cell.
func twoRowHeader(top, bottom scannedRow) header {
	h := header{rows: []int{top.num, bottom.num}}
	upper := ""
	for i := 0; i < max(len(top.cells), len(bottom.cells)); i++ {
		t, b := cellAt(top.cells, i), cellAt(bottom.cells, i)
		switch {
		case t != "":
			upper = t
		case b == "":
			upper = ""
		}
		if b == "" {
			h.match(i+1, t)
			continue
		}
		h.match(i+1, upper+b, b)
	}
	return h
}

func cellAt(cells []cell, i int) string {
	if i >= len(cells) {
		return ""
	}
	return headerText(cells[i])
}

// match records column index as the first of the candidate headers that
// names a field not taken yet; a header naming nothing is ignored.
func (h *header) match(index int, candidates ...string) {
	for _, text := range candidates {
		if text == "" {
			continue
		}
		if i, ok := matchHeader(text); ok && !h.has(columnSpecs[i].Field) {
			col := Column{Index: index, Header: text, Field: columnSpecs[i].Field}
			h.columns = append(h.columns, col)
			return
		}
	}
	if last := candidates[len(candidates)-1]; strings.TrimSpace(last) != "" {
		h.ignored = append(h.ignored, last)
	}
}
