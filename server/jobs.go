package server

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// job is long work, such as an import, that runs after its request has
// been answered; its page shows the progress and then the outcome.
type job struct {
	ID     string
	UserID int
	Tenant int

	mu       sync.Mutex
	phase    string // a catalog key: what the job is doing
	done     int
	total    int
	finished bool
	result   any
	err      error
	started  time.Time
}

// jobState is a snapshot of a job for a page.
type jobState struct {
	Phase    string
	Done     int
	Total    int
	Percent  int
	Finished bool
	Result   any
	Err      error
}

func (j *job) state() jobState {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := jobState{Phase: j.phase, Done: j.done, Total: j.total, Finished: j.finished,
		Result: j.result, Err: j.err}
	if j.total > 0 {
		s.Percent = 100 * j.done / j.total
	}
	return s
}

func (j *job) progress(phase string, done, total int) {
	j.mu.Lock()
	j.phase, j.done, j.total = phase, done, total
	j.mu.Unlock()
}

func (j *job) finish(result any, err error) {
	j.mu.Lock()
	j.finished, j.result, j.err = true, result, err
	j.mu.Unlock()
}

// jobs keeps the jobs of the last hour, at most maxJobs of them.
type jobs struct {
	mu   sync.Mutex
	byID map[string]*job
}

const (
	maxJobs  = 1000
	jobsKept = time.Hour
)

func newJobs() *jobs { return &jobs{byID: map[string]*job{}} }

// start registers a job of a user and runs work in a goroutine.
func (js *jobs) start(tenant, user int, work func(j *job) (any, error)) *job {
	b := make([]byte, 16)
	rand.Read(b)
	j := &job{ID: hex.EncodeToString(b), UserID: user, Tenant: tenant, started: time.Now()}
	js.mu.Lock()
	js.prune()
	js.byID[j.ID] = j
	js.mu.Unlock()
	go func() { j.finish(work(j)) }()
	return j
}

// get returns the job with id if it belongs to user of tenant.
func (js *jobs) get(id string, tenant, user int) (*job, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.byID[id]
	if !ok || j.UserID != user || j.Tenant != tenant {
		return nil, false
	}
	return j, true
}

// prune forgets old jobs, and the oldest when there are too many.
func (js *jobs) prune() {
	var oldest *job
	for id, j := range js.byID {
		if time.Since(j.started) > jobsKept {
			delete(js.byID, id)
			continue
		}
		if oldest == nil || j.started.Before(oldest.started) {
			oldest = j
		}
	}
	if len(js.byID) >= maxJobs && oldest != nil {
		delete(js.byID, oldest.ID)
	}
}
