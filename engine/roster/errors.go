package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"
)

// The errors of a file that cannot be read at all, wrapped in a
// [FileError]; test for them with errors.Is. None carries the file's
// content or name, so they are safe to log.
var (
	// ErrTooLarge means the file is larger than Options.MaxBytes.
	ErrTooLarge = errors.New("roster: file too large")
	// ErrUnzipLimit means the workbook unzips to more than
	// Options.MaxUnzipBytes.
	ErrUnzipLimit = errors.New("roster: workbook unzips beyond the limit")
	// ErrLegacyFormat means a legacy .xls workbook, or a password-protected
	// one, which has the same container.
	ErrLegacyFormat = errors.New("roster: legacy .xls or encrypted workbook; save it as .xlsx")
	// ErrWrongContent means the content is not what the file's name says,
	// such as a PDF named .xlsx.
	ErrWrongContent = errors.New("roster: content does not match the file name's extension")
	// ErrUnsupportedType means a file that is neither .xlsx nor .csv.
	ErrUnsupportedType = errors.New("roster: only .xlsx and .csv files are read")
	// ErrCorrupt means the workbook cannot be opened.
	ErrCorrupt = errors.New("roster: workbook is corrupt")
	// ErrNoHeader means no visible sheet has a recognisable header row.
	ErrNoHeader = errors.New("roster: no sheet with a recognisable header")
	// ErrMissingColumns means the header lacks a required column.
	ErrMissingColumns = errors.New("roster: required columns missing")
	// ErrTooManyRows means more data rows than Options.MaxRows.
	ErrTooManyRows = errors.New("roster: too many rows")
	// ErrNoRows means the header has no data rows below it.
	ErrNoRows = errors.New("roster: no data rows")
)

// FileError is a problem with a file as a whole: nothing of it was read.
// Its Code and Params render it like a [Problem]; its Error text is English
// and free of the file's data.
type FileError struct {
	Code   string
	Params map[string]any
	Err    error // one of the errors above
}

// Error returns the wrapped error's English text.
func (e *FileError) Error() string { return e.Err.Error() }

// Unwrap returns the error above that e wraps.
func (e *FileError) Unwrap() error { return e.Err }

// Problem returns e as a problem of the whole file, for [DefaultText] and
// the caller's catalog.
func (e *FileError) Problem() Problem {
	return Problem{Code: e.Code, Params: e.Params}
}

func fileError(code string, err error, params ...any) *FileError {
	var ps problems
	ps.add("", code, params...)
	return &FileError{Code: code, Params: ps[0].Params, Err: err}
}

// fileFormat is how a file is read.
type fileFormat int

const (
	formatXLSX fileFormat = iota + 1
	formatCSV
)

var (
	magicOLE = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZip = []byte("PK\x03\x04")
	magicPDF = []byte("%PDF")
)

// detectFormat decides from the name's extension and the first bytes how
// to read a file, and refuses a legacy workbook, a content that is not
// what the name says, and any other type.
func detectFormat(r io.ReaderAt, size int64, name string) (fileFormat, error) {
	head := make([]byte, min(size, 8192))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return 0, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, "\\", "/")))
	actual := contentLabel(r, size, head)
	switch {
	case actual == "XLS" || ext == ".xls" || ext == ".et":
		return 0, fileError(CodeFileLegacy, ErrLegacyFormat)
	case ext == ".xlsx" && actual == "XLSX":
		return formatXLSX, nil
	case ext == ".csv" && actual == "TXT":
		return formatCSV, nil
	case ext == ".xlsx" || ext == ".csv":
		return 0, fileError(CodeFileMismatch, ErrWrongContent, "ext", ext, "actual", actual)
	}
	return 0, fileError(CodeFileType, ErrUnsupportedType, "ext", ext)
}

// contentLabel names what the file's first bytes show it to be: XLS (the
// legacy container), XLSX, DOCX, PPTX, ZIP, PDF, PNG, JPEG, TXT (text
// without NUL bytes) or BIN.
func contentLabel(r io.ReaderAt, size int64, head []byte) string {
	switch {
	case bytes.HasPrefix(head, magicOLE):
		return "XLS"
	case bytes.HasPrefix(head, magicZip):
		return zipLabel(r, size)
	case bytes.HasPrefix(head, magicPDF):
		return "PDF"
	case bytes.HasPrefix(head, []byte("\x89PNG")):
		return "PNG"
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "JPEG"
	case bytes.IndexByte(head, 0) < 0:
		return "TXT"
	}
	return "BIN"
}

// zipLabel tells a workbook from other zip files by the part that holds
// their main document.
func zipLabel(r io.ReaderAt, size int64) string {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "ZIP"
	}
	for _, f := range zr.File {
		switch strings.ToLower(f.Name) {
		case "xl/workbook.xml":
			return "XLSX"
		case "word/document.xml":
			return "DOCX"
		case "ppt/presentation.xml":
			return "PPTX"
		}
	}
	return "ZIP"
}
