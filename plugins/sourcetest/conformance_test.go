package sourcetest_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
)

const (
	hospital = "12433100400092813K" // 湘西土家族苗族自治州民族中医院
	people   = "124331004000453123" // 湘西土家族苗族自治州人民医院
)

// memSource is a contract.Source over records in memory.
type memSource struct {
	departments []contract.Department
	units       []contract.Unit
	people      []contract.Person
	posts       []contract.Post
}

func (s *memSource) Departments(context.Context) ([]contract.Department, error) {
	return s.departments, nil
}

func (s *memSource) Units(_ context.Context, unit string) ([]contract.Unit, error) {
	return only(s.units, unit, func(u contract.Unit) string { return u.CreditCode }), nil
}

func (s *memSource) People(_ context.Context, unit string) ([]contract.Person, error) {
	return only(s.people, unit, func(p contract.Person) string { return p.UnitCode }), nil
}

func (s *memSource) Posts(_ context.Context, year int, unit string) ([]contract.Post, error) {
	var out []contract.Post
	for _, p := range only(s.posts, unit, func(p contract.Post) string { return p.UnitCode }) {
		if p.Year == year {
			out = append(out, p)
		}
	}
	return out, nil
}

// only returns the records of xs whose unit is unit, or all when unit is
// empty.
func only[T any](xs []T, unit string, unitOf func(T) string) []T {
	if unit == "" {
		return xs
	}
	var out []T
	for _, x := range xs {
		if unitOf(x) == unit {
			out = append(out, x)
		}
	}
	return out
}

// valid returns a source that breaks no rule. Its ID numbers and credit
// codes carry valid check characters.
func valid() *memSource {
	return &memSource{
		departments: []contract.Department{
			{Code: "433100-WJW", Name: "湘西土家族苗族自治州卫生健康委员会", Region: "433100"},
		},
		units: []contract.Unit{
			{CreditCode: hospital, Name: "湘西土家族苗族自治州民族中医院", Kind: "1",
				Region: "433100", DepartmentCode: "433100-WJW"},
			{CreditCode: people, Name: "湘西土家族苗族自治州人民医院", Kind: "1",
				Region: "433100", DepartmentCode: "433100-WJW"},
		},
		people: []contract.Person{
			{SourceID: "4000920001", UnitCode: hospital, Name: "鲁桂琪", Sex: "2",
				IDNumber: "433126197307253867", BirthDate: "1973-07-25", PostCategory: "2",
				PostLevel: 5, TitleGrade: "2", TitleDate: "2006-03-30", TitleMethod: "1", Status: "1"},
			{SourceID: "4000920002", UnitCode: hospital, Name: "黄欣", Sex: "2",
				IDNumber: "433124197801237528", BirthDate: "1978-01-23", Status: "1"},
			{SourceID: "4000450003", UnitCode: people, Name: "周兰", Sex: "2",
				IDNumber: "43060219850814768X", Status: "2", LeftDate: "2025-04-01"},
		},
		posts: []contract.Post{
			{UnitCode: hospital, Year: 2026, Category: "2", Level: 7, Approved: 25},
			{UnitCode: people, Year: 2026, Category: "2", Level: 7, Approved: 30},
		},
	}
}

func TestVerifyValid(t *testing.T) {
	rep := sourcetest.Conformance(t, valid(), sourcetest.Options{Year: 2026})
	want := sourcetest.Report{Departments: 1, Units: 2, People: 3, Posts: 2}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("got %+v, want %+v", rep, want)
	}
}

// TestVerifyBroken breaks one rule at a time and checks that Verify
// reports exactly that violation.
func TestVerifyBroken(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(s *memSource)
		want  sourcetest.Violation
	}{
		{"DepartmentCodeMissing", func(s *memSource) {
			s.departments = append(s.departments, contract.Department{Name: "人社局", Region: "433100"})
		}, v(sourcetest.RuleRequired, "department", "#2", "code")},
		{"DepartmentNameMissing", func(s *memSource) { s.departments[0].Name = " " },
			v(sourcetest.RuleRequired, "department", "433100-WJW", "name")},
		{"DepartmentRegion", func(s *memSource) { s.departments[0].Region = "4331" },
			v(sourcetest.RuleRegion, "department", "433100-WJW", "region")},
		{"DuplicateDepartment", func(s *memSource) {
			s.departments = append(s.departments, s.departments[0])
		}, v(sourcetest.RuleDuplicate, "department", "433100-WJW", "code")},
		{"CreditCode", func(s *memSource) {
			u := s.units[1]
			u.CreditCode = "124331004000453124"
			s.units = append(s.units, u)
		}, v(sourcetest.RuleCreditCode, "unit", "124331004000453124", "credit_code")},
		{"DuplicateUnit", func(s *memSource) { s.units = append(s.units, s.units[1]) },
			v(sourcetest.RuleDuplicate, "unit", people, "credit_code")},
		{"UnknownDepartment", func(s *memSource) { s.units[1].DepartmentCode = "433100-XXX" },
			v(sourcetest.RuleReference, "unit", people, "department_code")},
		{"UnitKind", func(s *memSource) { s.units[1].Kind = "事业" },
			v(sourcetest.RuleCode, "unit", people, "kind")},
		{"PersonNumberMissing", func(s *memSource) { s.people[2].SourceID = "" },
			v(sourcetest.RuleRequired, "person", "#3", "source_id")},
		{"DuplicatePersonNumber", func(s *memSource) { s.people[2].SourceID = "4000920002" },
			v(sourcetest.RuleDuplicate, "person", "4000920002", "source_id")},
		{"PersonUnitMissing", func(s *memSource) { s.people[2].UnitCode = "" },
			v(sourcetest.RuleRequired, "person", "4000450003", "unit_code")},
		{"PersonUnitUnknown", func(s *memSource) { s.people[2].UnitCode = "12433100MB0000000X" },
			v(sourcetest.RuleReference, "person", "4000450003", "unit_code")},
		{"PersonNameMissing", func(s *memSource) { s.people[2].Name = "" },
			v(sourcetest.RuleRequired, "person", "4000450003", "name")},
		{"IDNumberMissing", func(s *memSource) { s.people[2].IDNumber = "" },
			v(sourcetest.RuleRequired, "person", "4000450003", "id_number")},
		{"IDNumberCheck", func(s *memSource) { s.people[2].IDNumber = "430602198508147681" },
			v(sourcetest.RuleIDNumber, "person", "4000450003", "id_number")},
		{"DuplicateIDNumber", func(s *memSource) {
			s.people[2].IDNumber = "433124197801237528"
			s.people[2].BirthDate = ""
		}, v(sourcetest.RuleDuplicate, "person", "4000450003", "id_number")},
		{"SexContradictsID", func(s *memSource) { s.people[2].Sex = "1" },
			v(sourcetest.RuleConsistent, "person", "4000450003", "sex")},
		{"BirthDateContradictsID", func(s *memSource) { s.people[0].BirthDate = "1973-07-26" },
			v(sourcetest.RuleConsistent, "person", "4000920001", "birth_date")},
		{"Date", func(s *memSource) { s.people[0].TitleDate = "2006.03" },
			v(sourcetest.RuleDate, "person", "4000920001", "title_date")},
		{"Status", func(s *memSource) { s.people[0].Status = "在职" },
			v(sourcetest.RuleCode, "person", "4000920001", "status")},
		{"PersonPostLevel", func(s *memSource) { s.people[0].PostLevel = 14 },
			v(sourcetest.RulePostLevel, "person", "4000920001", "post_level")},
		{"PostLevel", func(s *memSource) { s.posts[0].Level = 14 },
			v(sourcetest.RulePostLevel, "post", hospital+"/2026/2/14", "level")},
		{"PostCount", func(s *memSource) { s.posts[0].Approved = -1 },
			v(sourcetest.RulePostCount, "post", hospital+"/2026/2/7", "approved")},
		{"PostUnitUnknown", func(s *memSource) { s.posts[1].UnitCode = "12433100MB0000000X" },
			v(sourcetest.RuleReference, "post", "12433100MB0000000X/2026/2/7", "unit_code")},
		{"DuplicatePost", func(s *memSource) { s.posts = append(s.posts, s.posts[1]) },
			v(sourcetest.RuleDuplicate, "post", people+"/2026/2/7", "level")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := valid()
			tt.spoil(src)
			rep, err := sourcetest.Verify(t.Context(), src, sourcetest.Options{Year: 2026})
			if err != nil {
				t.Fatal(err)
			}
			got := withoutReasons(rep.Violations)
			if want := []sourcetest.Violation{tt.want}; !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", rep.Violations, want)
			}
		})
	}
}

// TestVerifyUnitFilter checks that a source whose one-unit answer is not
// the unit's part of the whole is flagged.
func TestVerifyUnitFilter(t *testing.T) {
	src := &ignoresUnit{valid()}
	rep, err := sourcetest.Verify(t.Context(), src, sourcetest.Options{Year: 2026, Unit: people})
	if err != nil {
		t.Fatal(err)
	}
	want := []sourcetest.Violation{
		v(sourcetest.RuleUnitFilter, "person", people, "unit_code"),
	}
	if got := withoutReasons(rep.Violations); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", rep.Violations, want)
	}
}

// ignoresUnit answers every unit's people when asked for one unit's.
type ignoresUnit struct{ *memSource }

func (s *ignoresUnit) People(ctx context.Context, _ string) ([]contract.Person, error) {
	return s.memSource.People(ctx, "")
}

// TestVerifyReadError checks that a source that cannot be read gives an
// error rather than a report.
func TestVerifyReadError(t *testing.T) {
	errDown := errors.New("institution system down")
	_, err := sourcetest.Verify(t.Context(), &failing{valid(), errDown}, sourcetest.Options{})
	if !errors.Is(err, errDown) {
		t.Errorf("got %v, want %v", err, errDown)
	}
}

// failing fails to read people with err.
type failing struct {
	*memSource
	err error
}

func (s *failing) People(context.Context, string) ([]contract.Person, error) { return nil, s.err }

// TestConnect checks that records cross the gRPC layer unchanged, and that
// the in-process connection gives the same report.
func TestConnect(t *testing.T) {
	src := valid()
	remote := sourcetest.Connect(t, src)
	ctx := t.Context()

	ps, err := remote.People(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ps, src.people) {
		t.Errorf("people:\ngot  %+v\nwant %+v", ps, src.people)
	}
	posts, err := remote.Posts(ctx, 2026, hospital)
	if err != nil {
		t.Fatal(err)
	}
	if want := src.posts[:1]; !reflect.DeepEqual(posts, want) {
		t.Errorf("posts: got %+v, want %+v", posts, want)
	}
	if err := remote.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
	sourcetest.Conformance(t, remote, sourcetest.Options{Year: 2026})
}

// TestConnectConfigure checks that a source that takes no configuration
// refuses one.
func TestConnectConfigure(t *testing.T) {
	remote := sourcetest.Connect(t, valid())
	if err := remote.Configure(t.Context(), nil); err != nil {
		t.Errorf("empty configuration: %v", err)
	}
	if err := remote.Configure(t.Context(), map[string]string{"dsn": "x"}); err == nil {
		t.Error("got no error for a configuration, want one")
	}
}

func v(rule sourcetest.Rule, kind, key, field string) sourcetest.Violation {
	return sourcetest.Violation{Rule: rule, Kind: kind, Key: key, Field: field}
}

// withoutReasons returns vs with the reasons blanked, to compare the rest.
func withoutReasons(vs []sourcetest.Violation) []sourcetest.Violation {
	out := slices.Clone(vs)
	for i := range out {
		out[i].Reason = ""
	}
	return out
}
