package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/zhicheng-hr/zhicheng/engine"
)

// maxBodyBytes bounds a request body: 1 MiB is far more than any form.
const maxBodyBytes = 1 << 20

// decodeBody reads the JSON body of r into v. Unknown fields, trailing
// data, wrong types and bodies over maxBodyBytes are invalid. An empty
// body is invalid when required and leaves v unchanged otherwise.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, required bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		if required {
			return requestError(engine.KindInvalid, "request.body_missing", nil)
		}
		return nil
	}
	if err == nil {
		if _, err = dec.Token(); errors.Is(err, io.EOF) {
			return nil
		}
	}
	return bodyError(err)
}

// bodyError says what is wrong with a body that did not decode; err is
// nil when there was data after the JSON value.
func bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	var wrongType *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return requestError(engine.KindInvalid, "request.too_large",
			engine.P{"max_kib": tooLarge.Limit / 1024})
	case errors.As(err, &wrongType):
		return requestError(engine.KindInvalid, "request.field_type",
			engine.P{"field": wrongType.Field})
	case err != nil && strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return requestError(engine.KindInvalid, "request.unknown_field", engine.P{"field": field})
	}
	return requestError(engine.KindInvalid, "request.body", nil)
}

// writeJSON writes v as the JSON body of an answer with status. Only a
// value that does not encode is an error: a client that went away is not.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return &engine.Error{Kind: engine.KindInternal, Op: "encode answer", Err: err}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
	return nil
}

// reply returns a function that writes an engine method's result with
// 200, or returns its error: return reply(w)(s.engine.Units(ctx)).
func reply(w http.ResponseWriter) func(any, error) error {
	return func(v any, err error) error {
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, v)
	}
}

// pathID reads the {id} of the route. The route only matches digits; an
// id too large for an int names nothing, so it is not found.
func pathID(r *http.Request, what string) (int, error) {
	id, err := strconv.Atoi(mux.Vars(r)["id"])
	if err != nil {
		return 0, requestError(engine.KindNotFound, "not_found", engine.P{"what": what})
	}
	return id, nil
}

// queryInt reads an integer query parameter; it is 0 when absent.
func queryInt(r *http.Request, name string) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, queryError(name)
	}
	return n, nil
}

func queryError(name string) error {
	return requestError(engine.KindInvalid, "request.query", engine.P{"name": name})
}
