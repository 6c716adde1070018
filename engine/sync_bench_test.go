package engine_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/plugins/contract"
	"github.com/zhicheng-hr/zhicheng/plugins/sourcetest"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource"
	"github.com/zhicheng-hr/zhicheng/plugins/sqlsource/sample"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

// syncRows is the number of people in the benchmark's institution
// database; measureRows expects importRows, the same number.
const syncRows = importRows

// BenchmarkSync100k syncs an institution database of 100,000 generated
// people, in the Xiangxi export's 41 units, into an empty tenant through
// the reference plugin's process, on every backend: the timed part starts
// the plugin, reads everything and writes it in one transaction. Beside
// it, the floor: a batched INSERT of the same people, converted
// beforehand, into the person table of a database that has the same
// units. Each reports rows/s (people) and the peak heap.
func BenchmarkSync100k(b *testing.B) {
	data := b.TempDir()
	dir := filepath.Join(data, "t1")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	path, err := writeInstitution(dir, syncRows)
	if err != nil {
		b.Fatalf("write institution database: %v", err)
	}
	exe := sourcetest.Build(b, "github.com/zhicheng-hr/zhicheng/cmd/zhicheng-sync-sql")
	host := tenants.PluginDir{Path: filepath.Dir(exe)}
	for _, be := range enginetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			b.Run("sync", func(b *testing.B) { benchSync(b, be, host, data) })
			b.Run("floor-insert", func(b *testing.B) { benchSyncFloor(b, be, path) })
		})
	}
}

// benchSync binds a fresh tenant to the plugin and syncs it.
func benchSync(b *testing.B, be enginetest.Backend, host engine.PluginHost, data string) {
	measureRows(b, func() func() int {
		e, ten, _ := emptyTenant(b, be, func(c *engine.Config) { c.Plugins, c.SyncDataDir = host, data })
		op := engine.OperatorContext(context.Background(), "bench")
		_, err := e.SetSyncBinding(op, ten.ID, engine.SyncBindingInput{
			Plugin: tenants.DemoPlugin, Settings: []engine.SettingInput{
				{Key: "driver", Value: "sqlite"}, {Key: "dsn", Value: "institution.db"}},
		})
		if err != nil {
			b.Fatal(err)
		}
		return func() int {
			run, err := e.RunSync(op, ten.ID, engine.SyncRequest{Year: sample.Year}, engine.SyncOptions{})
			if err != nil {
				b.Fatalf("sync: %v", err)
			}
			if run.Counts.People.Refused != 0 {
				b.Fatalf("sync refused %d people, first %+v", run.Counts.People.Refused, run.Refusals[0])
			}
			return run.Counts.People.Created
		}
	})
}

// benchSyncFloor inserts the people into the person table of a tenant
// that has the institution database's departments and units, floorBatch
// rows a statement, in one transaction. What the rows hold is computed
// beforehand: the ID number's hash, its masked form, and random bytes
// of a sealed value's length in place of the sealed ID and phone numbers.
func benchSyncFloor(b *testing.B, be enginetest.Backend, path string) {
	src, err := sqlsource.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	people, err := src.People(context.Background(), "")
	if err != nil {
		b.Fatal(err)
	}
	measureRows(b, func() func() int {
		db, tenantID, units := floorTenant(b, be, src)
		rows := make([][]any, len(people))
		now := time.Now().UTC()
		for i, p := range people {
			rows[i] = personRow(p, tenantID, units[p.UnitCode], now)
		}
		return func() int {
			if err := insertPeople(context.Background(), db, rows); err != nil {
				b.Fatalf("insert: %v", err)
			}
			return len(rows)
		}
	})
}

// emptyTenant opens an engine on a fresh database of the backend with one
// empty tenant, t1.
func emptyTenant(b *testing.B, be enginetest.Backend,
	configure func(*engine.Config)) (*engine.Engine, engine.Tenant, engine.Database) {
	b.Helper()
	cfg := engine.Config{Database: be.NewDatabase(b), DataKey: enginetest.Key}
	if configure != nil {
		configure(&cfg)
	}
	e, err := engine.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	ten, err := e.CreateTenant(engine.OperatorContext(context.Background(), "bench"),
		engine.TenantSpec{Key: "t1", Name: "测试州", Region: "433100"})
	if err != nil {
		b.Fatal(err)
	}
	return e, ten, cfg.Database
}

// floorTenant makes a tenant with the source's departments and units and
// returns the database, the tenant and its units' ids by credit code.
func floorTenant(b *testing.B, be enginetest.Backend, src contract.Source) (*sql.DB, int, map[string]int) {
	b.Helper()
	e, ten, d := emptyTenant(b, be, nil)
	op := engine.OperatorContext(context.Background(), "bench")
	if _, err := e.Sync(op, ten.ID, noPeople{src}, sample.Year); err != nil {
		b.Fatal(err)
	}
	driver := "mysql"
	if d.Dialect == dialect.SQLite {
		driver = "sqlite"
	}
	db, err := sql.Open(driver, d.DSN)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	units := map[string]int{}
	rows, err := db.Query("SELECT credit_code, id FROM units WHERE tenant_id = ?", ten.ID)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var id int
		if err := rows.Scan(&code, &id); err != nil {
			b.Fatal(err)
		}
		units[code] = id
	}
	return db, ten.ID, units
}

// noPeople is a source without people, for the floor's units.
type noPeople struct{ contract.Source }

func (noPeople) People(context.Context, string) ([]contract.Person, error) { return nil, nil }

// personColumns are the person table's columns that the floor fills.
var personColumns = []string{
	"created_at", "updated_at", "source_id", "name", "sex", "id_number_hash", "id_number_enc",
	"id_number_masked", "birth_date", "ethnicity", "political", "education", "degree", "school",
	"major", "graduation_date", "started_work", "joined_unit", "post_category", "post_level",
	"appointed_date", "title_series", "title_name", "title_grade", "title_date", "title_method",
	"status", "overseas", "postdoctoral", "mobile_enc", "mobile_masked", "source_digest",
	"tenant_id", "unit_id",
}

// personRow returns a source person's values in the order of
// personColumns, as the sync would store them.
func personRow(p contract.Person, tenantID, unitID int, now time.Time) []any {
	date := func(s string) any {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return nil
		}
		return t
	}
	opt := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	sealed := func() []byte {
		b := make([]byte, 12+18+16)
		rand.Read(b)
		return b
	}
	hash := sha256.Sum256([]byte(p.IDNumber))
	categories := map[string]any{"1": "management", "2": "professional", "3": "worker"}
	grades := map[string]any{"1": "full_senior", "2": "associate_senior", "3": "intermediate",
		"4": "assistant", "5": "technician"}
	var level any
	if p.PostLevel != 0 {
		level = p.PostLevel
	}
	return []any{
		now, now, p.SourceID, p.Name, p.Sex, hex.EncodeToString(hash[:]), sealed(),
		p.IDNumber[:6] + "********" + p.IDNumber[14:], date(p.BirthDate), opt(p.Ethnicity),
		opt(p.Political), opt(p.Education), opt(p.Degree), opt(p.School), opt(p.Major),
		date(p.GraduationDate), date(p.StartedWork), date(p.JoinedUnit), categories[p.PostCategory],
		level, date(p.AppointedDate), opt(p.TitleSeries), opt(p.TitleName), grades[p.TitleGrade],
		date(p.TitleDate), opt(p.TitleMethod), "serving", false, false, sealed(),
		p.Mobile[:3] + "****" + p.Mobile[7:], hex.EncodeToString(hash[:]), tenantID, unitID,
	}
}

// insertPeople inserts rows into the person table in one transaction,
// floorBatch rows a statement.
func insertPeople(ctx context.Context, db *sql.DB, rows [][]any) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	statement := func(n int) string {
		row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(personColumns)), ",") + ")"
		return "INSERT INTO persons (" + strings.Join(personColumns, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(row+",", n), ",")
	}
	full, err := tx.PrepareContext(ctx, statement(floorBatch))
	if err != nil {
		return err
	}
	defer full.Close()
	args := make([]any, 0, floorBatch*len(personColumns))
	for len(rows) > 0 {
		batch := rows[:min(floorBatch, len(rows))]
		rows = rows[len(batch):]
		args = args[:0]
		for _, r := range batch {
			args = append(args, r...)
		}
		if len(batch) == floorBatch {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, statement(len(batch)), args...)
		}
		if err != nil {
			return err
		}
	}
	return tx.Commit()
}

// writeInstitution writes the Xiangxi export into dir as institution.db,
// its people replaced by n generated ones: the export's people in turn
// give each new person's unit, post, title and education, and i gives a
// birth date on one of 13,000 days from 1960 and a sequence number that
// make the ID number unique and give the sex. Everyone is serving.
func writeInstitution(dir string, n int) (string, error) {
	path, err := sample.WriteSQLite(dir)
	if err != nil {
		return "", err
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	templates, err := readTemplates(db)
	if err != nil {
		return "", err
	}
	tx, err := db.Begin()
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("DELETE FROM ry"); err != nil {
		return "", err
	}
	ins, err := tx.Prepare(`INSERT INTO ry (rybh, dwdm, xm, xb, sfzh, csrq, mz, zzmm, xl, xw, byyx,
		sxzy, bysj, cjgzsj, jrbdwsj, gwlb, gwdj, prsj, zcxl, zcmc, zcjb, zcqdsj, zcqdfs, ryzt, lxdh)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '1', ?)`)
	if err != nil {
		return "", err
	}
	defer ins.Close()
	for i := range n {
		t := templates[i%len(templates)]
		birth := time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%13000)
		seq := i/13000 + 101
		sex := "2"
		if seq%2 == 1 {
			sex = "1"
		}
		day := func(years int, md string) string { return fmt.Sprintf("%d-%s", birth.Year()+years, md) }
		var appointed, titled any
		if t.category.Valid {
			appointed = day(26, "09-01")
		}
		if t.title.Valid {
			titled = day(26, "12-01")
		}
		_, err := ins.Exec(fmt.Sprintf("G%07d", i), t.unit, t.name, sex,
			idNumber(fmt.Sprintf("433101%s%03d", birth.Format("20060102"), seq)), birth.Format(time.DateOnly),
			t.ethnicity, t.political, t.education, t.degree, t.school, t.major,
			day(22, "06-30"), day(22, "08-01"), day(23, "09-01"), t.category, t.level, appointed,
			t.series, t.title, t.grade, titled, t.method, fmt.Sprintf("139%08d", i))
		if err != nil {
			return "", err
		}
	}
	return path, tx.Commit()
}

// template is what a generated person takes from one of the export's.
type template struct {
	unit, name                                             string
	ethnicity, political, education, degree, school, major sql.NullString
	category, series, title, grade, method                 sql.NullString
	level                                                  sql.NullInt64
}

func readTemplates(db *sql.DB) ([]template, error) {
	rows, err := db.Query(`SELECT dwdm, xm, mz, zzmm, xl, xw, byyx, sxzy, gwlb, gwdj, zcxl, zcmc,
		zcjb, zcqdfs FROM ry ORDER BY rybh`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []template
	for rows.Next() {
		var t template
		if err := rows.Scan(&t.unit, &t.name, &t.ethnicity, &t.political, &t.education, &t.degree,
			&t.school, &t.major, &t.category, &t.level, &t.series, &t.title, &t.grade, &t.method); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
