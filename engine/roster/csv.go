package roster

import (
	"bytes"
	"encoding/csv"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// csvTable reads the records of a CSV file as rows of text cells.
type csvTable struct {
	r     *csv.Reader
	bytes int64 // the decoded size
	row   int
	cells []cell
}

// openCSV reads a CSV file in UTF-8, with or without a byte order mark, or
// in GB18030 (which includes GBK), the encoding a Chinese Windows saves
// CSV files in; a file that is not valid UTF-8 is taken to be GB18030.
func openCSV(r io.ReaderAt, size int64) (*csvTable, error) {
	data, err := io.ReadAll(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	data, err = decodeCSV(data)
	if err != nil {
		return nil, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvTable{r: cr, bytes: int64(len(data))}, nil
}

// decodeCSV returns data as UTF-8 without a byte order mark.
func decodeCSV(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if utf8.Valid(data) {
		return data, nil
	}
	return simplifiedchinese.GB18030.NewDecoder().Bytes(data)
}

func (t *csvTable) next() (int, []cell, error) {
	rec, err := t.r.Read()
	if err != nil {
		if err != io.EOF {
			err = fileError(CodeFileCorrupt, ErrCorrupt)
		}
		return 0, nil, err
	}
	t.row++
	t.cells = t.cells[:0]
	for _, s := range rec {
		kind := cellText
		if s == "" {
			kind = cellEmpty
		}
		t.cells = append(t.cells, cell{kind: kind, text: s})
	}
	return t.row, t.cells, nil
}

func (t *csvTable) close() error  { return nil }
func (t *csvTable) offset() int64 { return t.r.InputOffset() }
func (t *csvTable) size() int64   { return t.bytes }
