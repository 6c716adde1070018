package domain

// SyncCounts counts what a sync did with the records of one kind.
type SyncCounts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Refused   int `json:"refused"`
	// Left counts people of the source's units that the source no longer
	// has: they are marked as left, never deleted.
	Left int `json:"left,omitempty"`
	// Moved counts people the source now places in another unit of the
	// tenant; they are counted as updated too.
	Moved int `json:"moved,omitempty"`
	// Removed counts approved-post rows of a level the source no longer
	// has for a unit and year.
	Removed int `json:"removed,omitempty"`
}

// Add returns the sum of c and d.
func (c SyncCounts) Add(d SyncCounts) SyncCounts {
	return SyncCounts{
		Created: c.Created + d.Created, Updated: c.Updated + d.Updated,
		Unchanged: c.Unchanged + d.Unchanged, Refused: c.Refused + d.Refused,
		Left: c.Left + d.Left, Moved: c.Moved + d.Moved, Removed: c.Removed + d.Removed,
	}
}

// SyncTotals are the counts of a sync per kind of record.
type SyncTotals struct {
	Departments SyncCounts `json:"departments"`
	Units       SyncCounts `json:"units"`
	People      SyncCounts `json:"people"`
	Posts       SyncCounts `json:"posts"`
}

// Sum adds up the counts of every kind.
func (t SyncTotals) Sum() SyncCounts {
	return t.Departments.Add(t.Units).Add(t.People).Add(t.Posts)
}

// SyncSetting is one key of a tenant's sync plugin configuration. A
// secret's value is stored sealed, never in Value.
type SyncSetting struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Secret bool   `json:"secret,omitempty"`
	Sealed []byte `json:"sealed,omitempty"`
}
