package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine/roster"
	"github.com/zhicheng-hr/zhicheng/ent"
	"github.com/zhicheng-hr/zhicheng/ent/person"
	"github.com/zhicheng-hr/zhicheng/ent/rule"
	"github.com/zhicheng-hr/zhicheng/policies"
)

// ImportReport says what an import of people did.
type ImportReport struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Skipped   int `json:"skipped"` // rows with problems, left out at the clerk's choice
	// Transfers are rows whose person is registered in another unit: they
	// are reported, never moved.
	Transfers []int `json:"transfers,omitempty"` // row numbers
}

// ImportOptions tune an import of people.
type ImportOptions struct {
	// ValidOnly imports the rows without problems and leaves the others
	// out; otherwise a sheet with any problem is refused whole.
	ValidOnly bool
	// Progress, when set, is told after each row how many of how many
	// rows are done.
	Progress func(done, total int)
}

// ImportPeople writes the people of a read spreadsheet into a unit, in one
// transaction. People match by ID number: importing the same file twice
// changes nothing. Unless opts.ValidOnly is set, a sheet with any problem
// is refused whole and nothing is written; with it, the rows with problems
// are left out. Someone registered in another unit is reported as a
// transfer and left where they are.
func (e *Engine) ImportPeople(ctx context.Context, unitID int, sh *roster.Sheet, opts ImportOptions) (ImportReport, error) {
	a, err := e.authorize(ctx, policies.ObjPerson, policies.ActCreate)
	if err != nil {
		return ImportReport{}, err
	}
	var rep ImportReport
	valid := 0
	for _, r := range sh.Rows {
		if len(r.Problems) == 0 {
			valid++
		}
	}
	if n := len(sh.Rows) - valid; n > 0 && !opts.ValidOnly {
		return rep, invalid("import.has_problems", P{"rows": n})
	}
	ctx = rule.WithVisibleUnits(ctx)
	err = e.inTx(ctx, func(tx *ent.Tx) error {
		u, err := tx.Unit.Get(ctx, unitID)
		if err != nil {
			return storageError("read unit", "unit", err)
		}
		rep = ImportReport{Skipped: len(sh.Rows) - valid}
		if err := e.importRows(ctx, tx, u, sh.Rows, valid, &rep, opts.Progress); err != nil {
			return err
		}
		detail := fmt.Sprintf("created %d updated %d unchanged %d transfers %d skipped %d",
			rep.Created, rep.Updated, rep.Unchanged, len(rep.Transfers), rep.Skipped)
		return e.audit(ctx, tx, a, "person.import", fmt.Sprintf("unit:%d", unitID), detail)
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// importRows creates, updates or leaves the person of each row without
// problems. Who is registered
// in the tenant is read once, beyond the clerk's scope, and of people in
// other units only that fact is reported; new people are inserted in
// batches.
func (e *Engine) importRows(ctx context.Context, tx *ent.Tx, u *ent.Unit, rows []roster.Row,
	valid int, rep *ImportReport, progress func(done, total int)) error {
	existing, err := tx.Person.Query().Where(person.TenantID(u.TenantID)).
		Select(person.FieldID, person.FieldUnitID, person.FieldIDNumberHash, person.FieldSourceDigest).
		All(system(ctx))
	if err != nil {
		return storageError("read people", "person", err)
	}
	byHash := make(map[string]registered, len(existing))
	for _, p := range existing {
		byHash[p.IDNumberHash] = registered{id: p.ID, unitID: p.UnitID, digest: p.SourceDigest}
	}
	var creates []*ent.PersonCreate
	flush := func() error {
		if len(creates) == 0 {
			return nil
		}
		err := tx.Person.CreateBulk(creates...).Exec(ctx)
		creates = creates[:0]
		return storageError("create people", "person", err)
	}
	done := 0
	for _, r := range rows {
		if len(r.Problems) > 0 {
			continue
		}
		hash := e.seal.lookupHash(string(r.Record.IDNumber))
		old, ok := byHash[hash]
		switch {
		case !ok:
			c := tx.Person.Create().SetTenantID(u.TenantID).SetUnitID(u.ID).SetIDNumberHash(hash)
			e.setRecord(c.Mutation(), r.Record)
			creates = append(creates, c)
			byHash[hash] = registered{unitID: u.ID}
			rep.Created++
		case old.id == 0:
			// The same ID number twice in one sheet: the first row counts.
			rep.Skipped++
		case old.unitID != u.ID:
			rep.Transfers = append(rep.Transfers, r.Number)
		case old.digest == recordDigest(r.Record):
			rep.Unchanged++
		default:
			upd := tx.Person.UpdateOneID(old.id)
			e.setRecord(upd.Mutation(), r.Record)
			if err := upd.Exec(ctx); err != nil {
				return storageError("update person", "person", err)
			}
			rep.Updated++
		}
		if len(creates) == bulkSize {
			if err := flush(); err != nil {
				return err
			}
		}
		if done++; progress != nil {
			progress(done, valid)
		}
	}
	return flush()
}

// registered is what an import needs to know of a person already in the
// tenant; id is 0 for one created by the same import.
type registered struct {
	id, unitID int
	digest     string
}

// recordDigest fingerprints an imported record, so that importing the same
// row again is recognised without decrypting anything.
func recordDigest(r roster.Record) string {
	h := sha256.New()
	fmt.Fprintf(h, "%#v", r)
	return hex.EncodeToString(h.Sum(nil))
}

// setRecord writes an imported record into a create or update mutation.
func (e *Engine) setRecord(m *ent.PersonMutation, r roster.Record) {
	m.SetName(r.Name)
	m.SetSex(r.Sex)
	m.SetIDNumberEnc(e.seal.seal(string(r.IDNumber)))
	m.SetIDNumberMasked(r.IDNumber.Masked())
	m.SetEthnicity(string(r.Ethnicity))
	m.SetPolitical(string(r.Political))
	m.SetEducation(string(r.Education))
	m.SetDegree(string(r.Degree))
	m.SetSchool(r.School)
	m.SetMajor(r.Major)
	m.SetTitleSeries(r.TitleSeries)
	m.SetTitleName(r.TitleName)
	m.SetTitleMethod(string(r.TitleMethod))
	m.SetCertificateNo(r.CertificateNo)
	m.SetStatus(r.Status)
	m.SetOverseas(r.Overseas)
	m.SetPostdoctoral(r.Postdoctoral)
	m.SetSourceDigest(recordDigest(r))
	for _, d := range []struct {
		t     time.Time
		set   func(time.Time)
		clear func()
	}{
		{r.BirthDate, m.SetBirthDate, m.ClearBirthDate},
		{r.GraduationDate, m.SetGraduationDate, m.ClearGraduationDate},
		{r.StartedWork, m.SetStartedWork, m.ClearStartedWork},
		{r.JoinedUnit, m.SetJoinedUnit, m.ClearJoinedUnit},
		{r.AppointedDate, m.SetAppointedDate, m.ClearAppointedDate},
		{r.TitleDate, m.SetTitleDate, m.ClearTitleDate},
		{r.StatusDate, m.SetStatusDate, m.ClearStatusDate},
	} {
		if d.t.IsZero() {
			d.clear()
		} else {
			d.set(d.t)
		}
	}
	if r.PostCategory != "" {
		m.SetPostCategory(r.PostCategory)
	} else {
		m.ClearPostCategory()
	}
	if r.PostLevel != 0 {
		m.SetPostLevel(r.PostLevel)
	} else {
		m.ClearPostLevel()
	}
	if r.TitleGrade != "" {
		m.SetTitleGrade(r.TitleGrade)
	} else {
		m.ClearTitleGrade()
	}
	if r.Mobile != "" {
		m.SetMobileEnc(e.seal.seal(r.Mobile))
		m.SetMobileMasked(maskMobile(r.Mobile))
	} else {
		m.ClearMobileEnc()
		m.ClearMobileMasked()
	}
}
