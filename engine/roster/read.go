package roster

import (
	"errors"
	"io"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
)

// The default limits of [Options].
const (
	DefaultMaxBytes      = 20 << 20
	DefaultMaxUnzipBytes = 200 << 20
	DefaultMaxRows       = 200_000
)

// Options are the limits and context of a read. The zero value uses the
// defaults.
type Options struct {
	// MaxBytes is the largest file read; DefaultMaxBytes if 0.
	MaxBytes int64
	// MaxUnzipBytes is the most a workbook may unzip to, which guards
	// against compressed bombs; DefaultMaxUnzipBytes if 0.
	MaxUnzipBytes int64
	// MaxRows is the most data rows read; DefaultMaxRows if 0.
	MaxRows int
	// Catalog is the title catalogue that titles are checked against;
	// catalog.Default() if nil.
	Catalog *catalog.Catalog
	// Now is today for the date checks; time.Now() if zero.
	Now time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxUnzipBytes <= 0 {
		o.MaxUnzipBytes = DefaultMaxUnzipBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.Catalog == nil {
		o.Catalog = catalog.Default()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// Sheet is what [Read] found in a file: where the data was and each
// person's record with its problems.
type Sheet struct {
	// Name is the worksheet's name, or "" for a CSV file.
	Name string
	// CSV reports whether the file was a CSV file.
	CSV bool
	// HeaderRows are the rows of the header: one, or two for a two-row
	// header.
	HeaderRows []int
	// Columns are the columns read, in file order.
	Columns []Column
	// Ignored are the headers of the columns not read.
	Ignored []string
	// LastColumn is the rightmost column with content (1 for A).
	LastColumn int
	// Rows are the data rows, blank rows left out.
	Rows []Row

	unzipLimit int64 // for ErrorFile to open the workbook again
}

// Column is a column of the file that fills a field.
type Column struct {
	Index  int    // 1 for column A
	Header string // as the file wrote it; both rows joined for a two-row header
	Field  string
}

// Row is one data row: the person it records and what is wrong with it.
type Row struct {
	Number   int // the row of the spreadsheet, 1 for the first
	Record   Record
	Problems []Problem
}

// Problems returns the problems of every row, in row order.
func (s *Sheet) Problems() []Problem {
	var out []Problem
	for _, r := range s.Rows {
		out = append(out, r.Problems...)
	}
	return out
}

// Valid reports whether no row has a problem.
func (s *Sheet) Valid() bool {
	for _, r := range s.Rows {
		if len(r.Problems) > 0 {
			return false
		}
	}
	return true
}

// Read reads the staff records of an uploaded .xlsx or .csv file of the
// given size; name is the file's name as uploaded, whose extension says
// what the content must be. The data sheet is the first visible sheet with
// a recognisable header within its first rows. Every row is checked with
// [Record.ValidateWith], after [Record.Derive], and an ID number found twice
// is reported on its second row.
//
// A file that cannot be read at all returns a [*FileError] wrapping
// ErrTooLarge, ErrUnzipLimit, ErrLegacyFormat, ErrWrongContent,
// ErrUnsupportedType, ErrCorrupt, ErrNoHeader, ErrMissingColumns,
// ErrTooManyRows or ErrNoRows. Read never panics on a malformed file.
func Read(r io.ReaderAt, size int64, name string, opts Options) (sh *Sheet, err error) {
	opts = opts.withDefaults()
	defer func() {
		if recover() != nil {
			sh, err = nil, fileError(CodeFileCorrupt, ErrCorrupt)
		}
	}()
	if size > opts.MaxBytes {
		return nil, fileError(CodeFileTooLarge, ErrTooLarge, "max", int(opts.MaxBytes>>20))
	}
	format, err := detectFormat(r, size, name)
	if err != nil {
		return nil, err
	}
	if format == formatCSV {
		return readCSV(r, size, opts)
	}
	return readXLSX(r, size, opts)
}

func readCSV(r io.ReaderAt, size int64, opts Options) (*Sheet, error) {
	t, err := openCSV(r, size)
	if err != nil {
		return nil, err
	}
	sh, found, err := readTable(t, newRowReader(opts, false), opts)
	switch {
	case err != nil:
		return nil, err
	case !found:
		return nil, fileError(CodeFileNoHeader, ErrNoHeader)
	}
	sh.CSV = true
	return sh, nil
}

// readXLSX reads the first visible sheet that has a header.
func readXLSX(r io.ReaderAt, size int64, opts Options) (*Sheet, error) {
	wb, err := openWorkbook(r, size, opts)
	if err != nil {
		return nil, err
	}
	defer wb.close()

	for _, ref := range wb.sheets {
		if !ref.visible {
			continue
		}
		sh, found, err := readSheet(wb, ref, opts)
		if err != nil || found {
			if sh != nil {
				sh.unzipLimit = opts.MaxUnzipBytes
			}
			return sh, err
		}
	}
	return nil, fileError(CodeFileNoHeader, ErrNoHeader)
}

func readSheet(wb *workbook, ref sheetRef, opts Options) (*Sheet, bool, error) {
	s, err := wb.openSheet(ref)
	if err != nil {
		return nil, false, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	defer s.close()
	sh, found, err := readTable(s, newRowReader(opts, wb.date1904), opts)
	if sh != nil {
		sh.Name = ref.name
	}
	return sh, found, err
}

// readTable finds the header within the table's first rows and reads the
// rows below it. It reports found false if there is no header.
func readTable(t table, rr *rowReader, opts Options) (*Sheet, bool, error) {
	head, err := scanRows(t, headerScanRows)
	if err != nil {
		return nil, false, err
	}
	h, ok := findHeader(head)
	if !ok {
		return nil, false, nil
	}
	if missing := h.missingRequired(); len(missing) > 0 {
		return nil, true, fileError(CodeFileMissingColumns, ErrMissingColumns, "columns", missing)
	}

	sh := &Sheet{HeaderRows: h.rows, Columns: h.columns, Ignored: h.ignored,
		Rows: make([]Row, 0, estimateRows(t, head, h.rows[len(h.rows)-1], opts.MaxRows))}
	rr.setColumns(h.columns)
	for _, row := range head {
		sh.LastColumn = max(sh.LastColumn, len(row.cells))
		if row.num > h.rows[len(h.rows)-1] {
			if err := sh.add(rr, row.num, row.cells, opts.MaxRows); err != nil {
				return nil, true, err
			}
		}
	}
	if err := readRest(t, sh, rr, opts.MaxRows); err != nil {
		return nil, true, err
	}
	if len(sh.Rows) == 0 {
		return nil, true, fileError(CodeFileEmpty, ErrNoRows)
	}
	return sh, true, nil
}

// readRest reads the rows after the scanned ones.
func readRest(t table, sh *Sheet, rr *rowReader, maxRows int) error {
	for {
		num, cells, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return asFileError(err)
		}
		sh.LastColumn = max(sh.LastColumn, len(cells))
		if err := sh.add(rr, num, cells, maxRows); err != nil {
			return err
		}
	}
}

// add reads a data row, leaving out a blank one.
func (s *Sheet) add(rr *rowReader, num int, cells []cell, maxRows int) error {
	row, ok := rr.read(num, cells)
	if !ok {
		return nil
	}
	if len(s.Rows) >= maxRows {
		return fileError(CodeFileTooManyRows, ErrTooManyRows, "max", maxRows)
	}
	s.Rows = append(s.Rows, row)
	return nil
}

// scannedRow is a row kept while the header is looked for.
type scannedRow struct {
	num   int
	cells []cell
	end   int64 // the table's offset after the row
}

// estimateRows estimates how many rows the table has below its header from
// the bytes that the scanned rows below it took, so that the rows are kept
// in one array instead of one regrown and copied as it fills. It returns 0
// when too few rows were scanned to tell.
func estimateRows(t table, head []scannedRow, lastHeader, maxRows int) int {
	var first, last int64
	n := 0
	for _, r := range head {
		switch {
		case r.num == lastHeader:
			first = r.end
		case r.num > lastHeader:
			n, last = n+1, r.end
		}
	}
	if n < 2 || last <= first {
		return 0
	}
	perRow := (last - first) / int64(n)
	est := int64(n) + (t.size()-last)/max(perRow, 1)
	return int(min(est+est/16, int64(maxRows)))
}

// scanRows reads up to n rows, copying their cells.
func scanRows(t table, n int) ([]scannedRow, error) {
	var out []scannedRow
	for len(out) < n {
		num, cells, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, asFileError(err)
		}
		if len(cells) > maxColumns {
			return nil, fileError(CodeFileCorrupt, ErrCorrupt)
		}
		out = append(out, scannedRow{num: num, cells: append([]cell(nil), cells...), end: t.offset()})
	}
	return out, nil
}

// asFileError returns err if it is a FileError, and otherwise a corrupt
// file error, so that no parser's message (which may quote the content)
// reaches the caller.
func asFileError(err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe
	}
	return fileError(CodeFileCorrupt, ErrCorrupt)
}
