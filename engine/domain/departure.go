package domain

import "time"

// Departure is a person who retired or left from a professional post, as a
// retire-more (退多补少) line keeps them as evidence when it is submitted:
// later changes to the person's record do not change it.
type Departure struct {
	PersonID   int          `json:"person_id"`
	Name       string       `json:"name"`
	PostLevel  int          `json:"post_level"`
	Status     PersonStatus `json:"status"`
	StatusDate *time.Time   `json:"status_date,omitempty"`
}
