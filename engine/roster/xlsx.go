package roster

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// unzipXMLLimit is the size above which excelize unzips a worksheet or the
// shared strings to a temporary file instead of memory. Read streams the
// worksheet from the zip itself, so a copy in memory would only add to the
// peak; a small limit bounds it.
const unzipXMLLimit = 16 << 20

// workbook is an open .xlsx file: excelize for the package (its unzip
// limits, sheet list, visibility and styles), and the zip itself for
// streaming the shared strings and a worksheet's cells.
type workbook struct {
	f        *excelize.File
	zr       *zip.Reader
	parts    map[string]*zip.File // by lower-case name
	sheets   []sheetRef
	date1904 bool
	sst      []string
	sstRead  bool
	formats  map[int]numFormat
}

// sheetRef is a worksheet of the workbook.
type sheetRef struct {
	name    string
	part    string // the worksheet part, such as xl/worksheets/sheet1.xml
	visible bool
}

// openWorkbook opens r as a workbook within the unzip limit.
func openWorkbook(r io.ReaderAt, size int64, opts Options) (*workbook, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	if err := checkUnzipSize(zr, opts.MaxUnzipBytes); err != nil {
		return nil, err
	}

	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    opts.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(opts.MaxUnzipBytes, unzipXMLLimit),
	})
	if err != nil {
		return nil, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	wb := &workbook{f: f, zr: zr, parts: map[string]*zip.File{}, formats: map[int]numFormat{}}
	for _, zf := range zr.File {
		wb.parts[strings.ToLower(strings.ReplaceAll(zf.Name, "\\", "/"))] = zf
	}
	if err := wb.readSheetList(); err != nil {
		f.Close()
		return nil, fileError(CodeFileCorrupt, ErrCorrupt)
	}
	return wb, nil
}

// checkUnzipSize refuses a zip whose parts together unzip to more than
// limit bytes, before anything is unzipped.
func checkUnzipSize(zr *zip.Reader, limit int64) error {
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(limit) {
			return fileError(CodeFileUnzipLimit, ErrUnzipLimit, "max", int(limit>>20))
		}
	}
	return nil
}

func (wb *workbook) close() error { return wb.f.Close() }

// xmlWorkbook and xmlRels are the parts of workbook.xml and its
// relationships that locate the worksheets.
type xmlWorkbook struct {
	Pr struct {
		Date1904 bool `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name string `xml:"name,attr"`
		RID  string `xml:"id,attr"` // r:id, in the transitional or strict namespace
	} `xml:"sheets>sheet"`
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// readSheetList lists the worksheets in workbook order with their parts,
// taking visibility from excelize.
func (wb *workbook) readSheetList() error {
	var book xmlWorkbook
	var rels xmlRels
	if err := wb.decodePart("xl/workbook.xml", &book); err != nil {
		return err
	}
	if err := wb.decodePart("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return err
	}
	wb.date1904 = book.Pr.Date1904
	targets := map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID] = partPath("xl", r.Target)
	}
	for _, s := range book.Sheets {
		visible, err := wb.f.GetSheetVisible(s.Name)
		if err != nil {
			return err
		}
		ref := sheetRef{name: s.Name, part: targets[s.RID], visible: visible}
		wb.sheets = append(wb.sheets, ref)
	}
	return nil
}

// partPath resolves a relationship target against the folder of the part
// that names it.
func partPath(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(dir, target)
}

// openPart opens a part of the package by name, ignoring case.
func (wb *workbook) openPart(name string) (io.ReadCloser, error) {
	zf, ok := wb.parts[strings.ToLower(name)]
	if !ok {
		return nil, errors.New("missing part")
	}
	return zf.Open()
}

func (wb *workbook) decodePart(name string, v any) error {
	rc, err := wb.openPart(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// sharedStrings reads the shared string table once; a workbook without
// one has none.
func (wb *workbook) sharedStrings() ([]string, error) {
	if wb.sstRead {
		return wb.sst, nil
	}
	wb.sstRead = true
	rc, err := wb.openPart("xl/sharedStrings.xml")
	if err != nil {
		return nil, nil
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return wb.sst, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			s, err := readText(dec, "si")
			if err != nil {
				return nil, err
			}
			wb.sst = append(wb.sst, s)
		}
	}
}

// readText returns the text of the <t> elements up to the end of the
// element named end, leaving out phonetic runs (<rPh>), with the _xHHHH_
// escapes of the format decoded.
func readText(dec *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	inT, phonetic := false, 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				inT = true
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case end:
				return unescapeOOXML(b.String()), nil
			case "t":
				inT = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inT && phonetic == 0 {
				b.Write(t)
			}
		}
	}
}

// unescapeOOXML decodes the _xHHHH_ escapes that spreadsheets write for
// characters XML cannot hold, pairing UTF-16 surrogates.
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var units []uint16
	var b strings.Builder
	flush := func() {
		b.WriteString(string(utf16.Decode(units)))
		units = units[:0]
	}
	for i := 0; i < len(s); {
		if v, ok := escapeAt(s, i); ok {
			units = append(units, v)
			i += 7
			continue
		}
		flush()
		b.WriteByte(s[i])
		i++
	}
	flush()
	return b.String()
}

// escapeAt reads an _xHHHH_ escape at s[i:].
func escapeAt(s string, i int) (uint16, bool) {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	return uint16(v), err == nil
}

// format returns what the number format of cell style id tells, asking
// excelize once per style.
func (wb *workbook) format(id int) numFormat {
	if f, ok := wb.formats[id]; ok {
		return f
	}
	f := generalFormat
	if st, err := wb.f.GetStyle(id); err == nil {
		f = classifyFormat(st)
	}
	wb.formats[id] = f
	return f
}
