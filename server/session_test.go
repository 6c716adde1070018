package server

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhicheng-hr/zhicheng/engine"
	"github.com/zhicheng-hr/zhicheng/engine/domain"
	"github.com/zhicheng-hr/zhicheng/engine/enginetest"
	"github.com/zhicheng-hr/zhicheng/tenants"
)

func TestSession(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		login := credentials{Username: stateHospital, Password: tenants.DemoPassword}

		t.Run("cookie on the tenant's path", func(t *testing.T) {
			c := env.client("xiangxi")
			var me sessionView
			resp := c.do(t, http.MethodPost, "/session", login, http.StatusOK, &me)
			checkCookie(t, resp, "/t/xiangxi/", false)
			want := sessionView{
				Username: stateHospital, Role: domain.RoleUnitClerk, RoleName: "单位经办人",
				Tenant: tenantView{Key: "xiangxi", Name: "湘西土家族苗族自治州"},
				UnitID: env.unitID(stateHospital),
			}
			if me != want {
				t.Errorf("who am I: got %+v, want %+v", me, want)
			}
		})
		t.Run("cookie on the tenant's host", func(t *testing.T) {
			c := env.hostClient("xiangxi.localhost")
			resp := c.do(t, http.MethodPost, "/session", login, http.StatusOK, nil)
			checkCookie(t, resp, "/", false)
			var d engine.Declaration
			resp = c.do(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusCreated, &d)
			if got, want := resp.Header.Get("Location"), "/api/v1"+declPath(d.ID); got != want {
				t.Errorf("Location: got %q, want %q", got, want)
			}
		})
		t.Run("cookie over TLS", func(t *testing.T) {
			srv := httptest.NewTLSServer(env.srv.Config.Handler)
			defer srv.Close()
			c := env.client("xiangxi")
			c.base = srv.URL + "/t/xiangxi/api/v1"
			c.http.Transport.(*checkedTransport).next = srv.Client().Transport
			resp := c.do(t, http.MethodPost, "/session", login, http.StatusOK, nil)
			checkCookie(t, resp, "/t/xiangxi/", true)
		})
		t.Run("new token at every login", func(t *testing.T) {
			first, second := env.login(t, "xiangxi", stateHospital), env.login(t, "xiangxi", stateHospital)
			if sessionToken(t, first) == sessionToken(t, second) {
				t.Error("two logins got the same session token")
			}
		})
		t.Run("logout", func(t *testing.T) {
			c := env.login(t, "xiangxi", stateHospital)
			token := sessionToken(t, c)
			resp := c.do(t, http.MethodDelete, "/session", nil, http.StatusNoContent, nil)
			if ck := sessionCookieOf(resp); ck == nil || ck.MaxAge >= 0 {
				t.Errorf("logout: got cookie %v, want the session cookie cleared", ck)
			}
			c.fail(t, http.MethodGet, "/session", nil, http.StatusUnauthorized)
			old := env.client("xiangxi").with("Cookie", sessionCookie+"="+token)
			old.fail(t, http.MethodGet, "/units", nil, http.StatusUnauthorized)
		})
		t.Run("not logged in", func(t *testing.T) {
			tests := []struct {
				name    string
				c       *client
				message string
			}{
				{"Chinese by default", env.client("xiangxi"), "请先登录"},
				{"English by Accept-Language",
					env.client("xiangxi").with("Accept-Language", "en-US,en;q=0.9"), "Please log in"},
				{"English by cookie", env.client("xiangxi").with("Cookie", "lang=en"), "Please log in"},
				{"unknown token", env.client("xiangxi").with("Cookie", sessionCookie+"=forged"), "请先登录"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					e := tt.c.fail(t, http.MethodGet, "/units", nil, http.StatusUnauthorized)
					if e.Code != "unauthenticated" || e.Message != tt.message {
						t.Errorf("got %s %q, want unauthenticated %q", e.Code, e.Message, tt.message)
					}
				})
			}
		})
		t.Run("unknown tenant", func(t *testing.T) {
			for _, c := range []*client{env.client("nowhere"), env.hostClient("nowhere.example")} {
				e := c.fail(t, http.MethodPost, "/session", login, http.StatusNotFound)
				if e.Code != "not_found" || e.Params["what"] != "tenant" || e.Message != "租户不存在" {
					t.Errorf("%s: got %s %v %q, want not_found of a tenant, 租户不存在",
						c.base, e.Code, e.Params, e.Message)
				}
			}
		})
		t.Run("lockout", func(t *testing.T) {
			checkLockout(t, env)
		})
	})
}

// checkLockout fails five logins of one account, which locks it for five
// minutes, DOMAIN.md §9.
func checkLockout(t *testing.T, env *testEnv) {
	c := env.client("xiangxi")
	const user = tenants.DemoBureau + "-433101"
	wrong := credentials{Username: user, Password: "Wrong@2026"}
	if e := c.fail(t, http.MethodPost, "/session", credentials{Username: "nobody", Password: "x"},
		http.StatusUnauthorized); e.Code != "auth.bad_credentials" {
		t.Errorf("unknown user: got %s, want auth.bad_credentials", e.Code)
	}
	for i := 1; i <= 4; i++ {
		e := c.fail(t, http.MethodPost, "/session", wrong, http.StatusUnauthorized)
		if e.Code != "auth.bad_credentials" || e.Message != "用户名或密码错误" {
			t.Errorf("failure %d: got %s %q, want auth.bad_credentials", i, e.Code, e.Message)
		}
	}
	before := time.Now()
	e := c.fail(t, http.MethodPost, "/session", wrong, http.StatusUnauthorized)
	if e.Code != "auth.locked" {
		t.Fatalf("failure 5: got %s, want auth.locked", e.Code)
	}
	right := credentials{Username: user, Password: tenants.DemoPassword}
	for _, lang := range []string{"", "?lang=en"} {
		e = c.fail(t, http.MethodPost, "/session"+lang, right, http.StatusUnauthorized)
		if e.Code != "auth.locked" {
			t.Fatalf("right password while locked: got %s, want auth.locked", e.Code)
		}
		until, err := time.Parse(time.RFC3339Nano, e.Params["until"].(string))
		if err != nil {
			t.Fatalf("until: %v", err)
		}
		if d := until.Sub(before); d < 5*time.Minute-time.Second || d > 5*time.Minute+time.Minute {
			t.Errorf("locked for %v, want 5 minutes", d)
		}
		clock := until.In(time.FixedZone("UTC+8", 8*3600)).Format("15:04")
		want := map[string]string{
			"":         "连续登录失败次数过多，账号已锁定，请于 " + clock + " 后再试",
			"?lang=en": "Too many failed logins: the account is locked until " + clock + " (China time)",
		}[lang]
		if e.Message != want {
			t.Errorf("message: got %q, want %q", e.Message, want)
		}
	}
}

// checkCookie checks the session cookie an answer sets.
func checkCookie(t *testing.T, resp *http.Response, path string, secure bool) {
	t.Helper()
	ck := sessionCookieOf(resp)
	switch {
	case ck == nil:
		t.Fatal("no session cookie")
	case ck.Value == "" || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode:
		t.Errorf("cookie %v: want a value, HttpOnly and SameSite=Lax", ck)
	case ck.Path != path || ck.Secure != secure:
		t.Errorf("cookie %v: want path %s and Secure %v", ck, path, secure)
	}
}

// sessionCookieOf returns the last session cookie that resp sets.
func sessionCookieOf(resp *http.Response) *http.Cookie {
	var last *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			last = ck
		}
	}
	return last
}

// sessionToken returns the session token in c's cookie jar.
func sessionToken(t *testing.T, c *client) string {
	t.Helper()
	for _, ck := range c.http.Jar.(*cookiejar.Jar).Cookies(mustURL(t, c.base+"/")) {
		if ck.Name == sessionCookie {
			return ck.Value
		}
	}
	t.Fatal("no session cookie in the jar")
	return ""
}

// TestCrossOrigin checks that a browser on another site cannot change
// anything, while the same site and non-browser clients can.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	enginetest.Run(t, func(t *testing.T, b enginetest.Backend) {
		env := newEnv(t, b)
		clerk := env.login(t, "xiangxi", stateHospital)
		evil := clerk.with("Origin", "https://evil.example").with("Sec-Fetch-Site", "cross-site")

		e := evil.fail(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusForbidden)
		if e.Code != "request.cross_origin" {
			t.Errorf("cross-site POST: got %s, want request.cross_origin", e.Code)
		}
		evil.fail(t, http.MethodPost, "/session",
			credentials{Username: stateHospital, Password: tenants.DemoPassword}, http.StatusForbidden)
		var ds []engine.Declaration
		evil.do(t, http.MethodGet, "/declarations", nil, http.StatusOK, &ds) // reading is harmless
		if len(ds) != 0 {
			t.Errorf("the refused POST created %d declarations", len(ds))
		}

		origin := strings.TrimSuffix(env.srv.URL, "/")
		for _, c := range []*client{
			clerk.with("Sec-Fetch-Site", "same-origin"),
			clerk.with("Origin", origin),
			clerk,
		} {
			c.do(t, http.MethodPost, "/declarations", associateSenior(1), http.StatusCreated, nil)
		}
	})
}
