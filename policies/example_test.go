package policies_test

import (
	"fmt"
	"log"

	"github.com/zhicheng-hr/zhicheng/policies"
)

func ExampleNewEnforcer() {
	e, err := policies.NewEnforcer()
	if err != nil {
		log.Fatal(err)
	}

	submit, _ := e.Enforce(policies.RoleUnitClerk, "xiangxi",
		policies.ObjDeclaration, policies.ActSubmit)
	review, _ := e.Enforce(policies.RoleUnitClerk, "xiangxi",
		policies.ObjDeclaration, policies.ActReview)
	fmt.Println("clerk may submit:", submit)
	fmt.Println("clerk may review:", review)
	// Output:
	// clerk may submit: true
	// clerk may review: false
}

func ExampleAddTenantPolicy() {
	e, err := policies.NewEnforcer()
	if err != nil {
		log.Fatal(err)
	}

	err = policies.AddTenantPolicy(e, "xiangxi",
		policies.RoleAuditReader, policies.ObjDeclaration, policies.ActRead)
	if err != nil {
		log.Fatal(err)
	}
	own, _ := e.Enforce(policies.RoleAuditReader, "xiangxi",
		policies.ObjDeclaration, policies.ActRead)
	other, _ := e.Enforce(policies.RoleAuditReader, "huaihua",
		policies.ObjDeclaration, policies.ActRead)
	fmt.Println("in xiangxi:", own)
	fmt.Println("in huaihua:", other)
	// Output:
	// in xiangxi: true
	// in huaihua: false
}
