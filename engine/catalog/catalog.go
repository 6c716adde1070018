package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The errors of [Catalog.Check]; test for them with errors.Is.
var (
	// ErrUnknownSeries means the name is neither a series nor an alias of one.
	ErrUnknownSeries = errors.New("catalog: unknown series")
	// ErrUnknownTitle means the series has no title of that name.
	ErrUnknownTitle = errors.New("catalog: unknown title in series")
	// ErrWrongGrade means the series has the title, but at another grade.
	ErrWrongGrade = errors.New("catalog: title is at another grade")
)

//go:embed titles.json
var nationalData []byte

var national = mustParse(nationalData)

// mustParse parses the embedded catalogue; it fails only if titles.json
// itself is broken, which the package's tests catch.
func mustParse(data []byte) *Catalog {
	c, err := Parse(bytes.NewReader(data))
	if err != nil {
		panic("embedded titles.json: " + err.Error())
	}
	return c
}

// Default returns the national catalogue embedded in the binary, parsed
// once when the program starts. It is shared and safe for concurrent use.
func Default() *Catalog { return national }

// Catalog is a title catalogue. It does not change after [Parse], so it is
// safe for concurrent use; its methods return copies. Names given to its
// methods are matched exactly, ignoring surrounding spaces.
type Catalog struct {
	series []Series
	byCode map[string]int
	byName map[string]int      // series name or alias → index in series
	titles []map[string]Title  // per series: title name → title
	legacy map[string]legacyTo // GB/T 8561 code → catalogue title
}

// Series is one title series (职称系列), such as 卫生技术人员.
type Series struct {
	Code    string   // "01" … "27" in the national catalogue
	Name    string   // the series' name, as this system stores it
	Aliases []string // other names of the series in exports and older records
	Tracks  []Track  // one or more ladders of titles
}

// Track is one ladder of titles inside a series, such as the nursing
// ladder (护) of the health series.
type Track struct {
	// Name is empty when the series has a single track.
	Name string
	// Titles holds the title at each grade; a grade the track lacks is
	// absent.
	Titles map[domain.Grade]string
}

// Title is a title of a series.
type Title struct {
	Series string // the series' name, never an alias
	Name   string
	Grade  domain.Grade
	// Tracks names the tracks whose ladders have the title: one for most
	// titles, several for a shared one, none in a single-track series.
	Tracks []string
}

type legacyTo struct{ series, title string }

// Series returns the series in catalogue order.
func (c *Catalog) Series() []Series {
	out := make([]Series, len(c.series))
	for i, s := range c.series {
		out[i] = s.clone()
	}
	return out
}

// SeriesByName returns the series with the given name or alias.
func (c *Catalog) SeriesByName(name string) (Series, bool) {
	i, ok := c.byName[strings.TrimSpace(name)]
	if !ok {
		return Series{}, false
	}
	return c.series[i].clone(), true
}

// SeriesByCode returns the series with the given code, such as "04".
func (c *Catalog) SeriesByCode(code string) (Series, bool) {
	i, ok := c.byCode[strings.TrimSpace(code)]
	if !ok {
		return Series{}, false
	}
	return c.series[i].clone(), true
}

// Title returns the title of the named series (or alias) with the given
// name, and reports whether there is one.
func (c *Catalog) Title(series, title string) (Title, bool) {
	i, ok := c.byName[strings.TrimSpace(series)]
	if !ok {
		return Title{}, false
	}
	t, ok := c.titles[i][strings.TrimSpace(title)]
	t.Tracks = slices.Clone(t.Tracks)
	return t, ok
}

// Check reports whether the series (or alias) has the title at grade g. It
// returns nil, or an error wrapping [ErrUnknownSeries], [ErrUnknownTitle]
// or [ErrWrongGrade].
func (c *Catalog) Check(series, title string, g domain.Grade) error {
	i, ok := c.byName[strings.TrimSpace(series)]
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownSeries, series)
	}
	t, ok := c.titles[i][strings.TrimSpace(title)]
	switch {
	case !ok:
		return fmt.Errorf("%w: %q in %q", ErrUnknownTitle, title, c.series[i].Name)
	case t.Grade != g:
		return fmt.Errorf("%w: %q is %q, not %q", ErrWrongGrade, t.Name, t.Grade, g)
	}
	return nil
}

// Titles returns the titles of the series (or alias) at grade g, in track
// order and each once, for drop-down lists. It returns nil for an unknown
// series or a grade the series lacks.
func (c *Catalog) Titles(series string, g domain.Grade) []string {
	i, ok := c.byName[strings.TrimSpace(series)]
	if !ok {
		return nil
	}
	var out []string
	for _, tr := range c.series[i].Tracks {
		if name, ok := tr.Titles[g]; ok && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// ByLegacyCode returns the series and title that a GB/T 8561-2001 code,
// such as "082" (高级工程师), maps to. Codes of titles that were renamed,
// re-graded or belong to no series of the catalogue are not mapped.
func (c *Catalog) ByLegacyCode(code string) (series, title string, ok bool) {
	to, ok := c.legacy[strings.TrimSpace(code)]
	return to.series, to.title, ok
}

func (s Series) clone() Series {
	s.Aliases = slices.Clone(s.Aliases)
	s.Tracks = slices.Clone(s.Tracks)
	for i := range s.Tracks {
		s.Tracks[i].Titles = maps.Clone(s.Tracks[i].Titles)
	}
	return s
}
