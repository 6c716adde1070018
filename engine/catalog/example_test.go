package catalog_test

import (
	"errors"
	"fmt"

	"github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// An import checks each person's title against the catalogue, offers the
// titles of a grade in a drop-down list, and reads older records' codes.
func Example() {
	c := catalog.Default()

	fmt.Println(c.Check("卫生技术人员", "主治医师", domain.GradeIntermediate))
	err := c.Check("卫生技术人员", "主治医师", domain.GradeAssociateSenior)
	fmt.Println(errors.Is(err, catalog.ErrWrongGrade))

	fmt.Println(c.Titles("卫生技术人员", domain.GradeIntermediate))

	series, title, _ := c.ByLegacyCode("082")
	fmt.Println(series, title)
	// Output:
	// <nil>
	// true
	// [主治医师 主管药师 主管护师 主管技师]
	// 工程技术人员 高级工程师
}
