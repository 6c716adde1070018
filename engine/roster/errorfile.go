package roster

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// errorColumnWidth is the width of the error column, in characters.
const errorColumnWidth = 48

// ErrorFile returns a copy of the file that [Read] read into sh, with an
// error column after its last column: its header in the last header row,
// and in each row with problems their [DefaultText] without the row number,
// one per line. A workbook keeps its sheets and formatting; a CSV file
// becomes a workbook of text cells. r and size must be the file given to
// Read.
func ErrorFile(r io.ReaderAt, size int64, sh *Sheet) (out []byte, err error) {
	defer func() {
		if recover() != nil {
			out, err = nil, ErrCorrupt
		}
	}()
	texts := rowTexts(sh)
	if sh.CSV {
		return csvErrorFile(r, size, sh, texts)
	}
	return xlsxErrorFile(r, size, sh, texts)
}

// rowTexts renders each row's problems, by row number.
func rowTexts(sh *Sheet) map[int]string {
	out := map[int]string{}
	for _, row := range sh.Rows {
		var lines []string
		for _, p := range row.Problems {
			p.Row = 0
			lines = append(lines, DefaultText(p))
		}
		if len(lines) > 0 {
			out[row.Number] = strings.Join(lines, "\n")
		}
	}
	return out
}

// xlsxErrorFile writes the error column into a copy of the workbook.
//
// TODO(roster-errorfile): the copy opens the whole workbook in excelize's
// memory model, several times the file's size for one near MaxRows; a copy
// streamed row by row would bound it, at the cost of the formatting.
func xlsxErrorFile(r io.ReaderAt, size int64, sh *Sheet, texts map[int]string) ([]byte, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    sh.unzipLimit,
		UnzipXMLSizeLimit: min(sh.unzipLimit, unzipXMLLimit),
	})
	if err != nil {
		return nil, ErrCorrupt
	}
	defer f.Close()

	col := sh.LastColumn + 1
	style, err := errorStyle(f)
	if err != nil {
		return nil, err
	}
	set := func(row int, text string) error {
		ref, err := excelize.CoordinatesToCellName(col, row)
		if err == nil {
			err = f.SetCellStr(sh.Name, ref, text)
		}
		if err == nil {
			err = f.SetCellStyle(sh.Name, ref, ref, style)
		}
		return err
	}
	if err := set(sh.HeaderRows[len(sh.HeaderRows)-1], words.ErrorHeader); err != nil {
		return nil, err
	}
	for row, text := range texts {
		if err := set(row, text); err != nil {
			return nil, err
		}
	}
	name, err := excelize.ColumnNumberToName(col)
	if err == nil {
		err = f.SetColWidth(sh.Name, name, name, errorColumnWidth)
	}
	if err != nil {
		return nil, err
	}
	return writeBook(f)
}

// csvErrorFile writes the CSV file's records as text cells of a new
// workbook, with the error column.
func csvErrorFile(r io.ReaderAt, size int64, sh *Sheet, texts map[int]string) ([]byte, error) {
	t, err := openCSV(r, size)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", words.DataSheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(words.DataSheet)
	if err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(sh.LastColumn+1, sh.LastColumn+1, errorColumnWidth); err != nil {
		return nil, err
	}
	header := sh.HeaderRows[len(sh.HeaderRows)-1]
	for {
		num, cells, err := t.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		values := make([]any, sh.LastColumn+1)
		for i, c := range cells {
			values[i] = c.text
		}
		values[sh.LastColumn] = texts[num]
		if num == header {
			values[sh.LastColumn] = words.ErrorHeader
		}
		ref, _ := excelize.CoordinatesToCellName(1, num)
		if err := sw.SetRow(ref, values); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return writeBook(f)
}

// errorStyle is red, wrapped text for the error column.
func errorStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Color: "C00000"},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
	})
}

func writeBook(f *excelize.File) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
