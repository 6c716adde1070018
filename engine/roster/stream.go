package roster

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxColumns is the widest row a spreadsheet has (column XFD).
const maxColumns = excelize.MaxColumns

// table is a source of rows: a worksheet or a CSV file.
type table interface {
	// next returns the next row that has cells, with its number (1 for
	// the first row of the sheet), or io.EOF after the last. The cells
	// are valid until the next call.
	next() (int, []cell, error)
	// offset returns how many bytes of the table have been read, and
	// size how many it has, for estimating its rows.
	offset() int64
	size() int64
	close() error
}

// sheetStream reads the rows of a worksheet part as a stream of XML
// tokens, keeping only the current row.
type sheetStream struct {
	wb    *workbook
	rc    io.ReadCloser
	dec   *xml.Decoder
	sst   []string
	bytes int64 // the part's unzipped size
	row   int
	cells []cell
}

func (wb *workbook) openSheet(s sheetRef) (*sheetStream, error) {
	sst, err := wb.sharedStrings()
	if err != nil {
		return nil, err
	}
	rc, err := wb.openPart(s.part)
	if err != nil {
		return nil, err
	}
	size := int64(wb.parts[strings.ToLower(s.part)].UncompressedSize64)
	return &sheetStream{wb: wb, rc: rc, dec: xml.NewDecoder(rc), sst: sst, bytes: size}, nil
}

func (s *sheetStream) close() error  { return s.rc.Close() }
func (s *sheetStream) offset() int64 { return s.dec.InputOffset() }
func (s *sheetStream) size() int64   { return s.bytes }

func (s *sheetStream) next() (int, []cell, error) {
	s.cells = s.cells[:0]
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return 0, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := s.start(t); err != nil {
				return 0, nil, err
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				return s.row, s.cells, nil
			case "sheetData":
				return 0, nil, io.EOF
			}
		}
	}
}

// start handles a row or a cell element.
func (s *sheetStream) start(t xml.StartElement) error {
	switch t.Name.Local {
	case "row":
		s.row++
		if v := attr(t, "r"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < s.row {
				return errors.New("bad row number")
			}
			s.row = n
		}
	case "c":
		return s.readCell(t)
	}
	return nil
}

// readCell reads a cell element and stores it at its column.
func (s *sheetStream) readCell(t xml.StartElement) error {
	col := len(s.cells)
	if ref := attr(t, "r"); ref != "" {
		c, _, err := excelize.CellNameToCoordinates(ref)
		if err != nil || c-1 < col {
			return errors.New("bad cell reference")
		}
		col = c - 1
	}
	c, err := s.cellContent(attr(t, "t"), attr(t, "s"))
	if err != nil || c.kind == cellEmpty {
		return err
	}
	for len(s.cells) < col {
		s.cells = append(s.cells, cell{})
	}
	s.cells = append(s.cells, c)
	return nil
}

// cellContent reads the children of a cell element: its value, formula
// and inline string.
func (s *sheetStream) cellContent(typ, style string) (cell, error) {
	var value, inline string
	hasValue, hasFormula, hasInline := false, false, false
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			return cell{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				hasValue = true
				value, err = readChars(s.dec)
			case "f":
				hasFormula = true
			case "is":
				hasInline = true
				inline, err = readText(s.dec, "is")
			}
			if err != nil {
				return cell{}, err
			}
		case xml.EndElement:
			if t.Name.Local == "c" {
				return s.makeCell(typ, style, value, inline, hasValue, hasFormula, hasInline)
			}
		}
	}
}

// readChars returns the text of the current element up to its end.
func readChars(dec *xml.Decoder) (string, error) {
	var out string
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			out += string(t)
		case xml.EndElement:
			return out, nil
		}
	}
}

// makeCell builds a cell from what its element held.
func (s *sheetStream) makeCell(typ, style, value, inline string, hasValue, hasFormula,
	hasInline bool) (cell, error) {
	switch {
	case hasInline:
		return cell{kind: cellText, text: inline}, nil
	case hasFormula && !hasValue:
		return cell{kind: cellFormula}, nil
	case !hasValue:
		return cell{}, nil
	}
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || i < 0 || i >= len(s.sst) {
			return cell{}, errors.New("bad shared string index")
		}
		return cell{kind: cellText, text: s.sst[i]}, nil
	case "str", "inlineStr":
		return cell{kind: cellText, text: unescapeOOXML(value)}, nil
	case "b":
		return cell{kind: cellBool, text: value}, nil
	case "e":
		return cell{kind: cellError, text: value}, nil
	case "d":
		return cell{kind: cellISODate, text: value}, nil
	}
	c := cell{kind: cellNumber, text: value, format: generalFormat}
	if style != "" {
		id, err := strconv.Atoi(style)
		if err != nil {
			return cell{}, errors.New("bad style index")
		}
		c.format = s.wb.format(id)
	}
	return c, nil
}

// attr returns the value of the attribute with the given local name.
func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
