package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/roster"
)

// maxUpload bounds an uploaded spreadsheet; roster.Read refuses a larger
// file with a message, this only stops a body from growing without end.
const maxUpload = roster.DefaultMaxBytes + 1<<20

// importResult is what an import job found and did.
type importResult struct {
	FileError string // why the file could not be read at all
	Rows      int
	Problems  []problemView
	ErrorFile []byte // the upload with an error column, when rows have problems
	Report    *engine.ImportReport
	ValidOnly bool
}

// problemView is a problem as the page lists it.
type problemView struct {
	Row    int
	Column string
	Text   string
}

// importPage shows the upload form and the template link.
func (c *console) importPage(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("ui.import.title"), "people"
	return c.render(w, http.StatusOK, "people_import", v)
}

// template sends the import template.
func (c *console) template(w http.ResponseWriter, r *http.Request, v *view) error {
	b, err := roster.Template(nil)
	if err != nil {
		return err
	}
	sendXLSX(w, v.T("ui.import.template_file"), b)
	return nil
}

// sendXLSX answers with a workbook to download under name.
func sendXLSX(w http.ResponseWriter, name string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Write(b)
}

// upload stores the file under a generated name and starts the import as a
// job, whose page the browser goes to.
func (c *console) upload(w http.ResponseWriter, r *http.Request, v *view) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return c.refuseUpload(w, v, requestError(engine.KindInvalid, "import.no_file", nil))
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return c.refuseUpload(w, v, requestError(engine.KindInvalid, "import.no_file", nil))
	}
	defer file.Close()
	path, err := storeUpload(file)
	if err != nil {
		return err
	}
	validOnly := r.FormValue("valid_only") == "on"
	ctx := context.WithoutCancel(r.Context())
	unitID := v.Actor.UnitID
	j := c.s.jobs.start(v.Tenant.ID, v.Actor.UserID, func(j *job) (any, error) {
		defer os.Remove(path)
		return c.runImport(ctx, j, path, hdr.Filename, unitID, validOnly)
	})
	http.Redirect(w, r, v.Path("/people/import/%s", j.ID), http.StatusSeeOther)
	return nil
}

func (c *console) refuseUpload(w http.ResponseWriter, v *view, e *engine.Error) error {
	v.Title, v.Nav, v.Error = v.T("ui.import.title"), "people", v.Message(e)
	return c.render(w, http.StatusBadRequest, "people_import", v)
}

// storeUpload copies an upload into a temporary file with a generated
// name; the clerk's file name is never used as a path.
func storeUpload(src io.Reader) (string, error) {
	f, err := os.CreateTemp("", "zhicheng-upload-*")
	if err != nil {
		return "", fmt.Errorf("store upload: %w", err)
	}
	defer f.Close()
	if _, err := io.Copy(f, src); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("store upload: %w", err)
	}
	return f.Name(), nil
}

// runImport reads the stored file and, when it may, writes its people.
func (c *console) runImport(ctx context.Context, j *job, path, name string, unitID int, validOnly bool) (any, error) {
	j.progress("ui.import.reading", 0, 0)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open upload: %w", err)
	}
	res := &importResult{ValidOnly: validOnly}
	sh, err := roster.Read(f, fi.Size(), name, roster.Options{})
	var fe *roster.FileError
	if errors.As(err, &fe) {
		res.FileError = roster.DefaultText(fe.Problem())
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	res.Rows = len(sh.Rows)
	for _, p := range sh.Problems() {
		res.Problems = append(res.Problems, problemView{Row: p.Row, Column: p.Column, Text: roster.DefaultText(p)})
	}
	if len(res.Problems) > 0 {
		if res.ErrorFile, err = roster.ErrorFile(f, fi.Size(), sh); err != nil {
			return nil, err
		}
		if !validOnly {
			return res, nil
		}
	}
	rep, err := c.s.engine.ImportPeople(ctx, unitID, sh, engine.ImportOptions{
		ValidOnly: validOnly,
		Progress:  func(done, total int) { j.progress("ui.import.writing", done, total) },
	})
	if err != nil {
		return res, err
	}
	res.Report = &rep
	return res, nil
}

// importJob shows an import's progress, refreshing itself until it ends,
// then what it found and did.
func (c *console) importJob(w http.ResponseWriter, r *http.Request, v *view) error {
	j, ok := c.s.jobs.get(mux.Vars(r)["job"], v.Tenant.ID, v.Actor.UserID)
	if !ok {
		return requestError(engine.KindNotFound, "not_found", engine.P{"what": "page"})
	}
	st := j.state()
	v.Title, v.Nav, v.Refresh = v.T("ui.import.title"), "people", !st.Finished
	v.Data = struct {
		jobState
		ID string
	}{st, j.ID}
	if st.Err != nil {
		e := engine.AsError(st.Err)
		if e.Kind == engine.KindInternal {
			c.s.logInternal(r, e)
		}
		v.Error = v.Message(e)
	}
	return c.render(w, http.StatusOK, "people_import_job", v)
}

// importErrors sends the uploaded file with its error column.
func (c *console) importErrors(w http.ResponseWriter, r *http.Request, v *view) error {
	j, ok := c.s.jobs.get(mux.Vars(r)["job"], v.Tenant.ID, v.Actor.UserID)
	if !ok {
		return requestError(engine.KindNotFound, "not_found", engine.P{"what": "page"})
	}
	res, _ := j.state().Result.(*importResult)
	if res == nil || res.ErrorFile == nil {
		return requestError(engine.KindNotFound, "not_found", engine.P{"what": "page"})
	}
	sendXLSX(w, v.T("ui.import.error_file"), res.ErrorFile)
	return nil
}
