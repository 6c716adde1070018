package engine_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// Example embeds the engine in a Go program: open it on an SQLite file,
// onboard the demo tenant, log in as a unit clerk, read the unit's
// vacancies and declare evaluation quota.
func Example() {
	dir, _ := os.MkdirTemp("", "zhicheng-example-")
	defer os.RemoveAll(dir)
	db, _ := engine.ParseDatabase(filepath.Join(dir, "zhicheng.db"))

	ctx := context.Background()
	e, err := engine.Open(ctx, engine.Config{Database: db, DataKey: []byte("an example key of thirty-two b..")})
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	demo, err := tenants.LoadDemo(engine.OperatorContext(ctx, "example"), e, tenants.XiangxiSpec())
	if err != nil {
		log.Fatal(err)
	}
	s, err := e.Login(ctx, demo.Tenant.ID, "124331004000453123", tenants.DemoPassword)
	if err != nil {
		log.Fatal(err)
	}
	clerk := domain.WithActor(ctx, s.Actor)

	table, err := e.Vacancies(clerk, s.Actor.UnitID, 2026)
	if err != nil {
		log.Fatal(err)
	}
	r := table.Grade(domain.GradeAssociateSenior)
	fmt.Printf("%s: approved %d, occupied %d, vacancy %d\n", table.Unit.Name, r.Approved, r.Occupied, r.Vacancy)

	d, err := e.CreateDeclaration(clerk, engine.DeclarationInput{Year: 2026, Lines: []engine.Line{
		{Grade: domain.GradeAssociateSenior, Series: "卫生技术人员", Count: 2, Reason: "学科建设"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	d, err = e.SubmitDeclaration(clerk, d.ID, engine.Action{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Status, d.Stage)
	// Output:
	// 湘西土家族苗族自治州人民医院: approved 105, occupied 98, vacancy 7
	// in_review department_reviewer
}
