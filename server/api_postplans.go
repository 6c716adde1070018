package server

import (
	"net/http"

	"github.com/zhicheng-hr/zhicheng/engine"
)

// requiredYear reads the year query parameter, which these routes need.
func requiredYear(r *http.Request) (int, error) {
	year, err := queryInt(r, "year")
	if err == nil && year == 0 {
		err = queryError("year")
	}
	return year, err
}

// postPlan shows a unit's post plan for the year the query names.
func (s *server) postPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	year, err := requiredYear(r)
	if err != nil {
		return err
	}
	return reply(w)(s.engine.PostPlan(r.Context(), id, year))
}

// savePostPlan replaces a unit's post plan for the year of the body.
func (s *server) savePostPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	var in engine.PostPlanInput
	if err := decodeBody(w, r, &in, true); err != nil {
		return err
	}
	return reply(w)(s.engine.SavePostPlan(r.Context(), id, in))
}

// specialQuota shows a unit's special-channel quota for the year the
// query names.
func (s *server) specialQuota(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	year, err := requiredYear(r)
	if err != nil {
		return err
	}
	return reply(w)(s.engine.SpecialQuota(r.Context(), id, year))
}

// postPlanLock tells whether the bureau's region locked a year's plans.
func (s *server) postPlanLock(w http.ResponseWriter, r *http.Request) error {
	year, err := pathYear(r)
	if err != nil {
		return err
	}
	return reply(w)(s.engine.PostPlanLock(r.Context(), year))
}

// lockPostPlans returns the handler that locks (lock true) or unlocks a
// year's plans in the bureau's region.
func (s *server) lockPostPlans(lock bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		year, err := pathYear(r)
		if err != nil {
			return err
		}
		return reply(w)(s.engine.LockPostPlans(r.Context(), year, lock))
	}
}
