package roster

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// testNow is "today" in the tests.
var testNow = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// Valid ID numbers, their check characters computed by GB 11643.
const (
	idMale1985   = "433101198503020013" // male, born 2 March 1985
	idFemale1985 = "433101198503020021" // female, born 2 March 1985
	idMale1993   = "433122199308306514" // male, born 30 August 1993
	idStandard   = "11010519491231002X" // female, born 31 December 1949
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// testBook builds a workbook cell by cell for a test.
type testBook struct {
	t *testing.T
	f *excelize.File
}

func newBook(t *testing.T) *testBook {
	t.Helper()
	f := excelize.NewFile()
	t.Cleanup(func() { f.Close() })
	return &testBook{t: t, f: f}
}

// row writes values into a row of a sheet from column A; a nil value
// leaves its cell empty.
func (b *testBook) row(sheet string, num int, values ...any) *testBook {
	b.t.Helper()
	for i, v := range values {
		if v == nil {
			continue
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, num)
		if err := b.f.SetCellValue(sheet, ref, v); err != nil {
			b.t.Fatal(err)
		}
	}
	return b
}

// style gives a cell range a style and returns the book.
func (b *testBook) style(sheet, from, to string, s *excelize.Style) *testBook {
	b.t.Helper()
	id, err := b.f.NewStyle(s)
	if err == nil {
		err = b.f.SetCellStyle(sheet, from, to, id)
	}
	if err != nil {
		b.t.Fatal(err)
	}
	return b
}

func (b *testBook) bytes() []byte {
	b.t.Helper()
	buf, err := b.f.WriteToBuffer()
	if err != nil {
		b.t.Fatal(err)
	}
	return buf.Bytes()
}

// readData reads a file held in memory with the tests' options.
func readData(data []byte, name string) (*Sheet, error) {
	return Read(bytes.NewReader(data), int64(len(data)), name, Options{Now: testNow})
}

// mustRead reads a file that must be readable.
func mustRead(t *testing.T, data []byte, name string) *Sheet {
	t.Helper()
	sh, err := readData(data, name)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return sh
}

// oneRow returns the only data row of a sheet.
func oneRow(t *testing.T, sh *Sheet) Row {
	t.Helper()
	if len(sh.Rows) != 1 {
		t.Fatalf("got %d rows, want 1: %+v", len(sh.Rows), sh.Rows)
	}
	return sh.Rows[0]
}

// noProblems fails the test if the row has problems.
func noProblems(t *testing.T, row Row) {
	t.Helper()
	for _, p := range row.Problems {
		t.Errorf("unexpected problem: %s (%s)", DefaultText(p), p.Code)
	}
}

// wantProblem fails the test unless the row has a problem with the code at
// the column.
func wantProblem(t *testing.T, row Row, column, code string) Problem {
	t.Helper()
	i := slices.IndexFunc(row.Problems, func(p Problem) bool { return p.Code == code })
	if i < 0 {
		t.Fatalf("no problem %s; got %+v", code, row.Problems)
	}
	p := row.Problems[i]
	if p.Row != row.Number || p.Column != column {
		t.Errorf("problem %s at row %d column %q, want row %d column %q",
			code, p.Row, p.Column, row.Number, column)
	}
	return p
}

// wantFileError fails the test unless err is a FileError wrapping target
// with the code.
func wantFileError(t *testing.T, err, target error, code string) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, target) {
		t.Fatalf("got error %v, want a FileError wrapping %v", err, target)
	}
	if fe.Code != code {
		t.Errorf("got code %s, want %s", fe.Code, code)
	}
}
