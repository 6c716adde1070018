package roster_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/roster"
)

// An import reads an uploaded file, shows each problem to the clerk, and
// offers the file back with an error column.
func Example() {
	upload := "序号,姓名,身份证号码,出生年月,现专业技术职务\n" +
		"1,龙凤英,433122199308306514,1993.08,助理工程师\n" +
		"2,阿依古丽•买买提,433101198503020014,1985年3月,高级会计师\n"
	r := strings.NewReader(upload)
	opts := roster.Options{Now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}

	sh, err := roster.Read(r, r.Size(), "花名册.csv", opts)
	var fe *roster.FileError
	if errors.As(err, &fe) {
		fmt.Println(roster.DefaultText(fe.Problem()))
		return
	}
	for _, row := range sh.Rows {
		fmt.Println(row.Number, row.Record.Name, row.Record.TitleSeries, row.Record.TitleGrade)
	}
	for _, p := range sh.Problems() {
		fmt.Println(roster.DefaultText(p))
	}
	corrected, err := roster.ErrorFile(r, r.Size(), sh)
	fmt.Println(len(corrected) > 0, err)
	// Output:
	// 2 龙凤英 工程技术人员 assistant
	// 3 阿依古丽·买买提 会计人员 associate_senior
	// 第3行 身份证号码：“433101198503020014”的校验码错误，请核对号码
	// true <nil>
}

// The template read back is its example person, without problems.
func ExampleTemplate() {
	tpl, err := roster.Template(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	sh, err := roster.Read(bytes.NewReader(tpl), int64(len(tpl)), "模板.xlsx", roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := sh.Rows[0].Record
	fmt.Println(sh.Name, len(sh.Rows), sh.Valid())
	fmt.Println(rec.Name, rec.IDNumber.Masked(), roster.Sexes.Name(rec.Sex), rec.BirthDate.Format(time.DateOnly))
	// Output:
	// 人员信息 1 true
	// 李华 110105********002X 女 1949-12-31
}

// A record typed on a page is checked the same way.
func ExampleRecord_Validate() {
	r := roster.Record{Name: "龙凤英", IDNumber: "433122199308306514", Sex: "2"}
	for _, p := range r.Validate(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)) {
		fmt.Println(roster.DefaultText(p))
	}
	// Output:
	// 性别：填写的“女”与身份证号对应的“男”不一致
}
