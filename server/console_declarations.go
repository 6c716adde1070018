package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
	titles "github.com/zhicheng-hr/zhicheng/engine/catalog"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// formData is the declaration form: what the user typed, kept when the
// server refuses it, with the refusal next to the line it concerns.
type formData struct {
	ID        int
	Version   int
	Year      int
	Unit      int
	Channel   string
	Lines     []formLine
	Series    []string
	Vacancies *engine.VacancyTable
	// Special is the special-channel form: a channel and people per line.
	Special    bool
	Channels   []string
	Candidates []engine.PersonRef // whom overseas and postdoctoral lines may name
	Quota      *engine.SpecialQuota
}

// formLine is one line as typed; Count stays text so that what the user
// typed comes back as it was.
type formLine struct {
	Channel, Grade, Series, Count, Reason string
	People                                []int
	Error                                 string
}

// Picked reports whether the line names person id.
func (l formLine) Picked(id int) bool { return slices.Contains(l.People, id) }

// newDeclaration shows an empty form of the normal channel, or of the
// special channels when the query asks for channel=special.
func (c *console) newDeclaration(w http.ResponseWriter, r *http.Request, v *view) error {
	if !v.Is(string(domain.RoleUnitClerk)) {
		return requestError(engine.KindPermissionDenied, "permission_denied", nil)
	}
	f := formData{Year: yearParam(r), Unit: v.Actor.UnitID, Channel: string(domain.ChannelNormal),
		Lines: []formLine{{}}}
	if r.URL.Query().Get("channel") == "special" {
		f.Special, f.Lines = true, []formLine{{Channel: string(domain.ChannelUrgentNeed)}}
	}
	return c.renderForm(w, r, v, http.StatusOK, f)
}

// createDeclaration saves a new draft, or adds a line to the form when the
// user asked for one.
func (c *console) createDeclaration(w http.ResponseWriter, r *http.Request, v *view) error {
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	if r.PostFormValue("op") == "add_line" {
		f.Lines = append(f.Lines, f.newLine())
		return c.renderForm(w, r, v, http.StatusOK, f)
	}
	in, bad := f.input()
	if bad >= 0 {
		f.Lines[bad].Error = v.T("ui.form.count_number")
		return c.renderForm(w, r, v, http.StatusBadRequest, f)
	}
	d, err := c.s.engine.CreateDeclaration(r.Context(), in)
	if err != nil {
		return c.refuseForm(w, r, v, f, err)
	}
	http.Redirect(w, r, v.Path("/declarations/%d", d.ID), http.StatusSeeOther)
	return nil
}

// editDeclaration shows a draft or returned declaration in the form.
func (c *console) editDeclaration(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := c.s.engine.Declaration(r.Context(), intVar(r, "id"))
	if err != nil {
		return err
	}
	if !v.Is(string(domain.RoleUnitClerk)) {
		return requestError(engine.KindPermissionDenied, "permission_denied", nil)
	}
	if !d.Status.Editable() {
		return requestError(engine.KindConflict, "declaration.not_editable", engine.P{"status": d.Status})
	}
	f := formData{ID: d.ID, Version: d.Version, Year: d.Year, Unit: d.Unit.ID,
		Channel: string(domain.ChannelNormal)}
	for _, l := range d.Lines {
		f.Lines = append(f.Lines, formLine{
			Channel: string(l.Channel), Grade: string(l.Grade), Series: l.Series,
			Count: strconv.Itoa(l.Count), Reason: l.Reason, People: l.People,
		})
		f.Special = f.Special || l.Channel != domain.ChannelNormal
	}
	return c.renderForm(w, r, v, http.StatusOK, f)
}

// updateDeclaration saves the edited lines.
func (c *console) updateDeclaration(w http.ResponseWriter, r *http.Request, v *view) error {
	f, err := readForm(w, r)
	if err != nil {
		return err
	}
	f.ID = intVar(r, "id")
	if r.PostFormValue("op") == "add_line" {
		f.Lines = append(f.Lines, f.newLine())
		return c.renderForm(w, r, v, http.StatusOK, f)
	}
	in, bad := f.input()
	if bad >= 0 {
		f.Lines[bad].Error = v.T("ui.form.count_number")
		return c.renderForm(w, r, v, http.StatusBadRequest, f)
	}
	if _, err := c.s.engine.UpdateDeclaration(r.Context(), f.ID, in); err != nil {
		return c.refuseForm(w, r, v, f, err)
	}
	http.Redirect(w, r, v.Path("/declarations/%d", f.ID), http.StatusSeeOther)
	return nil
}

// refuseForm shows the form again with the engine's refusal: next to the
// line it names, or next to every line of the grade it names, or above the
// form.
func (c *console) refuseForm(w http.ResponseWriter, r *http.Request, v *view, f formData, err error) error {
	e := engine.AsError(err)
	if e.Kind == engine.KindInternal || e.Kind == engine.KindNotFound {
		return err
	}
	msg := v.Message(e)
	placed := false
	if n, ok := e.Params["line"].(int); ok && n >= 1 && n <= len(f.Lines) {
		f.Lines[n-1].Error, placed = msg, true
	} else if g, ok := e.Params["grade"].(domain.Grade); ok {
		for i := range f.Lines {
			if f.Lines[i].Grade == string(g) {
				f.Lines[i].Error, placed = msg, true
			}
		}
	}
	if !placed {
		v.Error = msg
	}
	return c.renderForm(w, r, v, statusOf(e.Kind), f)
}

func (c *console) renderForm(w http.ResponseWriter, r *http.Request, v *view, status int, f formData) error {
	if f.Unit != 0 {
		if t, err := c.s.engine.Vacancies(r.Context(), f.Unit, f.Year); err == nil {
			f.Vacancies = &t
		}
	}
	if f.Special && f.Unit != 0 {
		ps, err := c.s.engine.SpecialCandidates(r.Context(), f.Unit)
		if err != nil {
			return err
		}
		f.Candidates = ps
		if q, err := c.s.engine.SpecialQuota(r.Context(), f.Unit, f.Year); err == nil {
			f.Quota = &q
		}
		f.Channels = domain.Channel("").Values()
	}
	for _, s := range titles.Default().Series() {
		f.Series = append(f.Series, s.Name)
	}
	v.Title, v.Nav, v.Data = v.T("ui.declaration.form_title"), "declare", f
	if f.Special {
		v.Title = v.T("ui.special.form_title")
	}
	return c.render(w, status, "declaration_form", v)
}

// readForm reads the posted declaration form.
func readForm(w http.ResponseWriter, r *http.Request) (formData, error) {
	if err := parseForm(w, r); err != nil {
		return formData{}, err
	}
	p := r.PostForm
	f := formData{Channel: string(domain.ChannelNormal)}
	f.Year, _ = strconv.Atoi(p.Get("year"))
	f.Unit, _ = strconv.Atoi(p.Get("unit"))
	f.Version, _ = strconv.Atoi(p.Get("version"))
	f.Special = p.Get("mode") == "special"
	grades, series, counts, reasons := p["grade"], p["series"], p["count"], p["reason"]
	channels := p["channel"]
	for i := range grades {
		l := formLine{
			Channel: at(channels, i), Grade: grades[i], Series: at(series, i),
			Count: strings.TrimSpace(at(counts, i)), Reason: at(reasons, i),
		}
		for _, s := range p["people_"+strconv.Itoa(i)] {
			if id, err := strconv.Atoi(s); err == nil {
				l.People = append(l.People, id)
			}
		}
		f.Lines = append(f.Lines, l)
	}
	return f, nil
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

// input turns the form into the engine's input. Entirely empty lines are
// dropped; the index of a line whose count is not a number is returned,
// -1 when all are.
func (f *formData) input() (engine.DeclarationInput, int) {
	in := engine.DeclarationInput{UnitID: f.Unit, Year: f.Year, Version: f.Version}
	kept := f.Lines[:0]
	for _, l := range f.Lines {
		if l.Grade == "" && strings.TrimSpace(l.Series) == "" && l.Count == "" && strings.TrimSpace(l.Reason) == "" {
			continue
		}
		kept = append(kept, l)
	}
	f.Lines = kept
	for i, l := range f.Lines {
		n, err := strconv.Atoi(l.Count)
		if err != nil {
			return in, i
		}
		ch := domain.Channel(l.Channel)
		if ch == "" {
			ch = domain.ChannelNormal
		}
		in.Lines = append(in.Lines, engine.Line{
			Channel: ch, Grade: domain.Grade(l.Grade), Series: l.Series,
			Count: n, Reason: l.Reason, People: l.People,
		})
	}
	if len(f.Lines) == 0 {
		f.Lines = []formLine{f.newLine()}
	}
	return in, -1
}

// newLine is an empty line of the form: of the urgent-need channel on
// the special form.
func (f *formData) newLine() formLine {
	if f.Special {
		return formLine{Channel: string(domain.ChannelUrgentNeed)}
	}
	return formLine{}
}

// detailData is a declaration with its unit's vacancies.
type detailData struct {
	engine.Declaration
	Vacancies *engine.VacancyTable
	Special   *engine.SpecialQuota
	Reason    string // a reason typed for a refused return or rejection
	Chain     []domain.Role
}

// declaration shows a declaration, the unit's vacancies beside it, its
// history, and what the user may do with it.
func (c *console) declaration(w http.ResponseWriter, r *http.Request, v *view) error {
	return c.renderDetail(w, r, v, http.StatusOK, intVar(r, "id"), "")
}

func (c *console) renderDetail(w http.ResponseWriter, r *http.Request, v *view, status, id int, reason string) error {
	d, err := c.s.engine.Declaration(r.Context(), id)
	if err != nil {
		return err
	}
	// A submitted declaration keeps the chain it was submitted under; a
	// draft will take the chain in force when it is submitted.
	chain := d.Chain
	if len(chain) == 0 || d.Status.Editable() {
		if chain, err = c.s.engine.ApprovalChain(r.Context(), d.Year); err != nil {
			return err
		}
	}
	data := detailData{Declaration: d, Reason: reason, Chain: chain}
	if t, err := c.s.engine.Vacancies(r.Context(), d.Unit.ID, d.Year); err == nil {
		data.Vacancies = &t
	}
	if q, err := c.s.engine.SpecialQuota(r.Context(), d.Unit.ID, d.Year); err == nil {
		data.Special = &q
	}
	v.Title, v.Nav, v.Data = v.T("ui.declaration.title", "id", d.ID), "declare", data
	if v.IsReviewer() {
		v.Nav = "review"
	}
	return c.render(w, status, "declaration", v)
}

// move is an engine method that moves an item along its chain.
type move[T any] func(context.Context, int, engine.Action) (T, error)

// buttonForm reads the item and the action of a button on an item's page.
func buttonForm(w http.ResponseWriter, r *http.Request) (int, engine.Action, error) {
	if err := parseForm(w, r); err != nil {
		return 0, engine.Action{}, err
	}
	act := engine.Action{Reason: r.PostFormValue("reason")}
	act.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	return intVar(r, "id"), act, nil
}

// press carries out the button the route names with the item's moves. A
// refusal shows the item's page again with the reason (show); otherwise the
// browser goes to the item's page at path.
func press[T any](w http.ResponseWriter, r *http.Request, v *view, moves map[string]move[T],
	path string, show func(status, id int, reason string) error) error {
	id, act, err := buttonForm(w, r)
	if err != nil {
		return err
	}
	if m, ok := moves[mux.Vars(r)["action"]]; ok {
		_, err = m(r.Context(), id, act)
	}
	if k := engine.ErrorKind(err); k == engine.KindInvalid || k == engine.KindConflict {
		v.Error = v.Message(engine.AsError(err))
		return show(statusOf(k), id, act.Reason)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, v.Path(path, id), http.StatusSeeOther)
	return nil
}

// act carries out a button of the declaration page.
func (c *console) act(w http.ResponseWriter, r *http.Request, v *view) error {
	e := c.s.engine
	if mux.Vars(r)["action"] == "delete" {
		id, _, err := buttonForm(w, r)
		if err == nil {
			err = e.DeleteDeclaration(r.Context(), id)
		}
		if err == nil {
			http.Redirect(w, r, v.Path("/declarations"), http.StatusSeeOther)
			return nil
		}
		if k := engine.ErrorKind(err); k == engine.KindConflict {
			v.Error = v.Message(engine.AsError(err))
			return c.renderDetail(w, r, v, statusOf(k), id, "")
		}
		return err
	}
	moves := map[string]move[engine.Declaration]{
		"submit": e.SubmitDeclaration, "withdraw": e.WithdrawDeclaration,
		"approve": e.ApproveDeclaration, "return": e.ReturnDeclaration, "reject": e.RejectDeclaration,
	}
	return press(w, r, v, moves, "/declarations/%d", func(status, id int, reason string) error {
		return c.renderDetail(w, r, v, status, id, reason)
	})
}

// reviews is the reviewer's queue.
func (c *console) reviews(w http.ResponseWriter, r *http.Request, v *view) error {
	q, err := c.s.engine.ReviewQueue(r.Context())
	if err != nil {
		return err
	}
	v.Title, v.Nav, v.Data = v.T("ui.nav.review"), "review", reviewData{Queue: q}
	return c.render(w, http.StatusOK, "reviews", v)
}

// reviewData is the queue and the outcome of a batch approval.
type reviewData struct {
	Queue    []engine.Declaration
	Approved []int
	Refused  []string
}

// approveSelected approves the ticked declarations one by one, each
// checked again by the engine; the queue then shows which went through
// and why the others did not.
func (c *console) approveSelected(w http.ResponseWriter, r *http.Request, v *view) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	var d reviewData
	for _, s := range r.PostForm["id"] {
		id, _ := strconv.Atoi(s)
		_, err := c.s.engine.ApproveDeclaration(r.Context(), id, engine.Action{})
		switch engine.ErrorKind(err) {
		case "":
			d.Approved = append(d.Approved, id)
		case engine.KindInternal:
			return err
		default:
			d.Refused = append(d.Refused, "#"+s+" "+v.Message(engine.AsError(err)))
		}
	}
	q, err := c.s.engine.ReviewQueue(r.Context())
	if err != nil {
		return err
	}
	d.Queue = q
	v.Title, v.Nav, v.Data = v.T("ui.nav.review"), "review", d
	return c.render(w, http.StatusOK, "reviews", v)
}

// parseForm reads a posted form of at most maxBodyBytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return bodyError(err)
	}
	return nil
}
