package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/xuri/excelize/v2"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// importRows is the number of people in the benchmark's workbook.
const importRows = 100_000

// importNow is today for reading the workbook.
var importNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkImport100k imports a workbook of 100,000 valid people into an
// enterprise of the demo tenant, on every backend, beside two floors
// measured in the same run: excelize's streaming reader iterating the same
// file, and a batched INSERT of the same rows into a plain table. Each
// reports rows/s and the peak heap (peak-MB) while it runs.
//
// The workbook is written once per run into a folder the testing package
// removes at the end.
func BenchmarkImport100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "roster-100k.xlsx")
	if err := writeImportWorkbook(path, importRows); err != nil {
		b.Fatalf("write workbook: %v", err)
	}
	for _, be := range enginetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			b.Run("import", func(b *testing.B) { benchImport(b, be, path) })
			b.Run("floor-excelize", func(b *testing.B) { benchExcelizeFloor(b, path) })
			b.Run("floor-insert", func(b *testing.B) { benchInsertFloor(b, be, path) })
		})
	}
}

// benchImport reads the workbook and imports it as the clerk of the first
// demo enterprise, into a fresh demo tenant each time.
func benchImport(b *testing.B, be enginetest.Backend, path string) {
	code := tenants.DemoEnterprises[0].CreditCode
	measureRows(b, func() func() int {
		f := enginetest.Xiangxi(b, be)
		clerk, unitID := f.As(b, code), f.UnitID(b, code)
		return func() int {
			sh := readImportWorkbook(b, path)
			rep, err := f.Engine.ImportPeople(clerk, unitID, sh, engine.ImportOptions{})
			if err != nil {
				b.Fatalf("import: %v", err)
			}
			if rep.Created != len(sh.Rows) {
				b.Fatalf("import: got %+v, want %d created", rep, len(sh.Rows))
			}
			return rep.Created
		}
	})
}

// benchExcelizeFloor iterates the workbook with excelize's streaming
// reader and does nothing with the cells.
func benchExcelizeFloor(b *testing.B, path string) {
	opts := excelize.Options{UnzipSizeLimit: roster.DefaultMaxUnzipBytes}
	measureRows(b, func() func() int {
		return func() int {
			f, err := excelize.OpenFile(path, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			rows, err := f.Rows(f.GetSheetName(0))
			if err != nil {
				b.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				if _, err := rows.Columns(); err != nil {
					b.Fatal(err)
				}
				n++
			}
			return n - 1 // the header
		}
	})
}

// benchInsertFloor inserts the workbook's records into a plain table of a
// fresh database, a few hundred rows a statement, in one transaction. The
// records, read beforehand, count in its peak heap.
func benchInsertFloor(b *testing.B, be enginetest.Backend, path string) {
	records := make([]roster.Record, 0, importRows)
	for _, r := range readImportWorkbook(b, path).Rows {
		records = append(records, r.Record)
	}
	measureRows(b, func() func() int {
		db := openFloorDatabase(b, be)
		return func() int {
			if err := insertRecords(context.Background(), db, records); err != nil {
				b.Fatalf("insert: %v", err)
			}
			return len(records)
		}
	})
}

// measureRows runs a benchmark whose every iteration prepares untimed with
// setup and then times the function setup returns, which handles
// importRows rows and returns how many it handled. It reports rows/s and
// the largest heap seen while the timed functions ran.
func measureRows(b *testing.B, setup func() (run func() int)) {
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		run := setup()
		stop := watchHeap()
		b.StartTimer()

		n := run()

		b.StopTimer()
		peak = max(peak, stop())
		if n != importRows {
			b.Fatalf("handled %d rows, want %d", n, importRows)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(importRows*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}

// heapMetric is the heap's live and not yet swept objects, as
// runtime.MemStats.HeapAlloc counts them.
const heapMetric = "/memory/classes/heap/objects:bytes"

// watchHeap collects garbage, then samples the heap every 10 ms until the
// returned function is called, which returns the largest sample in bytes.
func watchHeap() (stop func() uint64) {
	runtime.GC()
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: heapMetric}}
		var most uint64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			most = max(most, s[0].Value.Uint64())
			select {
			case <-done:
				peak <- most
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}

// readImportWorkbook reads the workbook as an upload of it is read. Its
// rows must have no problems.
func readImportWorkbook(b *testing.B, path string) *roster.Sheet {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	sh, err := roster.Read(f, fi.Size(), filepath.Base(path), roster.Options{Now: importNow})
	if err != nil {
		b.Fatalf("read workbook: %v", err)
	}
	if ps := sh.Problems(); len(ps) > 0 {
		b.Fatalf("workbook has %d problems, first %s", len(ps), roster.DefaultText(ps[0]))
	}
	return sh
}

// writeImportWorkbook writes n valid, distinct people under the template's
// headers with excelize's stream writer: birth dates as date cells, other
// dates in the forms clerks type.
func writeImportWorkbook(path string, n int) error {
	headers, err := templateHeaders()
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter(f.GetSheetName(0))
	if err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}

	fields := roster.Fields()
	row := make([]any, len(fields))
	for i, field := range fields {
		row[i] = headers[field]
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for i := range n {
		p := importPerson(i)
		for j, field := range fields {
			row[j] = p[field]
			if t, ok := row[j].(time.Time); ok {
				row[j] = excelize.Cell{StyleID: dateStyle, Value: t}
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// templateHeaders returns the template's header of each field, from the
// roster package's column list.
func templateHeaders() (map[string]string, error) {
	data, err := os.ReadFile(filepath.Join("roster", "columns.json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Columns []struct{ Field, Header string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read columns.json: %w", err)
	}
	headers := map[string]string{}
	for _, c := range doc.Columns {
		headers[c.Field] = c.Header
	}
	return headers, nil
}

// importPerson returns the i-th person of the workbook, by field: born in
// 长沙市芙蓉区 on one of 13,000 days from 1960, with a sequence number that
// makes the ID number unique and gives the sex, and an engineering title of
// one of three grades.
func importPerson(i int) map[string]any {
	surnames := []string{"龙", "彭", "向", "田", "石", "麻", "吴", "杨", "符", "阿依古丽·"}
	given := []string{"凤英", "子海", "振湘", "燕", "立", "嘉", "买买提", "𠮷祥"}
	titles := []struct{ name, grade, level string }{
		{"助理工程师", "助理级", "专技十二级"},
		{"工程师", "中级", "专技十级"},
		{"高级工程师", "副高级", "专技七级"},
	}
	birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%13000)
	seq := i/13000 + 101
	sex := "女"
	if seq%2 == 1 {
		sex = "男"
	}
	id := idNumber(fmt.Sprintf("430102%s%03d", birth.Format("20060102"), seq))
	y, t := birth.Year(), titles[i%len(titles)]
	return map[string]any{
		roster.FieldName:           surnames[i%len(surnames)] + given[i%len(given)],
		roster.FieldIDNumber:       id,
		roster.FieldSex:            sex,
		roster.FieldBirthDate:      birth,
		roster.FieldEthnicity:      []string{"汉族", "苗族", "土家族"}[i%3],
		roster.FieldPolitical:      []string{"中共党员", "群众"}[i%2],
		roster.FieldEducation:      "大学本科毕业",
		roster.FieldDegree:         "学士",
		roster.FieldSchool:         "湖南大学",
		roster.FieldMajor:          "土木工程",
		roster.FieldGraduationDate: fmt.Sprintf("%d.07", y+22),
		roster.FieldStartedWork:    fmt.Sprintf("%d.08", y+22),
		roster.FieldJoinedUnit:     fmt.Sprintf("%d年9月", y+23),
		roster.FieldPostCategory:   "专业技术岗位",
		roster.FieldPostLevel:      t.level,
		roster.FieldAppointedDate:  fmt.Sprintf("%d-09-01", y+26),
		roster.FieldTitleSeries:    "工程技术人员",
		roster.FieldTitleName:      t.name,
		roster.FieldTitleGrade:     t.grade,
		roster.FieldTitleDate:      fmt.Sprintf("%d.12", y+26),
		roster.FieldTitleMethod:    "评审",
		roster.FieldCertificateNo:  fmt.Sprintf("GC%07d", i),
		roster.FieldStatus:         "在职",
		roster.FieldOverseas:       "否",
		roster.FieldPostdoctoral:   "否",
		roster.FieldMobile:         fmt.Sprintf("139%08d", i),
	}
}

// idNumber appends the GB 11643 check character to 17 digits: the digits
// weighted 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, their sum mod 11 indexing
// "10X98765432".
func idNumber(digits string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return digits + string("10X98765432"[sum%11])
}

// floorColumns are the columns of the insert floor's table, like those of
// the person table with the ID number and mobile number in plain text.
var floorColumns = []string{
	"tenant_id", "unit_id", "name", "sex", "id_number", "birth_date", "ethnicity", "political",
	"education", "degree", "school", "major", "graduation_date", "started_work", "joined_unit",
	"post_category", "post_level", "appointed_date", "title_series", "title_name", "title_grade",
	"title_date", "title_method", "status", "status_date", "overseas", "postdoctoral", "mobile",
	"created_at", "updated_at",
}

// floorTable creates the insert floor's table; %s is the backend's
// auto-increment key.
const floorTable = `CREATE TABLE staff (
	id %s,
	tenant_id BIGINT NOT NULL, unit_id BIGINT NOT NULL,
	name VARCHAR(30) NOT NULL, sex VARCHAR(1) NOT NULL, id_number VARCHAR(18) NOT NULL,
	birth_date DATETIME NULL, ethnicity VARCHAR(2), political VARCHAR(2),
	education VARCHAR(2), degree VARCHAR(1), school VARCHAR(100), major VARCHAR(100),
	graduation_date DATETIME NULL, started_work DATETIME NULL, joined_unit DATETIME NULL,
	post_category VARCHAR(20) NULL, post_level INTEGER NULL, appointed_date DATETIME NULL,
	title_series VARCHAR(50), title_name VARCHAR(50), title_grade VARCHAR(20) NULL,
	title_date DATETIME NULL, title_method VARCHAR(16),
	status VARCHAR(10) NOT NULL, status_date DATETIME NULL,
	overseas BOOLEAN NOT NULL, postdoctoral BOOLEAN NOT NULL, mobile VARCHAR(11),
	created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL
)`

// floorBatch is the number of rows of one INSERT statement.
const floorBatch = 500

// openFloorDatabase opens a fresh database of the backend with the floor's
// table, through database/sql with the engine's settings.
func openFloorDatabase(b *testing.B, be enginetest.Backend) *sql.DB {
	b.Helper()
	d := be.NewDatabase(b)
	driver, id := "mysql", "BIGINT AUTO_INCREMENT PRIMARY KEY"
	if d.Dialect == dialect.SQLite {
		driver, id = "sqlite", "INTEGER PRIMARY KEY AUTOINCREMENT"
	}
	db, err := sql.Open(driver, d.DSN)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(fmt.Sprintf(floorTable, id)); err != nil {
		b.Fatalf("create table: %v", err)
	}
	return db
}

// insertRecords inserts records in one transaction, floorBatch rows a
// statement.
func insertRecords(ctx context.Context, db *sql.DB, records []roster.Record) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	full, err := tx.PrepareContext(ctx, insertStatement(floorBatch))
	if err != nil {
		return err
	}
	defer full.Close()

	now := time.Now().UTC()
	args := make([]any, 0, floorBatch*len(floorColumns))
	for len(records) > 0 {
		batch := records[:min(floorBatch, len(records))]
		records = records[len(batch):]
		args = args[:0]
		for _, r := range batch {
			args = append(args, floorArgs(r, now)...)
		}
		if len(batch) == floorBatch {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertStatement(len(batch)), args...)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// insertStatement returns an INSERT of n rows into the floor's table.
func insertStatement(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(floorColumns)), ",") + ")"
	return "INSERT INTO staff (" + strings.Join(floorColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// floorArgs returns the values of a record in the order of floorColumns.
func floorArgs(r roster.Record, now time.Time) []any {
	date := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t
	}
	var level any
	if r.PostLevel != 0 {
		level = r.PostLevel
	}
	return []any{
		1, 1, r.Name, string(r.Sex), string(r.IDNumber), date(r.BirthDate),
		string(r.Ethnicity), string(r.Political), string(r.Education), string(r.Degree),
		r.School, r.Major, date(r.GraduationDate), date(r.StartedWork), date(r.JoinedUnit),
		string(r.PostCategory), level, date(r.AppointedDate), r.TitleSeries, r.TitleName,
		string(r.TitleGrade), date(r.TitleDate), string(r.TitleMethod),
		string(r.Status), date(r.StatusDate), r.Overseas, r.Postdoctoral, r.Mobile, now, now,
	}
}
