package server

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/zhicheng-hr/zhicheng/engine"
)

// localeFiles are the message catalogs, one file per language, named
// active.<language>.json. Each maps a message id to a text/template.
//
//go:embed locales/*.json
var localeFiles embed.FS

// catalog holds the user-visible texts in every language the server
// speaks, Chinese first.
type catalog struct {
	bundle *i18n.Bundle
	// zone is the time zone times are shown in: China keeps one time,
	// UTC+8, with no daylight saving.
	zone *time.Location
}

// newCatalog loads the embedded catalogs.
func newCatalog() (*catalog, error) {
	b := i18n.NewBundle(language.Chinese)
	paths, err := fs.Glob(localeFiles, "locales/*.json")
	if err != nil {
		return nil, fmt.Errorf("list message catalogs: %w", err)
	}
	for _, p := range paths {
		if _, err := b.LoadMessageFileFS(localeFiles, p); err != nil {
			return nil, fmt.Errorf("load message catalog %s: %w", p, err)
		}
	}
	return &catalog{bundle: b, zone: time.FixedZone("CST", 8*60*60)}, nil
}

// localizer speaks the language the request asks for, in this order: the
// lang query parameter, the lang cookie, Accept-Language; Chinese when
// none of them names a language the catalogs have.
func (c *catalog) localizer(r *http.Request) *i18n.Localizer {
	langs := []string{r.URL.Query().Get("lang")}
	if ck, err := r.Cookie("lang"); err == nil {
		langs = append(langs, ck.Value)
	}
	langs = append(langs, r.Header.Get("Accept-Language"))
	return i18n.NewLocalizer(c.bundle, langs...)
}

// text returns message id filled with data, falling back to Chinese when
// the chosen language lacks it, or "" when no catalog has it.
func text(l *i18n.Localizer, id string, data map[string]any) string {
	msg, _ := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	return msg
}

// name returns the catalog name of a value of a kind, such as
// name(l, "grade", "associate_senior"), or the value itself when the
// catalog has no name for it.
func name(l *i18n.Localizer, kind string, value any) string {
	v := fmt.Sprint(value)
	if n := text(l, kind+"."+v, nil); n != "" {
		return n
	}
	return v
}

// body is the error body of e in the request's language.
func (c *catalog) body(r *http.Request, e *engine.Error) errorBody {
	l := c.localizer(r)
	msg := text(l, e.Code, c.params(l, e.Params))
	if msg == "" {
		msg = text(l, string(e.Kind), nil)
	}
	return errorBody{Error: errorDetail{Code: e.Code, Message: msg, Params: e.Params}}
}

// params prepares error parameters for a message: grades, statuses,
// roles, channels and objects by their catalog names, times as a clock
// time in China.
func (c *catalog) params(l *i18n.Localizer, in map[string]any) map[string]any {
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = v
		if t, ok := v.(time.Time); ok {
			out[k] = c.clock(l, t)
		} else if kind := namedKind(k); kind != "" {
			out[k] = name(l, kind, v)
		}
	}
	return out
}

// clock formats t with the catalog's time layout.
func (c *catalog) clock(l *i18n.Localizer, t time.Time) string {
	layout := text(l, "format.time", nil)
	if layout == "" {
		layout = "15:04"
	}
	return t.In(c.zone).Format(layout)
}

// namedKind is the catalog prefix of the names of an error parameter's
// values, or "" when its values are shown as they are.
func namedKind(param string) string {
	switch param {
	case "grade", "status", "channel", "field", "window":
		return param
	case "role", "stage":
		return "role"
	case "what":
		return "object"
	}
	return ""
}

// Explain says err in the language lang names ("zh", "en", or a locale
// such as en_US.UTF-8; Chinese otherwise), for programs that show the
// engine's errors outside HTTP, such as the command line. It reports false
// for an internal error or one the catalogs have no message for.
func Explain(err error, lang string) (string, bool) {
	e := engine.AsError(err)
	if e == nil || e.Kind == engine.KindInternal || e.Code == "" {
		return "", false
	}
	c, cerr := newCatalog()
	if cerr != nil {
		return "", false
	}
	if i := strings.IndexAny(lang, "_.-"); i > 0 {
		lang = lang[:i]
	}
	l := i18n.NewLocalizer(c.bundle, lang)
	msg := text(l, e.Code, c.params(l, e.Params))
	return msg, msg != ""
}
