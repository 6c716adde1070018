package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
)

// TestBadRequests sends what a careless or hostile client sends and
// checks each answer's status, code, parameters and message.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		clerk := env.login(t, "xiangxi", stateHospital)
		unit := env.unitID(stateHospital)
		line := `{"grade":"associate_senior","series":"卫生技术人员","count":1,"reason":"岗位需要"}`
		tooLarge := `{"year":2026,"lines":[` + strings.Repeat(line+",", 20000) + line + `]}`

		tests := []struct {
			name         string
			method, path string
			body         any
			status       int
			code         string
			params       map[string]any
			message      string
		}{
			{"malformed JSON", "POST", "/declarations", `{"year": 2026,`, 400,
				"request.body", nil, "请求内容不是有效的 JSON"},
			{"not JSON at all", "POST", "/session", `username=a&password=b`, 400,
				"request.body", nil, "请求内容不是有效的 JSON"},
			{"trailing data", "POST", "/declarations", `{"year":2026,"lines":[` + line + `]} {}`, 400,
				"request.body", nil, "请求内容不是有效的 JSON"},
			{"unknown field", "POST", "/declarations", `{"year":2026,"lines":[],"extra":1}`, 400,
				"request.unknown_field", map[string]any{"field": "extra"}, "请求中含有未知字段“extra”"},
			{"wrong type", "POST", "/declarations", `{"year":"2026","lines":[]}`, 400,
				"request.field_type", map[string]any{"field": "year"}, "字段“year”的类型不正确"},
			{"wrong type inside a line", "POST", "/declarations",
				`{"year":2026,"lines":[{"grade":"associate_senior","series":"x","count":"two"}]}`, 400,
				"request.field_type", map[string]any{"field": "lines.count"}, "字段“lines.count”的类型不正确"},
			{"over 1 MiB", "POST", "/declarations", tooLarge, 400,
				"request.too_large", map[string]any{"max_kib": 1024.0}, "请求内容超过 1024 KiB 的上限"},
			{"no body", "POST", "/declarations", nil, 400,
				"request.body_missing", nil, "缺少请求内容"},
			{"return without a body", "POST", declPath(1, "return"), nil, 400,
				"request.body_missing", nil, "缺少请求内容"},
			{"a rule of the engine", "POST", "/declarations", `{"year":2026,"lines":[]}`, 400,
				"declaration.no_lines", nil, "请至少填写一行申报"},
			{"year out of range", "POST", "/declarations", `{"year":1999,"lines":[` + line + `]}`, 400,
				"year", map[string]any{"year": 1999.0}, "申报年度 1999 无效"},
			{"vacancies without a year", "GET", fmt.Sprintf("/units/%d/vacancies", unit), nil, 400,
				"request.query", map[string]any{"name": "year"}, "查询参数“year”缺失或格式不正确"},
			{"year not a number", "GET", fmt.Sprintf("/units/%d/vacancies?year=next", unit), nil, 400,
				"request.query", map[string]any{"name": "year"}, "查询参数“year”缺失或格式不正确"},
			{"unknown status", "GET", "/declarations?status=lost", nil, 400,
				"request.query", map[string]any{"name": "status"}, "查询参数“status”缺失或格式不正确"},
			{"id not a number", "GET", "/declarations/abc", nil, 404,
				"not_found", map[string]any{"what": "page"}, "页面不存在"},
			{"id too large", "GET", "/declarations/99999999999999999999", nil, 404,
				"not_found", map[string]any{"what": "declaration"}, "申报不存在"},
			{"no such declaration", "GET", declPath(424242), nil, 404,
				"not_found", map[string]any{"what": "declaration"}, "申报不存在"},
			{"method not served", "PATCH", "/declarations", nil, 405,
				"request.method", map[string]any{"method": "PATCH"}, "此地址不支持 PATCH 请求"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := clerk.raw().fail(t, tt.method, tt.path, tt.body, tt.status)
				if e.Code != tt.code || e.Message != tt.message {
					t.Errorf("got %s %q, want %s %q", e.Code, e.Message, tt.code, tt.message)
				}
				for k, v := range tt.params {
					if e.Params[k] != v {
						t.Errorf("param %s: got %v (%T), want %v", k, e.Params[k], e.Params[k], v)
					}
				}
			})
		}
	})
}
