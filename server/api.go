package server

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// units lists the units in the actor's charge.
func (s *server) units(w http.ResponseWriter, r *http.Request) error {
	return reply(w)(s.engine.Units(r.Context()))
}

// unit shows one unit.
func (s *server) unit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	return reply(w)(s.engine.Unit(r.Context(), id))
}

// updateUnit changes a unit's basic information.
func (s *server) updateUnit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	var in engine.UnitInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.UpdateUnit(r.Context(), id, in))
}

// vacancies shows a unit's vacancy table for the year the query names.
// The year is required: a default would change silently at midnight on
// 31 December.
func (s *server) vacancies(w http.ResponseWriter, r *http.Request) error {
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
	return reply(w)(s.engine.Vacancies(r.Context(), id, year))
}

// departments lists the competent departments of the tenant.
func (s *server) departments(w http.ResponseWriter, r *http.Request) error {
	return reply(w)(s.engine.Departments(r.Context()))
}

// declarations lists the declarations in the actor's charge that match the
// query's year, status and unit_id.
func (s *server) declarations(w http.ResponseWriter, r *http.Request) error {
	f, err := declarationFilter(r)
	if err != nil {
		return err
	}
	return reply(w)(s.engine.Declarations(r.Context(), f))
}

func declarationFilter(r *http.Request) (engine.DeclarationFilter, error) {
	var f engine.DeclarationFilter
	var err error
	if f.Year, err = queryInt(r, "year"); err != nil {
		return f, err
	}
	if f.UnitID, err = queryInt(r, "unit_id"); err != nil {
		return f, err
	}
	f.Status = domain.Status(r.URL.Query().Get("status"))
	if f.Status != "" && !slices.Contains(f.Status.Values(), string(f.Status)) {
		return f, queryError("status")
	}
	return f, nil
}

// createDeclaration saves a new draft and points to it.
func (s *server) createDeclaration(w http.ResponseWriter, r *http.Request) error {
	var in engine.DeclarationInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	d, err := s.engine.CreateDeclaration(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", declarationPath(r, d.ID))
	return writeJSON(w, http.StatusCreated, d)
}

// declarationPath is the path of declaration id in the request's face of
// the tenant.
func declarationPath(r *http.Request, id int) string {
	return infoFrom(r.Context()).base + apiPrefix + "/declarations/" + strconv.Itoa(id)
}

// declaration shows a declaration with its history.
func (s *server) declaration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "declaration")
	if err != nil {
		return err
	}
	return reply(w)(s.engine.Declaration(r.Context(), id))
}

// updateDeclaration replaces the lines of a draft or returned declaration.
func (s *server) updateDeclaration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "declaration")
	if err != nil {
		return err
	}
	var in engine.DeclarationInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.UpdateDeclaration(r.Context(), id, in))
}

// deleteDeclaration deletes a draft that was never submitted.
func (s *server) deleteDeclaration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "declaration")
	if err != nil {
		return err
	}
	if err := s.engine.DeleteDeclaration(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// act returns the handler of an engine method that moves an item (a
// declaration, an application: what) along its chain. Its body, an
// engine.Action, is required when the move needs a reason.
func act[T any](what string, move func(context.Context, int, engine.Action) (T, error), bodyRequired bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, what)
		if err != nil {
			return err
		}
		var a engine.Action
		if err := decodeBody(w, r, &a, bodyRequired); err != nil {
			return err
		}
		return reply(w)(move(r.Context(), id, a))
	}
}

// reviews lists the declarations that await the actor's review.
func (s *server) reviews(w http.ResponseWriter, r *http.Request) error {
	return reply(w)(s.engine.ReviewQueue(r.Context()))
}
