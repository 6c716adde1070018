package roster

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

// templateWords are the words of the template and the error file, read
// from template.json; see its comment.
type templateWords struct {
	Comment        string            `json:"comment"`
	DataSheet      string            `json:"data_sheet"`
	HelpSheet      string            `json:"help_sheet"`
	CodesSheet     string            `json:"codes_sheet"`
	ErrorHeader    string            `json:"error_header"`
	HelpColumns    []string          `json:"help_columns"`
	Required       string            `json:"required"`
	Optional       string            `json:"optional"`
	Notes          []string          `json:"notes"`
	DateHeading    string            `json:"date_heading"`
	ListErrorTitle string            `json:"list_error_title"`
	ListError      string            `json:"list_error"`
	Example        map[string]string `json:"example"`
}

//go:embed template.json
var templateData []byte

var words = mustParseWords(templateData)

// mustParseWords parses the embedded template.json; it fails only if the
// file itself is broken, which the package's tests catch.
func mustParseWords(data []byte) templateWords {
	var w templateWords
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		panic("roster: embedded template.json: " + err.Error())
	}
	return w
}
