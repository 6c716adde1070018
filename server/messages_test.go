package server

import (
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
)

// The patterns by which code names its messages. A new way of making an
// error needs a pattern here, or its codes go unchecked.
var (
	// Error codes: invalid("declaration.count", ...), conflict(...),
	// errorf(KindX, "auth.locked", ...), &Error{..., Code: "conflict"},
	// requestError(engine.KindX, "request.body", ...), and the kinds
	// themselves, which are the codes of generic errors.
	codePatterns = []*regexp.Regexp{
		regexp.MustCompile(`\b(?:invalid|conflict)\(\s*"([^"]+)"`),
		regexp.MustCompile(`\berrorf\(\s*[\w.]+,\s*"([^"]+)"`),
		regexp.MustCompile(`\bCode:\s*"([^"]+)"`),
		regexp.MustCompile(`\brequestError\(\s*[\w.]+,\s*"([^"]+)"`),
		regexp.MustCompile(`\bKind\w+\s+Kind\s*=\s*"([^"]+)"`),
		regexp.MustCompile(`\bsettingErr\(\s*"([^"]+)"`),
	}
	// Objects that are not found: notFound("tenant"),
	// storageError("op", "unit", err), "what": "page".
	objectPatterns = []*regexp.Regexp{
		regexp.MustCompile(`\bnotFound\(\s*"([^"]+)"`),
		regexp.MustCompile(`\bstorageError\(\s*"[^"]*",\s*"([^"]+)"`),
		regexp.MustCompile(`"what":\s*"([^"]+)"`),
	}
)

// TestCatalogsComplete checks that both catalogs have a message for every
// error code and every object name in the engine's and the server's
// source, and a name for every grade, status, role and channel.
func TestCatalogsComplete(t *testing.T) {
	t.Parallel()
	engineCodes := grep(t, "../engine/*.go", codePatterns)
	for _, code := range []string{"quota.exceeds_vacancy", "auth.locked", "not_found", "internal"} {
		if !slices.Contains(engineCodes, code) {
			t.Fatalf("found no code %s in the engine: are the patterns still right? found %v",
				code, engineCodes)
		}
	}
	var want []string
	want = append(want, engineCodes...)
	want = append(want, grep(t, "*.go", codePatterns)...)
	want = append(want, grep(t, "../engine/domain/*.go", codePatterns)...)
	objects := append(grep(t, "../engine/*.go", objectPatterns), grep(t, "*.go", objectPatterns)...)
	for _, obj := range objects {
		want = append(want, "object."+obj)
	}
	want = append(want, names("grade", domain.Grade("").Values())...)
	want = append(want, names("status", domain.Status("").Values())...)
	want = append(want, names("role", domain.Role("").Values())...)
	want = append(want, names("channel", domain.Channel("").Values())...)
	want = append(want, "format.time")

	for _, lang := range []string{"zh", "en"} {
		have := catalogKeys(t, lang)
		for _, id := range want {
			if !slices.Contains(have, id) {
				t.Errorf("%s catalogs: no message %q", lang, id)
			}
		}
	}
	if zh, en := catalogKeys(t, "zh"), catalogKeys(t, "en"); !slices.Equal(zh, en) {
		t.Errorf("the catalogs have different messages:\nzh %v\nen %v", zh, en)
	}
}

// TestMessages renders messages with the parameters the engine gives.
func TestMessages(t *testing.T) {
	t.Parallel()
	c, err := newCatalog()
	if err != nil {
		t.Fatal(err)
	}
	until := time.Date(2026, 3, 2, 7, 5, 0, 0, time.UTC) // 15:05 in China
	tests := []struct {
		lang string
		err  *engine.Error
		want string
	}{
		{"zh", &engine.Error{Kind: engine.KindConflict, Code: "quota.exceeds_vacancy",
			Params: engine.P{"grade": domain.GradeAssociateSenior, "vacancy": 1, "asked": 2}},
			"副高级评审职数不足：空岗数 1，申报 2"},
		{"zh", &engine.Error{Kind: engine.KindUnauthenticated, Code: "auth.locked",
			Params: engine.P{"until": until}},
			"连续登录失败次数过多，账号已锁定，请于 15:05 后再试"},
		{"en", &engine.Error{Kind: engine.KindUnauthenticated, Code: "auth.locked",
			Params: engine.P{"until": until}},
			"Too many failed logins: the account is locked until 15:05 (China time)"},
		{"zh", &engine.Error{Kind: engine.KindConflict, Code: "declaration.not_awaiting",
			Params: engine.P{"status": domain.StatusApproved, "stage": ""}},
			"该申报当前为“已通过”，不在您的审核环节"},
		{"zh", &engine.Error{Kind: engine.KindInvalid, Code: "declaration.channel_unavailable",
			Params: engine.P{"line": 2, "channel": domain.ChannelOverseas}},
			"第 2 行：暂不能通过“境外引进人才”渠道申报"},
		{"zh", &engine.Error{Kind: engine.KindInvalid, Code: "user.scope",
			Params: engine.P{"role": domain.RoleDepartmentReviewer}},
			"主管部门审核人须指定所管辖的单位、主管部门或行政区划"},
		{"zh", &engine.Error{Kind: engine.KindNotFound, Code: "not_found",
			Params: engine.P{"what": "unit"}}, "单位不存在"},
		{"en", &engine.Error{Kind: engine.KindNotFound, Code: "not_found",
			Params: engine.P{"what": "unit"}}, "The unit does not exist"},
		{"zh", &engine.Error{Kind: engine.KindInvalid, Code: "declaration.grade",
			Params: engine.P{"line": 1, "grade": "chief"}}, "第 1 行：请选择职称级别"},
		{"zh", &engine.Error{Kind: engine.KindInvalid, Code: "a.code.no.catalog.has"},
			"请求有误，请检查后重试"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.err.Code, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/?lang="+tt.lang, nil)
			if got := c.body(r, tt.err).Error.Message; got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMessagesRender renders every message of both catalogs with every
// parameter a message may use, so that a broken template fails here
// rather than before a user.
func TestMessagesRender(t *testing.T) {
	t.Parallel()
	c, err := newCatalog()
	if err != nil {
		t.Fatal(err)
	}
	// Every parameter any message names gets a value.
	params := map[string]any{}
	action := regexp.MustCompile(`\{\{[^}]*\}\}`)
	field := regexp.MustCompile(`\.(\w+)`)
	for _, lang := range []string{"zh", "en"} {
		for _, msg := range catalogTexts(t, lang) {
			for _, a := range action.FindAllString(msg, -1) {
				for _, m := range field.FindAllStringSubmatch(a, -1) {
					params[m[1]] = "X"
				}
			}
		}
	}
	for _, lang := range []string{"zh", "en"} {
		l := i18n.NewLocalizer(c.bundle, lang)
		for _, id := range catalogKeys(t, lang) {
			msg, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: params})
			if err != nil || msg == "" || strings.Contains(msg, "<no value>") {
				t.Errorf("%s %s: got %q, %v", lang, id, msg, err)
			}
		}
	}
}

// grep returns the first group of every match of patterns in the non-test
// Go files that glob names, without repeats.
func grep(t *testing.T, glob string, patterns []*regexp.Regexp) []string {
	t.Helper()
	files, err := filepath.Glob(glob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no files %s: %v", glob, err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range patterns {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				out = append(out, m[1])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// catalogKeys returns the sorted message ids of a catalog.
func catalogKeys(t *testing.T, lang string) []string {
	t.Helper()
	var out []string
	for k := range catalogTexts(t, lang) {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// catalogTexts reads every catalog of a language into one map, and fails
// when two catalogs have the same message.
func catalogTexts(t *testing.T, lang string) map[string]string {
	t.Helper()
	paths, err := fs.Glob(localeFiles, "locales/*."+lang+".json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no catalogs for %s: %v", lang, err)
	}
	out := map[string]string{}
	for _, p := range paths {
		b, err := localeFiles.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for k, v := range m {
			if _, ok := out[k]; ok {
				t.Errorf("%s: message %q is also in another %s catalog", p, k, lang)
			}
			out[k] = v
		}
	}
	return out
}

func names(kind string, values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = kind + "." + v
	}
	return out
}
