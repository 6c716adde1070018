package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// file is a catalogue file as JSON; see the package documentation.
// Comment and Sources are read so that the keys are allowed, and dropped.
type file struct {
	Comment     string       `json:"comment"`
	Sources     []string     `json:"sources"`
	Series      []fileSeries `json:"series"`
	LegacyCodes []fileLegacy `json:"legacy_codes"`
}

type fileSeries struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Aliases []string    `json:"aliases"`
	Comment string      `json:"comment"`
	Tracks  []fileTrack `json:"tracks"`
}

type fileTrack struct {
	Name   string                  `json:"name"`
	Titles map[domain.Grade]string `json:"titles"`
}

type fileLegacy struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Series string `json:"series"`
	Title  string `json:"title"`
}

// Parse reads a catalogue file (see the package documentation) and checks
// it: unique series codes and names, named tracks where a series has
// several, known grades, one grade per title within a series, and legacy
// codes that point to titles of the catalogue.
func Parse(r io.Reader) (*Catalog, error) {
	var f file
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("catalog: decode: %w", err)
	}
	if len(f.Series) == 0 {
		return nil, errors.New("catalog: no series")
	}

	c := &Catalog{byCode: map[string]int{}, byName: map[string]int{}, legacy: map[string]legacyTo{}}
	for _, s := range f.Series {
		if err := c.addSeries(s); err != nil {
			return nil, fmt.Errorf("catalog: series %q: %w", s.Code, err)
		}
	}
	for _, l := range f.LegacyCodes {
		if err := c.addLegacy(l); err != nil {
			return nil, fmt.Errorf("catalog: legacy code %q: %w", l.Code, err)
		}
	}
	return c, nil
}

func (c *Catalog) addSeries(fs fileSeries) error {
	if err := c.checkSeriesNames(fs); err != nil {
		return err
	}
	titles, err := indexTitles(fs)
	if err != nil {
		return err
	}

	i := len(c.series)
	s := Series{Code: fs.Code, Name: fs.Name, Aliases: fs.Aliases, Tracks: tracks(fs.Tracks)}
	c.series = append(c.series, s)
	c.titles = append(c.titles, titles)
	c.byCode[fs.Code] = i
	c.byName[fs.Name] = i
	for _, a := range fs.Aliases {
		c.byName[a] = i
	}
	return nil
}

// checkSeriesNames checks that the code, name and aliases are well formed
// and not taken by an earlier series.
func (c *Catalog) checkSeriesNames(fs fileSeries) error {
	if !isName(fs.Code) {
		return errors.New("code must be non-empty, without surrounding spaces")
	}
	if _, dup := c.byCode[fs.Code]; dup {
		return errors.New("code used twice")
	}
	seen := map[string]bool{}
	for _, n := range append([]string{fs.Name}, fs.Aliases...) {
		if !isName(n) {
			return fmt.Errorf("name %q must be non-empty, without surrounding spaces", n)
		}
		if _, dup := c.byName[n]; dup || seen[n] {
			return fmt.Errorf("name %q used twice", n)
		}
		seen[n] = true
	}
	return nil
}

// indexTitles checks the series' tracks and maps each title name to its
// grade and tracks.
func indexTitles(fs fileSeries) (map[string]Title, error) {
	if err := checkTracks(fs.Tracks); err != nil {
		return nil, err
	}
	idx := map[string]Title{}
	for _, tr := range fs.Tracks {
		for g, name := range tr.Titles {
			if err := addTitle(idx, fs.Name, tr.Name, g, name); err != nil {
				return nil, err
			}
		}
	}
	return idx, nil
}

func checkTracks(tracks []fileTrack) error {
	if len(tracks) == 0 {
		return errors.New("no tracks")
	}
	seen := map[string]bool{}
	for i, tr := range tracks {
		switch {
		case tr.Name != strings.TrimSpace(tr.Name):
			return fmt.Errorf("track %q: name has surrounding spaces", tr.Name)
		case len(tracks) > 1 && tr.Name == "":
			return fmt.Errorf("track %d: unnamed, but the series has several tracks", i+1)
		case seen[tr.Name]:
			return fmt.Errorf("track %q used twice", tr.Name)
		case len(tr.Titles) == 0:
			return fmt.Errorf("track %q: no titles", tr.Name)
		}
		seen[tr.Name] = true
	}
	return nil
}

func addTitle(idx map[string]Title, series, track string, g domain.Grade, name string) error {
	switch {
	case !g.Valid():
		return fmt.Errorf("track %q: unknown grade %q", track, g)
	case !isName(name):
		return fmt.Errorf("track %q: title %q must be non-empty, without surrounding spaces",
			track, name)
	}
	t, ok := idx[name]
	if ok && t.Grade != g {
		return fmt.Errorf("title %q at two grades, %s and %s", name, t.Grade, g)
	}
	if !ok {
		t = Title{Series: series, Name: name, Grade: g}
	}
	if track != "" {
		t.Tracks = append(t.Tracks, track)
	}
	idx[name] = t
	return nil
}

func (c *Catalog) addLegacy(l fileLegacy) error {
	if !isName(l.Code) {
		return errors.New("code must be non-empty, without surrounding spaces")
	}
	if _, dup := c.legacy[l.Code]; dup {
		return errors.New("code used twice")
	}
	t, ok := c.Title(l.Series, l.Title)
	if !ok {
		return fmt.Errorf("no title %q in series %q", l.Title, l.Series)
	}
	c.legacy[l.Code] = legacyTo{series: t.Series, title: t.Name}
	return nil
}

func tracks(fts []fileTrack) []Track {
	out := make([]Track, len(fts))
	for i, ft := range fts {
		out[i] = Track(ft)
	}
	return out
}

func isName(s string) bool { return s != "" && s == strings.TrimSpace(s) }
