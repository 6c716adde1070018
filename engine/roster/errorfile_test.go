package roster

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestErrorFileOfWorkbook(t *testing.T) {
	b := newBook(t).
		row("Sheet1", 1, "花名册").
		row("Sheet1", 2, basicHeader...).
		row("Sheet1", 3, basicPerson...).
		row("Sheet1", 4, withCell("身份证号", "433122199308306515")...).
		row("Sheet1", 5, withCell("身份证号", idFemale1985)...).
		row("Sheet1", 6, withCell("身份证号", idStandard)[:2]...)
	data := b.bytes()
	sh := mustRead(t, data, "roster.xlsx")

	out, err := ErrorFile(bytes.NewReader(data), int64(len(data)), sh)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cell := func(ref string) string {
		v, err := f.GetCellValue("Sheet1", ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The error column is J, after the nine columns; the header is in row 2.
	tests := []struct{ ref, want string }{
		{"J1", ""},
		{"J2", "错误说明"},
		{"J3", ""},
		{"J4", "身份证号：“433122199308306515”的校验码错误，请核对号码"},
		{"J6", ""},
		{"A4", "龙凤英"},
	}
	for _, tt := range tests {
		if got := cell(tt.ref); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.ref, got, tt.want)
		}
	}
	row5 := cell("J5")
	for _, want := range []string{
		"性别：填写的“男”与身份证号对应的“女”不一致",
		"出生日期：填写的1993-08与身份证号中的出生日期1985-03-02不一致",
	} {
		if !strings.Contains(row5, want) {
			t.Errorf("J5 %q lacks %q", row5, want)
		}
	}
}

func TestErrorFileOfCSV(t *testing.T) {
	text := "姓名,身份证号,备注\n龙凤英," + idMale1993 + ",=1+1\n龙英,433122199308306515,\n"
	sh := mustRead(t, []byte(text), "名单.csv")
	out, err := ErrorFile(strings.NewReader(text), int64(len(text)), sh)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("人员信息")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"姓名", "身份证号", "备注", "错误说明"},
		{"龙凤英", idMale1993, "=1+1"},
		{"龙英", "433122199308306515", "", "身份证号：“433122199308306515”的校验码错误，请核对号码"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: got %q, want %q", i+1, rows[i], want[i])
		}
	}
	if formula, _ := f.GetCellFormula("人员信息", "C2"); formula != "" {
		t.Errorf("C2 became the formula %q", formula)
	}
}
