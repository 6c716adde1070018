package tenants

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
)

// DemoPassword is the password of every demo account. It meets the
// password rules, and is public: never use the demo in production.
const DemoPassword = "Zhicheng@2026"

// Demo account names besides the per-unit and per-department ones.
const (
	DemoAdmin  = "admin"  // the tenant administrator
	DemoBureau = "bureau" // the prefecture bureau's reviewer
)

// XiangxiSpec describes 湘西土家族苗族自治州 and its counties (GB/T 2260).
func XiangxiSpec() engine.TenantSpec {
	return engine.TenantSpec{
		Key:    "xiangxi",
		Name:   "湘西土家族苗族自治州",
		Region: "433100",
		Hosts:  []string{"xiangxi.localhost"},
		Regions: []engine.RegionSpec{
			{Code: "433100", Name: "湘西土家族苗族自治州"},
			{Code: "433101", Name: "吉首市"},
			{Code: "433122", Name: "泸溪县"},
			{Code: "433123", Name: "凤凰县"},
			{Code: "433124", Name: "花垣县"},
			{Code: "433125", Name: "保靖县"},
			{Code: "433126", Name: "古丈县"},
			{Code: "433127", Name: "永顺县"},
			{Code: "433130", Name: "龙山县"},
		},
	}
}

// Demo is what LoadDemo created.
type Demo struct {
	Tenant   engine.Tenant
	Report   engine.SyncReport
	Accounts []Account
}

// Account is a demo login.
type Account struct {
	Username string
	Role     domain.Role
	Scope    string // the unit, department or region in the account's charge
}

// LoadDemo creates the demo tenant from spec, loads the bundled Xiangxi
// export into it, and creates the demo accounts: an administrator, one
// clerk per unit (named by the unit's credit code), one reviewer per
// department (named by its code), the prefecture bureau and one bureau per
// county. Every account's password is DemoPassword. ctx must act as the
// platform operator (engine.OperatorContext).
func LoadDemo(ctx context.Context, e *engine.Engine, spec engine.TenantSpec) (Demo, error) {
	dir, err := os.MkdirTemp("", "zhicheng-demo-")
	if err != nil {
		return Demo{}, fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	path, err := sample.WriteSQLite(dir)
	if err != nil {
		return Demo{}, err
	}
	src, err := sqlsource.Open("sqlite", path)
	if err != nil {
		return Demo{}, fmt.Errorf("demo: %w", err)
	}
	defer src.Close()

	t, err := e.CreateTenant(ctx, spec)
	if err != nil {
		return Demo{}, fmt.Errorf("create demo tenant: %w", err)
	}
	rep, err := e.Sync(ctx, t.ID, src, sample.Year)
	if err != nil {
		return Demo{}, fmt.Errorf("load demo export: %w", err)
	}
	accounts, err := createDemoAccounts(ctx, e, t, spec)
	if err != nil {
		return Demo{}, err
	}
	return Demo{Tenant: t, Report: rep, Accounts: accounts}, nil
}

// DemoEnterprises are the three enterprises of the sample rosters, which
// have no institution system: their staff come from Excel. Their credit
// codes are made up, with valid check characters.
var DemoEnterprises = []engine.UnitInput{
	{Name: "湘西州交通规划勘察设计院有限公司", CreditCode: "91433100MA4L2JT01W", Sector: "工程"},
	{Name: "湘西州建筑设计院有限公司", CreditCode: "91433100MA4L2JT020", Sector: "工程"},
	{Name: "湘西自治州水利水电勘测设计研究院有限公司", CreditCode: "91433100MA4L2JT033", Sector: "工程"},
}

// demoEnterpriseDepartment is the competent department of the demo
// enterprises: the prefecture's talent service centre, which handles the
// titles of non-public enterprises.
const demoEnterpriseDepartment = "433100-RCZX"

// createEnterprises registers the demo enterprises as the operator (ctx),
// looking up their department as the administrator (actx).
func createEnterprises(ctx, actx context.Context, e *engine.Engine, t engine.Tenant) error {
	depts, err := e.Departments(actx)
	if err != nil {
		return err
	}
	deptID := 0
	for _, d := range depts {
		if d.Code == demoEnterpriseDepartment {
			deptID = d.ID
		}
	}
	for _, in := range DemoEnterprises {
		in.Kind, in.Region, in.DepartmentID = domain.UnitEnterprise, t.Region, deptID
		if _, err := e.CreateUnit(ctx, t.ID, in); err != nil {
			return fmt.Errorf("create demo enterprise: %w", err)
		}
	}
	return nil
}

// createDemoAccounts creates the administrator as the operator, then the
// other accounts as that administrator, who sees the tenant's units.
func createDemoAccounts(ctx context.Context, e *engine.Engine, t engine.Tenant, spec engine.TenantSpec) ([]Account, error) {
	create := func(ctx context.Context, s engine.UserSpec, scope string) (Account, error) {
		s.TenantID, s.Password = t.ID, DemoPassword
		if _, err := e.CreateUser(ctx, s); err != nil {
			return Account{}, fmt.Errorf("create demo account %s: %w", s.Username, err)
		}
		return Account{Username: s.Username, Role: s.Role, Scope: scope}, nil
	}
	admin, err := create(ctx, engine.UserSpec{
		Username: DemoAdmin, DisplayName: "系统管理员", Role: domain.RoleTenantAdmin,
	}, t.Name)
	if err != nil {
		return nil, err
	}
	s, err := e.Login(ctx, t.ID, DemoAdmin, DemoPassword)
	if err != nil {
		return nil, fmt.Errorf("log in as demo administrator: %w", err)
	}
	actx := domain.WithActor(ctx, s.Actor)
	defer e.Logout(ctx, s.Token)
	if err := createEnterprises(ctx, actx, e, t); err != nil {
		return nil, err
	}

	var specs []engine.UserSpec
	var scopes []string
	for _, r := range spec.Regions {
		name := DemoBureau
		if !r.Code.IsPrefecture() {
			name = DemoBureau + "-" + string(r.Code)
		}
		specs = append(specs, engine.UserSpec{
			Username: name, DisplayName: r.Name + "人社局", Role: domain.RoleBureauReviewer, Region: r.Code,
		})
		scopes = append(scopes, r.Name)
	}
	depts, err := e.Departments(actx)
	if err != nil {
		return nil, err
	}
	for _, d := range depts {
		specs = append(specs, engine.UserSpec{
			Username: d.Code, DisplayName: d.Name, Role: domain.RoleDepartmentReviewer, DepartmentID: d.ID,
		})
		scopes = append(scopes, d.Name)
	}
	units, err := e.Units(actx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		specs = append(specs, engine.UserSpec{
			Username: string(u.CreditCode), DisplayName: u.Name + "经办人", Role: domain.RoleUnitClerk, UnitID: u.ID,
		})
		scopes = append(scopes, u.Name)
	}
	accounts := []Account{admin}
	for i, s := range specs {
		a, err := create(actx, s, scopes[i])
		if err != nil {
			return nil, err
		}
		accounts = append(accounts, a)
	}
	return accounts, nil
}

// DemoPlugin is the reference sync plugin, which the demo tenant binds.
const DemoPlugin = "zhicheng-sync-sql"

// BindDemo binds tenant t to the reference plugin over the bundled
// export, which it writes into the tenant's sync data folder,
// <dataDir>/<tenant key>/institution.db, unless it is there already. ctx
// must act as the platform operator or the tenant's administrator.
func BindDemo(ctx context.Context, e *engine.Engine, t engine.Tenant, dataDir string) error {
	dir := filepath.Join(dataDir, t.Key)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("bind demo: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "institution.db")); errors.Is(err, os.ErrNotExist) {
		if _, err := sample.WriteSQLite(dir); err != nil {
			return fmt.Errorf("bind demo: %w", err)
		}
	}
	_, err := e.SetSyncBinding(ctx, t.ID, engine.SyncBindingInput{
		Plugin: DemoPlugin,
		Settings: []engine.SettingInput{
			{Key: "driver", Value: "sqlite"},
			{Key: "dsn", Value: "institution.db"},
		},
	})
	if err != nil {
		return fmt.Errorf("bind demo: %w", err)
	}
	return nil
}
