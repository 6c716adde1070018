package server

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// pathYear reads the year of the path.
func pathYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(mux.Vars(r)["year"])
	if err != nil {
		return 0, queryError("year")
	}
	return y, nil
}

// settings shows the settings in force for a year.
func (s *server) settings(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	return reply(w)(s.engine.Settings(r.Context(), year))
}

// settingsInput is the body that replaces a year's settings.
type settingsInput struct {
	Settings domain.Settings `json:"settings"`
	Version  int             `json:"version"`
}

// updateSettings replaces the settings of a year.
func (s *server) updateSettings(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	var in settingsInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.UpdateSettings(r.Context(), year, in.Settings, in.Version))
}

// window shows how a window of a year stands for a unit today.
func (s *server) window(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	if year == 0 {
		return queryError("year")
	}
	return reply(w)(s.engine.Window(r.Context(), id, year, engine.WindowKind(mux.Vars(r)["kind"])))
}

// extensionInput is the body of a window extension.
type extensionInput struct {
	Year   int        `json:"year"`
	Until  domain.Day `json:"until"`
	Reason string     `json:"reason"`
}

// extendWindow extends a window of a year for a unit.
func (s *server) extendWindow(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	var in extensionInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.ExtendWindow(r.Context(), id, in.Year,
		engine.WindowKind(mux.Vars(r)["kind"]), in.Until, in.Reason))
}

// windowExtensions lists the extensions given for a year.
func (s *server) windowExtensions(w http.ResponseWriter, r *http.Request) error {
	year, err := queryInt(r, "year")
	if err != nil {
		return err
	}
	if year == 0 {
		return queryError("year")
	}
	return reply(w)(s.engine.WindowExtensions(r.Context(), year))
}
