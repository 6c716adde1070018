package server

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// applications lists the title applications in the actor's charge that
// match the query's year, unit_id, kind and status.
func (s *server) applications(w http.ResponseWriter, r *http.Request) error {
	var f engine.ApplicationFilter
	var err error
	if f.Year, err = queryInt(r, "year"); err != nil {
		return err
	}
	if f.UnitID, err = queryInt(r, "unit_id"); err != nil {
		return err
	}
	q := r.URL.Query()
	f.Kind = domain.ApplicationKind(q.Get("kind"))
	if f.Kind != "" && !f.Kind.Valid() {
		return queryError("kind")
	}
	f.Status = domain.Status(q.Get("status"))
	if f.Status != "" && !slices.Contains(f.Status.Values(), string(f.Status)) {
		return queryError("status")
	}
	return reply(w)(s.engine.Applications(r.Context(), f))
}

// createApplication saves a new draft application and points to it.
func (s *server) createApplication(w http.ResponseWriter, r *http.Request) error {
	var in engine.ApplicationInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	x, err := s.engine.CreateApplication(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", infoFrom(r.Context()).base+apiPrefix+"/applications/"+strconv.Itoa(x.ID))
	return writeJSON(w, http.StatusCreated, x)
}

// application shows an application with its eligibility and history.
func (s *server) application(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "application")
	if err != nil {
		return err
	}
	return reply(w)(s.engine.Application(r.Context(), id))
}

// updateApplication changes a draft or returned application.
func (s *server) updateApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "application")
	if err != nil {
		return err
	}
	var in engine.ApplicationInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.UpdateApplication(r.Context(), id, in))
}

// deleteApplication deletes a draft that was never submitted.
func (s *server) deleteApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "application")
	if err != nil {
		return err
	}
	if err := s.engine.DeleteApplication(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// applicationReviews lists the applications that await the actor's
// review.
func (s *server) applicationReviews(w http.ResponseWriter, r *http.Request) error {
	return reply(w)(s.engine.ApplicationQueue(r.Context()))
}

// applicationQuota shows the use of a unit's evaluation quota in the year
// the query names (required).
func (s *server) applicationQuota(w http.ResponseWriter, r *http.Request) error {
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
	return reply(w)(s.engine.ApplicationQuotaUse(r.Context(), id, year))
}
