package roster

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A header and a valid person for the generated files.
var (
	basicHeader = []any{"姓名", "身份证号", "性别", "出生日期", "参加工作时间",
		"职称系列", "职称名称", "职称级别", "职称取得时间"}
	basicPerson = []any{"龙凤英", idMale1993, "男", "1993.08", "2015.10",
		"工程技术人员", "助理工程师", "助理级", "2018.09"}
)

// withCell returns a copy of basicPerson with the cell under header set.
func withCell(header string, v any) []any {
	row := append([]any(nil), basicPerson...)
	for i, h := range basicHeader {
		if h == header {
			row[i] = v
		}
	}
	return row
}

func basicBook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	b := newBook(t).row("Sheet1", 1, basicHeader...)
	for i, r := range rows {
		b.row("Sheet1", i+2, r...)
	}
	return b.bytes()
}

func TestReadValidPerson(t *testing.T) {
	row := oneRow(t, mustRead(t, basicBook(t, basicPerson), "roster.xlsx"))
	noProblems(t, row)
	r := row.Record
	if r.Name != "龙凤英" || r.IDNumber != idMale1993 || r.Sex != domain.SexMale ||
		!r.BirthDate.Equal(day(1993, 8, 1)) || !r.MonthOnly.Has(FieldBirthDate) ||
		!r.StartedWork.Equal(day(2015, 10, 1)) || r.TitleSeries != "工程技术人员" ||
		r.TitleName != "助理工程师" || r.TitleGrade != domain.GradeAssistant ||
		!r.TitleDate.Equal(day(2018, 9, 1)) || r.Status != domain.PersonServing {
		t.Errorf("got %+v", r)
	}
}

func TestReadRowProblems(t *testing.T) {
	tests := []struct {
		name   string
		row    []any
		column string
		code   string
	}{
		{"bad check character", withCell("身份证号", "433122199308306515"), "身份证号", CodeIDCheck},
		{"ID as number in text", withCell("身份证号", "4.33122E+17"), "身份证号", CodeIDAsNumber},
		{"ID too short", withCell("身份证号", "43312219930830651"), "身份证号", CodeIDLength},
		{"sex mismatch", withCell("性别", "女"), "性别", CodeSexMismatch},
		{"birth date mismatch", withCell("出生日期", "1993.09"), "出生日期", CodeBirthMismatch},
		{"unknown code", withCell("性别", "男士"), "性别", CodeUnknownCode},
		{"title not in series", withCell("职称系列", "卫生技术人员"), "职称名称", CodeTitleSeries},
		{"title at wrong grade", withCell("职称级别", "中级"), "职称级别", CodeTitleGrade},
		{"unknown series", withCell("职称系列", "火星技术人员"), "职称系列", CodeTitleUnknownSeries},
		{"name of 31 characters", withCell("姓名", strings.Repeat("龙", 31)), "姓名", CodeNameTooLong},
		{"name with a digit", withCell("姓名", "龙凤英2"), "姓名", CodeNameChars},
		{"future date", withCell("职称取得时间", "2027.01"), "职称取得时间", CodeDateFuture},
		{"started work before 16", withCell("参加工作时间", "2009.07"), "参加工作时间", CodeWorkTooYoung},
		{"ambiguous day and month", withCell("职称取得时间", "3/2/2018"), "职称取得时间", CodeDateAmbiguousOrder},
		{"two-digit year", withCell("职称取得时间", "18.9"), "职称取得时间", CodeDateAmbiguousYear},
		{"year only", withCell("职称取得时间", "2018"), "职称取得时间", CodeDateIncomplete},
		{"not a date", withCell("职称取得时间", "不详"), "职称取得时间", CodeDateInvalid},
		{"name missing", withCell("姓名", "　"), "姓名", CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := oneRow(t, mustRead(t, basicBook(t, tt.row), "roster.xlsx"))
			if row.Number != 2 {
				t.Errorf("row %d, want 2", row.Number)
			}
			wantProblem(t, row, tt.column, tt.code)
			if len(row.Problems) != 1 {
				t.Errorf("got %d problems, want 1: %+v", len(row.Problems), row.Problems)
			}
		})
	}
}

func TestReadIDStoredAsNumberCell(t *testing.T) {
	data := basicBook(t, withCell("身份证号", 4.33122199308306e17))
	row := oneRow(t, mustRead(t, data, "roster.xlsx"))
	p := wantProblem(t, row, "身份证号", CodeIDAsNumber)
	if p.Params["value"] != "4.33122199308306E+17" {
		t.Errorf("value %q, want the number as a spreadsheet shows it", p.Params["value"])
	}
}

func TestReadFormulaWithoutValue(t *testing.T) {
	b := newBook(t).row("Sheet1", 1, basicHeader...).row("Sheet1", 2, withCell("职称取得时间", nil)...)
	if err := b.f.SetCellFormula("Sheet1", "I2", `TEXT(DATE(2018,9,1),"yyyy.mm")`); err != nil {
		t.Fatal(err)
	}
	row := oneRow(t, mustRead(t, b.bytes(), "roster.xlsx"))
	wantProblem(t, row, "职称取得时间", CodeFormulaNoValue)
}

func TestReadDuplicateID(t *testing.T) {
	sh := mustRead(t, basicBook(t, basicPerson, basicPerson), "roster.xlsx")
	if len(sh.Rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(sh.Rows))
	}
	noProblems(t, sh.Rows[0])
	p := wantProblem(t, sh.Rows[1], "身份证号", CodeIDDuplicate)
	if p.Params["row"] != 2 {
		t.Errorf("duplicate of row %v, want 2", p.Params["row"])
	}
}

func TestReadDateForms(t *testing.T) {
	dateStyle := &excelize.Style{NumFmt: 14}
	chineseDay, chineseMonth := `yyyy"年"m"月"d"日"`, `yyyy"年"m"月"`
	dayStyle := &excelize.Style{CustomNumFmt: &chineseDay}
	monthStyle := &excelize.Style{CustomNumFmt: &chineseMonth}
	twoDecimals := &excelize.Style{NumFmt: 2}
	tests := []struct {
		name      string
		value     any
		style     *excelize.Style
		want      time.Time
		monthOnly bool
		problem   string
	}{
		{"date cell", day(2018, 9, 3), dateStyle, day(2018, 9, 3), false, ""},
		{"Chinese date format", day(2018, 9, 3), dayStyle, day(2018, 9, 3), false, ""},
		{"Chinese month format", day(2018, 9, 3), monthStyle, day(2018, 9, 1), true, ""},
		{"serial number", 43346, nil, day(2018, 9, 3), false, ""},
		{"serial number as text", "43346", nil, day(2018, 9, 3), false, ""},
		{"number 2018.09", 2018.09, nil, day(2018, 9, 1), true, ""},
		{"number 2018.10 shown with two decimals", 2018.1, twoDecimals, day(2018, 10, 1), true, ""},
		{"number 2018.1", 2018.1, nil, time.Time{}, false, CodeDateAmbiguousMonth},
		{"number 20180903", 20180903, nil, day(2018, 9, 3), false, ""},
		{"text 2018.09", "2018.09", nil, day(2018, 9, 1), true, ""},
		{"text 2018-9-3", "2018-9-3", nil, day(2018, 9, 3), false, ""},
		{"text 2018/9/3", "2018/9/3", nil, day(2018, 9, 3), false, ""},
		{"text 20180903", "20180903", nil, day(2018, 9, 3), false, ""},
		{"text 2018年9月", "2018年9月", nil, day(2018, 9, 1), true, ""},
		{"text 2018年9月3日", "2018年9月3日", nil, day(2018, 9, 3), false, ""},
		{"full-width text", "２０１８．０９", nil, day(2018, 9, 1), true, ""},
		{"text with no-break spaces", "\u00a02018.09 ", nil, day(2018, 9, 1), true, ""},
		{"text 3/9/2018", "3/9/2018", nil, time.Time{}, false, CodeDateAmbiguousOrder},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBook(t).row("Sheet1", 1, basicHeader...).
				row("Sheet1", 2, withCell("职称取得时间", tt.value)...)
			if tt.style != nil {
				b.style("Sheet1", "I2", "I2", tt.style)
			}
			row := oneRow(t, mustRead(t, b.bytes(), "roster.xlsx"))
			if tt.problem != "" {
				wantProblem(t, row, "职称取得时间", tt.problem)
				return
			}
			noProblems(t, row)
			r := row.Record
			if !r.TitleDate.Equal(tt.want) || r.MonthOnly.Has(FieldTitleDate) != tt.monthOnly {
				t.Errorf("got %s month-only %v, want %s %v", r.TitleDate.Format(time.DateOnly),
					r.MonthOnly.Has(FieldTitleDate), tt.want.Format(time.DateOnly), tt.monthOnly)
			}
		})
	}
}

func TestReadTitleRowMergedAboveHeader(t *testing.T) {
	b := newBook(t).
		row("Sheet1", 1, "湘西州某某有限公司专业技术人员花名册").
		row("Sheet1", 2, basicHeader...).
		row("Sheet1", 3, basicPerson...)
	if err := b.f.MergeCell("Sheet1", "A1", "I1"); err != nil {
		t.Fatal(err)
	}
	sh := mustRead(t, b.bytes(), "roster.xlsx")
	if len(sh.HeaderRows) != 1 || sh.HeaderRows[0] != 2 {
		t.Errorf("header rows %v, want [2]", sh.HeaderRows)
	}
	row := oneRow(t, sh)
	noProblems(t, row)
	if row.Number != 3 || row.Record.Name != "龙凤英" {
		t.Errorf("got row %d %q, want row 3 龙凤英", row.Number, row.Record.Name)
	}
}

func TestReadTwoRowHeader(t *testing.T) {
	b := newBook(t).
		row("Sheet1", 1, "序号", "姓名", "身份证号", "职称", nil, nil, "参加工作时间").
		row("Sheet1", 2, nil, nil, nil, "系列", "名称", "级别").
		row("Sheet1", 3, 1, "龙凤英", idMale1993, "工程技术人员", "助理工程师", "助理级", "2015.10")
	for _, m := range [][2]string{{"A1", "A2"}, {"B1", "B2"}, {"C1", "C2"}, {"D1", "F1"}, {"G1", "G2"}} {
		if err := b.f.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	sh := mustRead(t, b.bytes(), "roster.xlsx")
	if len(sh.HeaderRows) != 2 || sh.HeaderRows[0] != 1 || sh.HeaderRows[1] != 2 {
		t.Errorf("header rows %v, want [1 2]", sh.HeaderRows)
	}
	row := oneRow(t, sh)
	noProblems(t, row)
	r := row.Record
	if r.TitleSeries != "工程技术人员" || r.TitleName != "助理工程师" || r.TitleGrade != domain.GradeAssistant ||
		!r.StartedWork.Equal(day(2015, 10, 1)) {
		t.Errorf("got %+v", r)
	}
	if h := columnHeader(sh, FieldTitleName); h != "职称名称" {
		t.Errorf("title name column %q, want 职称名称", h)
	}
}

func TestReadSynonymsShuffledAndExtraColumns(t *testing.T) {
	data := newBook(t).
		row("Sheet1", 1, "备注", "联系电话", "专业技术职务", "来本单位时间", "公民身份号码", "家庭住址",
			"出生年月", "* 姓  名", "最高学历", "现聘岗位等级", "岗位类别", "序号").
		row("Sheet1", 2, "", "139 1234 5678", "工程师", "2019年3月", idMale1993, "吉首市",
			"1993年8月", "龙凤英", "大学本科", "十级", "专业技术岗位", 1).
		bytes()
	sh := mustRead(t, data, "roster.xlsx")
	row := oneRow(t, sh)
	noProblems(t, row)
	r := row.Record
	if r.Name != "龙凤英" || r.IDNumber != idMale1993 || r.Mobile != "13912345678" ||
		r.TitleName != "工程师" || r.TitleGrade != domain.GradeIntermediate ||
		!r.JoinedUnit.Equal(day(2019, 3, 1)) || r.Education != "21" ||
		r.PostCategory != domain.PostProfessional || r.PostLevel != 10 {
		t.Errorf("got %+v", r)
	}
	for _, h := range []string{"备注", "家庭住址", "序号"} {
		if !contains(sh.Ignored, h) {
			t.Errorf("ignored %v, want %s among them", sh.Ignored, h)
		}
	}
}

func TestReadTrailingStyledRowsIgnored(t *testing.T) {
	b := newBook(t).row("Sheet1", 1, basicHeader...).row("Sheet1", 2, basicPerson...).
		row("Sheet1", 3, "", nil, " ").row("Sheet1", 40, "　")
	b.style("Sheet1", "A3", "I60", &excelize.Style{Border: []excelize.Border{{Type: "left", Style: 1}}})
	if err := b.f.SetRowHeight("Sheet1", 100, 30); err != nil {
		t.Fatal(err)
	}
	row := oneRow(t, mustRead(t, b.bytes(), "roster.xlsx"))
	noProblems(t, row)
}

func TestReadSkipsHiddenSheets(t *testing.T) {
	b := newBook(t).row("Sheet1", 1, basicHeader...).row("Sheet1", 2, withCell("姓名", "隐藏表")...)
	if _, err := b.f.NewSheet("人员"); err != nil {
		t.Fatal(err)
	}
	b.row("人员", 1, basicHeader...).row("人员", 2, basicPerson...)
	b.f.SetActiveSheet(1)
	if err := b.f.SetSheetVisible("Sheet1", false); err != nil {
		t.Fatal(err)
	}
	sh := mustRead(t, b.bytes(), "roster.xlsx")
	if sh.Name != "人员" {
		t.Errorf("read sheet %q, want 人员", sh.Name)
	}
	if row := oneRow(t, sh); row.Record.Name != "龙凤英" {
		t.Errorf("got %q, want 龙凤英", row.Record.Name)
	}
}

func TestReadSkipsSheetsWithoutHeader(t *testing.T) {
	b := newBook(t).row("Sheet1", 1, "说明").row("Sheet1", 2, "本表由人事科填报")
	if _, err := b.f.NewSheet("名单"); err != nil {
		t.Fatal(err)
	}
	b.row("名单", 1, basicHeader...).row("名单", 2, basicPerson...)
	if sh := mustRead(t, b.bytes(), "roster.xlsx"); sh.Name != "名单" {
		t.Errorf("read sheet %q, want 名单", sh.Name)
	}
}

func TestReadNormalisesText(t *testing.T) {
	tests := []struct {
		name string
		row  []any
		want func(Record) bool
	}{
		{"lower-case x", []any{"李华", "11010519491231002x"},
			func(r Record) bool { return r.IDNumber == idStandard }},
		{"old 15-digit number", []any{"龙英", "433101850302001"},
			func(r Record) bool { return r.IDNumber == idMale1985 }},
		{"apostrophe before the ID", withCell("身份证号", "'"+idMale1993),
			func(r Record) bool { return r.IDNumber == idMale1993 }},
		{"full-width digits in the ID", withCell("身份证号", "４３３１２２１９９３０８３０６５１４"),
			func(r Record) bool { return r.IDNumber == idMale1993 }},
		{"no-break and ideographic spaces", withCell("身份证号", "\u00a0"+idMale1993+"\u3000"),
			func(r Record) bool { return r.IDNumber == idMale1993 }},
		{"full-width space inside a name", withCell("姓名", "龙　英"),
			func(r Record) bool { return r.Name == "龙英" }},
		{"look-alike dot in a name", withCell("姓名", "阿依古丽•买买提"),
			func(r Record) bool { return r.Name == "阿依古丽·买买提" }},
		{"katakana dot in a name", withCell("姓名", "阿依古丽・买买提"),
			func(r Record) bool { return r.Name == "阿依古丽·买买提" }},
		{"rare character in a name", withCell("姓名", "龙𠮷"),
			func(r Record) bool { return r.Name == "龙𠮷" }},
		{"trailing spaces in a code", withCell("性别", " 男  "),
			func(r Record) bool { return r.Sex == domain.SexMale }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := oneRow(t, mustRead(t, basicBook(t, tt.row), "roster.xlsx"))
			noProblems(t, row)
			if !tt.want(row.Record) {
				t.Errorf("got %+v", row.Record)
			}
		})
	}
}

func TestReadCSV(t *testing.T) {
	text := "姓名,身份证号,性别,出生年月,参加工作时间,现专业技术职务,取得时间\r\n" +
		"龙凤英," + idMale1993 + ",男,1993.08,2015.10,助理工程师,2018.09\r\n" +
		"阿依古丽·买买提," + idFemale1985 + ",女,1985年3月,2007-08-01,高级会计师,2019年12月\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"UTF-8", []byte(text)},
		{"UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), text...)},
		{"GBK", []byte(gbk)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := mustRead(t, tt.data, "名单.csv")
			if !sh.CSV || len(sh.Rows) != 2 {
				t.Fatalf("got CSV %v with %d rows, want 2", sh.CSV, len(sh.Rows))
			}
			for _, row := range sh.Rows {
				noProblems(t, row)
			}
			r := sh.Rows[1].Record
			if r.Name != "阿依古丽·买买提" || r.IDNumber != idFemale1985 || r.TitleSeries != "会计人员" ||
				!r.TitleDate.Equal(day(2019, 12, 1)) || sh.Rows[1].Number != 3 {
				t.Errorf("got row %d %+v", sh.Rows[1].Number, r)
			}
		})
	}
}

func TestReadRefusesFiles(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
	docx := zipOf(t, map[string][]byte{"word/document.xml": []byte("<w:document/>")})
	xls := append(append([]byte(nil), magicOLE...), make([]byte, 512)...)
	tests := []struct {
		name   string
		data   []byte
		file   string
		target error
		code   string
	}{
		{"legacy .xls", xls, "roster.xls", ErrLegacyFormat, CodeFileLegacy},
		{"legacy .xls named .xlsx", xls, "roster.xlsx", ErrLegacyFormat, CodeFileLegacy},
		{"PDF named .xlsx", pdf, "roster.xlsx", ErrWrongContent, CodeFileMismatch},
		{"Word file named .xlsx", docx, "roster.xlsx", ErrWrongContent, CodeFileMismatch},
		{"workbook named .csv", basicBook(t, basicPerson), "roster.csv", ErrWrongContent, CodeFileMismatch},
		{"PDF", pdf, "roster.pdf", ErrUnsupportedType, CodeFileType},
		{"broken zip", []byte("PK\x03\x04 not really a zip"), "roster.xlsx", ErrWrongContent, CodeFileMismatch},
		{"no header", newBook(t).row("Sheet1", 1, "甲", "乙").row("Sheet1", 2, 1, 2).bytes(), "roster.xlsx",
			ErrNoHeader, CodeFileNoHeader},
		{"no ID column", newBook(t).row("Sheet1", 1, "姓名", "性别").row("Sheet1", 2, "龙凤英", "男").bytes(),
			"roster.xlsx", ErrMissingColumns, CodeFileMissingColumns},
		{"no data", newBook(t).row("Sheet1", 1, basicHeader...).bytes(), "roster.xlsx", ErrNoRows, CodeFileEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readData(tt.data, tt.file)
			wantFileError(t, err, tt.target, tt.code)
			if strings.Contains(err.Error(), "龙凤英") {
				t.Errorf("error %q carries the file's content", err)
			}
		})
	}
}

func TestReadLimits(t *testing.T) {
	t.Run("too large", func(t *testing.T) {
		data := basicBook(t, basicPerson)
		_, err := Read(bytes.NewReader(data), int64(len(data)), "roster.xlsx", Options{MaxBytes: 1000})
		wantFileError(t, err, ErrTooLarge, CodeFileTooLarge)
	})
	t.Run("unzips beyond the limit", func(t *testing.T) {
		data := bombBook(t, 3<<20)
		if len(data) > 64<<10 {
			t.Fatalf("test file is %d bytes, want a small one", len(data))
		}
		_, err := Read(bytes.NewReader(data), int64(len(data)), "roster.xlsx",
			Options{MaxUnzipBytes: 2 << 20, Now: testNow})
		wantFileError(t, err, ErrUnzipLimit, CodeFileUnzipLimit)
	})
	t.Run("too many rows", func(t *testing.T) {
		data := basicBook(t, basicPerson, withCell("身份证号", idStandard))
		_, err := Read(bytes.NewReader(data), int64(len(data)), "roster.xlsx", Options{MaxRows: 1, Now: testNow})
		wantFileError(t, err, ErrTooManyRows, CodeFileTooManyRows)
	})
}

// bombBook returns a workbook with a part of n zero bytes, which deflate
// packs into a few kilobytes.
func bombBook(t *testing.T, n int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(basicBook(t, basicPerson)), int64(len(basicBook(t, basicPerson))))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{"xl/media/padding.bin": make([]byte, n)}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		parts[f.Name] = buf.Bytes()
	}
	return zipOf(t, parts)
}

// zipOf returns a zip file holding the parts.
func zipOf(t *testing.T, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, data := range parts {
		fw, err := w.Create(name)
		if err == nil {
			_, err = fw.Write(data)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func columnHeader(sh *Sheet, field string) string {
	for _, c := range sh.Columns {
		if c.Field == field {
			return c.Header
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestReadKeepsRowsInOneArray(t *testing.T) {
	var b strings.Builder
	b.WriteString("姓名,身份证号\n")
	for range 2000 {
		b.WriteString("龙英," + idMale1993 + "\n") // every row but the first a duplicate; no matter here
	}
	sh := mustRead(t, []byte(b.String()), "名单.csv")
	if n, c := len(sh.Rows), cap(sh.Rows); n != 2000 || c < n || c > n+n/8 {
		t.Errorf("%d rows in an array of %d, want 2000 in one of at most 2250", n, c)
	}
}
