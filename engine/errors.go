package engine

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Kind classifies an error for callers: the HTTP layer maps each kind to a
// status, a Go program branches on it.
type Kind string

// The error kinds. A row of another tenant or outside the actor's scope is
// KindNotFound, never KindPermissionDenied.
const (
	KindInvalid          Kind = "invalid"
	KindNotFound         Kind = "not_found"
	KindConflict         Kind = "conflict"
	KindPermissionDenied Kind = "permission_denied"
	KindUnauthenticated  Kind = "unauthenticated"
	KindInternal         Kind = "internal"
)

// Error is the error the engine returns. Code names the message for users
// (a key of the message catalogs) and Params fill it; Op and Err are for
// operators and never shown to users.
type Error struct {
	Kind   Kind
	Code   string
	Params map[string]any
	Op     string
	Err    error
}

// Error returns an English description for logs and Go callers.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	b.WriteString(string(e.Kind))
	if e.Code != "" && e.Code != string(e.Kind) {
		b.WriteString(": " + e.Code)
	}
	if len(e.Params) > 0 {
		keys := make([]string, 0, len(e.Params))
		for k := range e.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%v", k, e.Params[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorKind returns the kind of err: the kind of the first *Error in its
// chain, KindInternal for any other non-nil error, "" for nil.
func ErrorKind(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns the first *Error in err's chain, or an internal error
// wrapping err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInternal, Code: string(KindInternal), Err: err}
}

// P is a shorthand for error parameters.
type P = map[string]any

func errorf(kind Kind, code string, params P) *Error {
	return &Error{Kind: kind, Code: code, Params: params}
}

func invalid(code string, params P) *Error  { return errorf(KindInvalid, code, params) }
func conflict(code string, params P) *Error { return errorf(KindConflict, code, params) }

func notFound(what string) *Error {
	return errorf(KindNotFound, "not_found", P{"what": what})
}

func internal(op string, err error) *Error {
	return &Error{Kind: KindInternal, Code: string(KindInternal), Op: op, Err: err}
}
