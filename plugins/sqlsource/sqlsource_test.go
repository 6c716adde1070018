package sqlsource_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sqlsourcetest"
)

// Expected values below were read from the export with the sqlite3 shell,
// independently of the code under test.
const (
	wantDepartments = 23
	wantUnits       = 41
	wantPeople      = 3477
	wantRetired     = 75

	// select count(*) from gwsz where nd=2026
	wantPosts2026 = 533

	// 湘西土家族苗族自治州民族中医院
	sampleUnit = "12433100400092813K"
	// select count(*) from ry where dwdm='12433100400092813K'
	wantSampleUnitPeople = 184
	// select count(*) from gwsz where nd=2026 and dwdm='12433100400092813K'
	wantSampleUnitPosts = 13
)

// A retired person whose title date is NULL in the export.
var retiredPerson = contract.Person{
	SourceID:       "4002600091",
	UnitCode:       "12433100400260979H",
	Name:           "李欣",
	Sex:            "2",
	IDNumber:       "433123196503316665",
	BirthDate:      "1965-03-31",
	Ethnicity:      "06",
	Political:      "13",
	Education:      "31",
	Degree:         "9",
	School:         "吉首大学",
	Major:          "护理学",
	GraduationDate: "2016-06-30",
	StartedWork:    "2016-07-30",
	JoinedUnit:     "2017-07-30",
	PostCategory:   "2",
	PostLevel:      10,
	AppointedDate:  "2020-07-30",
	TitleSeries:    "卫生技术人员",
	TitleName:      "主治医师",
	TitleGrade:     "3",
	TitleDate:      "",
	TitleMethod:    "1",
	Status:         "2",
	LeftDate:       "2025-04-01",
	Mobile:         "13800001209",
}

// A serving person whose name has a character outside the Basic
// Multilingual Plane and whose appointment date is NULL.
var supplementaryPerson = contract.Person{
	SourceID:       "4000450149",
	UnitCode:       "124331004000453123",
	Name:           "覃𠮷兰",
	Sex:            "2",
	IDNumber:       "43312419780824654X",
	BirthDate:      "1978-08-24",
	Ethnicity:      "06",
	Political:      "01",
	Education:      "14",
	Degree:         "3",
	School:         "湖南医药学院",
	Major:          "医学检验技术",
	GraduationDate: "2003-06-30",
	StartedWork:    "2003-09-30",
	JoinedUnit:     "2006-09-30",
	PostCategory:   "1",
	PostLevel:      9,
	AppointedDate:  "",
	TitleSeries:    "卫生技术人员",
	TitleName:      "主管护师",
	TitleGrade:     "3",
	TitleDate:      "2011-03-30",
	TitleMethod:    "1",
	Status:         "1",
	LeftDate:       "",
	Mobile:         "13800009214",
}

var wantSampleUnit = contract.Unit{
	CreditCode:     sampleUnit,
	Name:           "湘西土家族苗族自治州民族中医院",
	Kind:           "1",
	Funding:        "2",
	Sector:         "卫生",
	Region:         "433100",
	DepartmentCode: "433100-WJW",
	ContactName:    "滕春",
	ContactPhone:   "0743-8021816",
	Address:        "湖南省湘西土家族苗族自治州吉首市武陵山大道162号",
}

func TestSQLite(t *testing.T) {
	testSource(t, openSQLite(t, sqlsourcetest.SQLitePath(t)))
}

func TestMySQL(t *testing.T) {
	testSource(t, openMySQL(t))
}

// TestEnginesAgree checks that both engines give the same answers, order
// included.
func TestEnginesAgree(t *testing.T) {
	ctx := t.Context()
	lite := openSQLite(t, sqlsourcetest.SQLitePath(t))
	my := openMySQL(t)

	read := map[string]func(*sqlsource.Source) (any, error){
		"Departments": func(s *sqlsource.Source) (any, error) { return s.Departments(ctx) },
		"Units":       func(s *sqlsource.Source) (any, error) { return s.Units(ctx, "") },
		"People":      func(s *sqlsource.Source) (any, error) { return s.People(ctx, "") },
		"Posts":       func(s *sqlsource.Source) (any, error) { return s.Posts(ctx, 2026, "") },
	}
	for name, f := range read {
		t.Run(name, func(t *testing.T) {
			a, err := f(lite)
			if err != nil {
				t.Fatalf("SQLite: %v", err)
			}
			b, err := f(my)
			if err != nil {
				t.Fatalf("MySQL: %v", err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Error("SQLite and MySQL answers differ")
			}
		})
	}
}

// testSource runs the assertions that every engine holding the export must
// pass.
func testSource(t *testing.T, s *sqlsource.Source) {
	t.Run("Departments", func(t *testing.T) { testDepartments(t, s) })
	t.Run("Units", func(t *testing.T) { testUnits(t, s) })
	t.Run("People", func(t *testing.T) { testPeople(t, s) })
	t.Run("PeopleOfUnit", func(t *testing.T) { testPeopleOfUnit(t, s) })
	t.Run("Posts", func(t *testing.T) { testPosts(t, s) })
	t.Run("CancelledContext", func(t *testing.T) { testCancelled(t, s) })
}

func testDepartments(t *testing.T, s *sqlsource.Source) {
	ds, err := s.Departments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ds); got != wantDepartments {
		t.Errorf("got %d departments, want %d", got, wantDepartments)
	}
	want := contract.Department{
		Code: "433100-JTJ", Name: "湘西土家族苗族自治州教育和体育局", Region: "433100",
	}
	if len(ds) > 0 && ds[0] != want {
		t.Errorf("first department: got %+v, want %+v", ds[0], want)
	}
	checkSorted(t, ds, func(d contract.Department) string { return d.Code })
}

func testUnits(t *testing.T, s *sqlsource.Source) {
	ctx := t.Context()
	all, err := s.Units(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(all); got != wantUnits {
		t.Errorf("got %d units, want %d", got, wantUnits)
	}
	checkSorted(t, all, func(u contract.Unit) string { return u.CreditCode })

	one, err := s.Units(ctx, sampleUnit)
	if err != nil {
		t.Fatal(err)
	}
	if want := []contract.Unit{wantSampleUnit}; !reflect.DeepEqual(one, want) {
		t.Errorf("unit %s: got %+v, want %+v", sampleUnit, one, want)
	}

	none, err := s.Units(ctx, "000000000000000000")
	if err != nil || len(none) != 0 {
		t.Errorf("unknown unit: got %d units and error %v, want none", len(none), err)
	}
}

func testPeople(t *testing.T, s *sqlsource.Source) {
	ps, err := s.People(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ps); got != wantPeople {
		t.Errorf("got %d people, want %d", got, wantPeople)
	}
	retired := 0
	for _, p := range ps {
		if p.Status == "2" {
			retired++
		}
	}
	if retired != wantRetired {
		t.Errorf("got %d retired, want %d", retired, wantRetired)
	}
	checkSorted(t, ps, func(p contract.Person) string { return p.SourceID })

	for _, want := range []contract.Person{retiredPerson, supplementaryPerson} {
		if got := findPerson(ps, want.SourceID); got != want {
			t.Errorf("person %s:\ngot  %+v\nwant %+v", want.SourceID, got, want)
		}
	}
	// select xm from ry where rybh='4016060081'
	if got, want := findPerson(ps, "4016060081").Name, "姚𠮷蓉"; got != want {
		t.Errorf("name of 4016060081: got %q, want %q", got, want)
	}
}

func testPeopleOfUnit(t *testing.T, s *sqlsource.Source) {
	ps, err := s.People(t.Context(), sampleUnit)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ps); got != wantSampleUnitPeople {
		t.Errorf("got %d people in %s, want %d", got, sampleUnit, wantSampleUnitPeople)
	}
	for _, p := range ps {
		if p.UnitCode != sampleUnit {
			t.Fatalf("person %s: got unit %s, want %s", p.SourceID, p.UnitCode, sampleUnit)
		}
	}
}

func testPosts(t *testing.T, s *sqlsource.Source) {
	ctx := t.Context()
	all, err := s.Posts(ctx, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(all); got != wantPosts2026 {
		t.Errorf("got %d post rows for 2026, want %d", got, wantPosts2026)
	}

	one, err := s.Posts(ctx, 2026, sampleUnit)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(one); got != wantSampleUnitPosts {
		t.Errorf("got %d post rows for %s, want %d", got, sampleUnit, wantSampleUnitPosts)
	}
	// select * from gwsz where dwdm='12433100400092813K' and gwdj=7
	want := contract.Post{UnitCode: sampleUnit, Year: 2026, Category: "2", Level: 7, Approved: 25}
	if i := slices.IndexFunc(one, func(p contract.Post) bool { return p.Level == 7 }); i < 0 {
		t.Errorf("no level 7 posts for %s", sampleUnit)
	} else if one[i] != want {
		t.Errorf("level 7: got %+v, want %+v", one[i], want)
	}

	other, err := s.Posts(ctx, 2025, "")
	if err != nil || len(other) != 0 {
		t.Errorf("2025: got %d post rows and error %v, want none", len(other), err)
	}
}

func testCancelled(t *testing.T, s *sqlsource.Source) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	calls := map[string]func() (any, error){
		"Departments": func() (any, error) { return s.Departments(ctx) },
		"Units":       func() (any, error) { return s.Units(ctx, "") },
		"People":      func() (any, error) { return s.People(ctx, "") },
		"Posts":       func() (any, error) { return s.Posts(ctx, 2026, "") },
	}
	for name, call := range calls {
		got, err := call()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got error %v, want context.Canceled", name, err)
		}
		if !reflect.ValueOf(got).IsNil() {
			t.Errorf("%s: got a result with the error, want nil", name)
		}
	}
}

func TestNullsAndSpaces(t *testing.T) {
	s := editedExport(t,
		"UPDATE ry SET xm = '  '||xm||' ', gwdj = NULL, byyx = NULL WHERE rybh = '4002600091'")

	ps, err := s.People(t.Context(), "12433100400260979H")
	if err != nil {
		t.Fatal(err)
	}
	want := retiredPerson
	want.PostLevel = 0
	want.School = ""
	if got := findPerson(ps, want.SourceID); got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestMissingTable(t *testing.T) {
	s := editedExport(t, "DROP TABLE ry")

	ps, err := s.People(t.Context(), "")
	if err == nil {
		t.Fatal("got no error, want one")
	}
	if ps != nil {
		t.Errorf("got %d people with the error, want none", len(ps))
	}
	if _, err := s.Departments(t.Context()); err != nil {
		t.Errorf("departments: %v", err)
	}
}

// TestMalformedRow checks that a bad row after good ones fails the whole
// read, and that the error does not quote the row's data.
func TestMalformedRow(t *testing.T) {
	const id = "43312219840321455X" // not a number, so SQLite keeps it as text
	s := editedExport(t, "UPDATE ry SET gwdj = sfzh WHERE sfzh = '"+id+"'")

	ps, err := s.People(t.Context(), "")
	if err == nil {
		t.Fatal("got no error, want one")
	}
	if ps != nil {
		t.Errorf("got %d people with the error, want none", len(ps))
	}
	if strings.Contains(err.Error(), id) {
		t.Errorf("error quotes the ID number: %v", err)
	}
}

func TestOpenUnknownDriver(t *testing.T) {
	if _, err := sqlsource.Open("postgres", "db"); err == nil {
		t.Error("got no error, want one")
	}
}

func TestOpenMissingFile(t *testing.T) {
	if _, err := sqlsource.Open("sqlite", t.TempDir()+"/missing.db"); err == nil {
		t.Error("got no error, want one: a read-only open must not create the file")
	}
}

func TestOpenPathNeedingEscapes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "事业 系统?#%.db")
	if err := os.Rename(sqlsourcetest.SQLitePath(t), path); err != nil {
		t.Fatal(err)
	}
	ds, err := openSQLite(t, path).Departments(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := len(ds); got != wantDepartments {
		t.Errorf("got %d departments, want %d", got, wantDepartments)
	}
}

// editedExport returns a Source over a copy of the SQLite export changed
// by stmts.
func editedExport(t *testing.T, stmts ...string) *sqlsource.Source {
	t.Helper()
	path := sqlsourcetest.SQLitePath(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("edit export: %v", err)
		}
	}
	return openSQLite(t, path)
}

func openSQLite(t testing.TB, path string) *sqlsource.Source {
	t.Helper()
	s, err := sqlsource.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openMySQL(t *testing.T) *sqlsource.Source {
	t.Helper()
	dsn := sqlsourcetest.LoadMySQL(t, sqlsourcetest.MySQLBaseDSN())
	s, err := sqlsource.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func findPerson(ps []contract.Person, sourceID string) contract.Person {
	i := slices.IndexFunc(ps, func(p contract.Person) bool { return p.SourceID == sourceID })
	if i < 0 {
		return contract.Person{}
	}
	return ps[i]
}

// checkSorted fails t unless the keys of xs strictly increase.
func checkSorted[T any](t *testing.T, xs []T, key func(T) string) {
	t.Helper()
	for i := 1; i < len(xs); i++ {
		if key(xs[i-1]) >= key(xs[i]) {
			t.Fatalf("not ordered by key: %q before %q", key(xs[i-1]), key(xs[i]))
		}
	}
}
