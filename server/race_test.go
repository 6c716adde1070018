package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
)

// TestLastSeat races two clerks of 州人民医院 for its one vacant full senior
// post (13 approved, 12 occupied), then two reviewers of the health
// department for the winning declaration: each time exactly one wins and
// the other gets a conflict.
func TestLastSeat(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		env.createUser(engine.UserSpec{
			Username: "second-clerk", DisplayName: "第二经办人",
			Role: domain.RoleUnitClerk, UnitID: env.unitID(stateHospital),
		})
		env.createUser(engine.UserSpec{
			Username: "second-reviewer", DisplayName: "第二审核人",
			Role: domain.RoleDepartmentReviewer, DepartmentID: env.departmentID(healthDept),
		})
		clerks := []*client{
			env.login(t, "xiangxi", stateHospital), env.login(t, "xiangxi", "second-clerk"),
		}
		drafts := make([]engine.Declaration, len(clerks))
		for i, c := range clerks {
			in := engine.DeclarationInput{Year: 2026, Lines: []engine.Line{{
				Channel: domain.ChannelNormal, Grade: domain.GradeFullSenior, Series: series, Count: 1,
				Reason: "学科带头人",
			}}}
			c.do(t, http.MethodPost, "/declarations", in, http.StatusCreated, &drafts[i])
		}

		t.Run("submit", func(t *testing.T) {
			answers := race(t, clerks, func(i int) string { return declPath(drafts[i].ID, "submit") })
			checkOneWins(t, answers, "quota.exceeds_vacancy")
		})

		var winner engine.Declaration
		for _, d := range drafts {
			if got := show(t, clerks[0], d.ID); got.Status == domain.StatusInReview {
				winner = got
			}
		}
		if winner.ID == 0 {
			t.Fatal("no declaration in review after the race")
		}

		t.Run("approve", func(t *testing.T) {
			reviewers := []*client{
				env.login(t, "xiangxi", healthDept), env.login(t, "xiangxi", "second-reviewer"),
			}
			answers := race(t, reviewers, func(int) string { return declPath(winner.ID, "approve") })
			checkOneWins(t, answers, "declaration.changed", "declaration.not_awaiting")
		})
	})
}

// answer is a status and an error code.
type answer struct {
	status int
	code   string
}

// race sends POST path(i) from every client i at the same moment and
// returns the answers.
func race(t *testing.T, clients []*client, path func(i int) string) []answer {
	t.Helper()
	for _, c := range clients {
		c.do(t, http.MethodGet, "/session", nil, http.StatusOK, nil) // opens the connection
	}
	answers := make([]answer, len(clients))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			<-start
			resp, body, err := c.send(http.MethodPost, path(i), nil)
			if err != nil {
				t.Errorf("client %d: %v", i, err)
				return
			}
			var e errorBody
			_ = json.Unmarshal(body, &e)
			answers[i] = answer{resp.StatusCode, e.Error.Code}
		})
	}
	close(start)
	wg.Wait()
	return answers
}

// checkOneWins checks that exactly one answer is 200 and every other a
// conflict with one of codes.
func checkOneWins(t *testing.T, answers []answer, codes ...string) {
	t.Helper()
	t.Logf("answers: %+v", answers)
	wins := 0
	for _, a := range answers {
		switch {
		case a.status == http.StatusOK:
			wins++
		case a.status != http.StatusConflict || !slices.Contains(codes, a.code):
			t.Errorf("got %d %s, want 200 or 409 with one of %v", a.status, a.code, codes)
		}
	}
	if wins != 1 {
		t.Errorf("got %d successes among %+v, want exactly 1", wins, answers)
	}
}
