package sqlsource_test

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sqlsourcetest"
)

// otherSystem is an institution system whose database looks nothing like
// the export: Chinese and reserved names, codes in words, dates in other
// forms, numbers stored as text and as reals.
const otherSystem = `
CREATE TABLE bm (dm TEXT, mc TEXT, qh INTEGER);
CREATE TABLE "单位" ("代码" TEXT, "名称" TEXT, "主管" TEXT, "区划" TEXT);
CREATE TABLE staff ("order" TEXT, unit TEXT, name TEXT, gender TEXT, idno TEXT,
	born TEXT, joined TEXT, title_at DATETIME, level REAL, state TEXT);
CREATE TABLE quota (unit TEXT, "year" INTEGER, "level" TEXT, n TEXT);
INSERT INTO bm VALUES ('433100-WJW', '湘西土家族苗族自治州卫生健康委员会', 433100);
INSERT INTO "单位" VALUES ('12433100400092813K', '湘西土家族苗族自治州民族中医院', '433100-WJW', '433100');
INSERT INTO staff VALUES ('A-2', '12433100400092813K', ' 黄欣 ', '女', '433124197801237528',
	'19780123', '2006.10', '2007-05-30 00:00:00', 12.0, '在职');
INSERT INTO staff VALUES ('A-1', '12433100400092813K', '鲁桂琪', '女', '433126197307253867',
	'1973-07-25', NULL, NULL, 5, '退休');
INSERT INTO quota VALUES ('12433100400092813K', 2026, '专技七级', '25');
INSERT INTO quota VALUES ('12433100400092813K', 2026, '专技五级', ' 3 ');
INSERT INTO quota VALUES ('12433100400092813K', 2025, '专技五级', '2');
`

const otherMapping = `{
  "departments": {"table": "bm", "columns": {"code": "dm", "name": "mc", "region": "qh"}},
  "units": {
    "table": "单位",
    "columns": {"credit_code": "代码", "name": "名称", "department_code": "主管", "region": "区划"},
    "values": {"kind": "1"}
  },
  "people": {
    "table": "staff",
    "columns": {"source_id": "order", "unit_code": "unit", "name": "name", "sex": "gender",
      "id_number": "idno", "birth_date": "born", "joined_unit": "joined", "title_date": "title_at",
      "post_level": "level", "status": "state"},
    "codes": {"sex": {"男": "1", "女": "2"}, "status": {"在职": "1", "退休": "2"}},
    "dates": {"birth_date": "YYYYMMDD", "joined_unit": "YYYY.MM"},
    "values": {"post_category": "2"}
  },
  "posts": {
    "table": "quota",
    "columns": {"unit_code": "unit", "year": "year", "level": "level", "approved": "n"},
    "codes": {"level": {"专技五级": "5", "专技七级": "7"}},
    "values": {"category": "2"}
  }
}`

func TestMapping(t *testing.T) {
	s := mappedSource(t, otherSystem, otherMapping)
	ctx := t.Context()

	ds, err := s.Departments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantDs := []contract.Department{
		{Code: "433100-WJW", Name: "湘西土家族苗族自治州卫生健康委员会", Region: "433100"},
	}
	if !reflect.DeepEqual(ds, wantDs) {
		t.Errorf("departments: got %+v, want %+v", ds, wantDs)
	}

	us, err := s.Units(ctx, sampleUnit)
	if err != nil {
		t.Fatal(err)
	}
	wantUs := []contract.Unit{{CreditCode: sampleUnit, Name: "湘西土家族苗族自治州民族中医院",
		Kind: "1", Region: "433100", DepartmentCode: "433100-WJW"}}
	if !reflect.DeepEqual(us, wantUs) {
		t.Errorf("units: got %+v, want %+v", us, wantUs)
	}

	ps, err := s.People(ctx, sampleUnit)
	if err != nil {
		t.Fatal(err)
	}
	wantPs := []contract.Person{
		{SourceID: "A-1", UnitCode: sampleUnit, Name: "鲁桂琪", Sex: "2", IDNumber: "433126197307253867",
			BirthDate: "1973-07-25", PostCategory: "2", PostLevel: 5, Status: "2"},
		{SourceID: "A-2", UnitCode: sampleUnit, Name: "黄欣", Sex: "2", IDNumber: "433124197801237528",
			BirthDate: "1978-01-23", JoinedUnit: "2006-10-01", TitleDate: "2007-05-30",
			PostCategory: "2", PostLevel: 12, Status: "1"},
	}
	if !reflect.DeepEqual(ps, wantPs) {
		t.Errorf("people:\ngot  %+v\nwant %+v", ps, wantPs)
	}

	posts, err := s.Posts(ctx, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by the source's values: 专技七级 sorts before 专技五级.
	wantPosts := []contract.Post{
		{UnitCode: sampleUnit, Year: 2026, Category: "2", Level: 7, Approved: 25},
		{UnitCode: sampleUnit, Year: 2026, Category: "2", Level: 5, Approved: 3},
	}
	if !reflect.DeepEqual(posts, wantPosts) {
		t.Errorf("posts: got %+v, want %+v", posts, wantPosts)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("check: %v", err)
	}
}

// TestMappingUntranslatable checks that a value that neither the codes
// nor the date pattern fit passes unchanged, for zhicheng to refuse.
func TestMappingUntranslatable(t *testing.T) {
	s := mappedSource(t, otherSystem+`
		UPDATE staff SET gender = '未知', born = '1978年1月23日' WHERE "order" = 'A-2';`, otherMapping)
	ps, err := s.People(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := ps[1]; got.Sex != "未知" || got.BirthDate != "1978年1月23日" {
		t.Errorf("got sex %q and birth date %q, want both unchanged", got.Sex, got.BirthDate)
	}
}

func TestExportMappingFile(t *testing.T) {
	m, err := sqlsource.LoadMapping(filepath.Join("mappings", "xiangxi.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, sqlsource.ExportMapping()) {
		t.Error("mappings/xiangxi.json differs from ExportMapping")
	}
	s := openSQLite(t, sqlsourcetest.SQLitePath(t))
	if err := s.Check(t.Context()); err != nil {
		t.Errorf("check: %v", err)
	}
}

func TestParseMappingErrors(t *testing.T) {
	tests := []struct {
		name, edit, want string
	}{
		{"UnknownKey", `"columns": {"code"` + "→" + `"colums": {"code"`, "unknown field"},
		{"NoTable", `"table": "bm"` + "→" + `"table": ""`, "departments: no table"},
		{"UnknownField", `"dm", "name"` + "→" + `"dm", "title": "x", "name"`, `unknown field "title"`},
		{"KeyNotMapped", `"source_id": "order", ` + "→" + ``, "source_id: a column is required"},
		{"ColumnAndValue", `"values": {"kind": "1"}` + "→" + `"values": {"name": "1"}`,
			"name: both a column and a value"},
		{"CodesWithoutColumn", `"codes": {"sex"` + "→" + `"codes": {"degree"`,
			"degree: codes for a field without a column"},
		{"DatesOnText", `"dates": {"birth_date"` + "→" + `"dates": {"name"`,
			"name: a date pattern needs a date field"},
		{"DatePatternLetters", `"YYYYMMDD"` + "→" + `"YYYYMMDD hh"`, `unexpected 'h'`},
		{"DatePatternNoMonth", `"YYYY.MM"` + "→" + `"YYYY"`, "needs YYYY and MM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to, _ := strings.Cut(tt.edit, "→")
			if !strings.Contains(otherMapping, from) {
				t.Fatalf("the mapping has no %q", from)
			}
			_, err := sqlsource.ParseMapping([]byte(strings.Replace(otherMapping, from, to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestCheckMissingColumn(t *testing.T) {
	s := mappedSource(t, otherSystem,
		strings.Replace(otherMapping, `"approved": "n"`, `"approved": "hdzs"`, 1))
	if err := s.Check(t.Context()); err == nil || !strings.Contains(err.Error(), "posts") {
		t.Errorf("got error %v, want one about posts", err)
	}
}

// mappedSource writes a SQLite database made by script and returns a
// Source reading it through the mapping in JSON.
func mappedSource(t *testing.T, script, mapping string) *sqlsource.Source {
	t.Helper()
	path := systemDB(t, script)
	m, err := sqlsource.ParseMapping([]byte(mapping))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlsource.OpenMapped("sqlite", path, m)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// systemDB writes a SQLite database made by script into a temporary
// directory and returns its path.
func systemDB(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "system.db")
	execSQL(t, path, script)
	return path
}
