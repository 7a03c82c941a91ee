// Package deviate is a reverse proxy that makes a conforming target deviate
// from the documents in one named way. The suite must fail through it: that
// is how we show a scenario can fail. `conformance proxy` serves it, so users
// can check their own pipelines the same way.
//
// The same deviations and harmless changes, and the incidents a conforming
// service has (incident.go), also play in front of a handler in the same
// process (Wrap, and Player for faults chosen while serving, scoped to a
// product, an operation or the next N requests): `conformance mock --play`.
// Each is written once, as hooks both roads run (inprocess.go).
package deviate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Deviation is one way of breaking the documented behaviour.
type Deviation struct {
	Name    string
	Summary string
	// Scope is the label filter of the run that must catch it, and CaughtBy
	// the scenarios that must fail through it: the test of the suite's
	// ability to fail (internal/cli) runs every registered deviation.
	Scope    string
	CaughtBy []string
	// RunArgs are extra flags for that run, e.g. a short --poll-limit for a
	// deviation that makes a job never finish.
	RunArgs []string
	// Request may change a request before it goes to the target.
	Request func(r *http.Request)
	// Response may change status and headers and returns the new body.
	Response func(r *http.Response, body []byte) []byte
}

var registry = map[string]Deviation{}

// Register adds a deviation. Call from init.
func Register(d Deviation) {
	if _, dup := registry[d.Name]; dup {
		panic("deviate: registered twice: " + d.Name)
	}
	registry[d.Name] = d
}

// Lookup finds a deviation by name.
func Lookup(name string) (Deviation, bool) {
	d, ok := registry[name]
	return d, ok
}

// All lists every deviation, by name.
func All() []Deviation {
	out := make([]Deviation, 0, len(registry))
	for _, d := range registry {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Proxy forwards to target, applying the deviations in order.
func Proxy(target *url.URL, ds ...Deviation) http.Handler { return Serve(target, ds, nil) }

// Serve forwards to target, applying the deviations in order, then the
// tolerances (tolerate.go) in order: a harmless change played on top of a
// deviation must not hide it.
func Serve(target *url.URL, ds []Deviation, ts []Tolerance) http.Handler {
	hk := compose(ds, ts, nil)
	rp := httputil.NewSingleHostReverseProxy(target)
	base := rp.Director
	rp.Director = func(r *http.Request) {
		base(r)
		r.Host = target.Host
		for _, f := range hk.requests {
			f(r)
		}
	}
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		for _, f := range hk.responses {
			body = f(resp, body)
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if hk.chunked {
			// Without a length the reverse proxy flushes as it copies, so
			// the answer goes out chunked.
			resp.ContentLength = -1
			resp.Header.Del("Content-Length")
			return nil
		}
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	if !hk.closing {
		return rp
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Connection is hop-by-hop, so the proxy drops it from the target's
		// answer; set on the proxy's own answer, the server closes after it.
		w.Header().Set("Connection", "close")
		rp.ServeHTTP(w, r)
	})
}

func appendHooks(rq []func(*http.Request), rs []func(*http.Response, []byte) []byte,
	req func(*http.Request), resp func(*http.Response, []byte) []byte) ([]func(*http.Request), []func(*http.Response, []byte) []byte) {
	if req != nil {
		rq = append(rq, req)
	}
	if resp != nil {
		rs = append(rs, resp)
	}
	return rq, rs
}

// onPath limits a response change to requests whose path ends with suffix
// (and, when method is not empty, with that method).
func onPath(method, suffix string, f func(r *http.Response, body []byte) []byte) func(*http.Response, []byte) []byte {
	return func(r *http.Response, body []byte) []byte {
		req := r.Request
		if req == nil || !strings.HasSuffix(req.URL.Path, suffix) || (method != "" && req.Method != method) {
			return body
		}
		return f(r, body)
	}
}

// onRequest rewrites the body of matching requests before they reach the target.
func onRequest(method, suffix string, f func(body []byte) []byte) func(*http.Request) {
	return func(r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, suffix) || (method != "" && r.Method != method) || r.Body == nil {
			return
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return
		}
		body = f(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
}

// editJSON decodes an object, lets edit change it, and encodes it again. A
// body that is not a JSON object is left alone.
func editJSON(body []byte, edit func(m map[string]any)) []byte {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return body
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// asInt reads a JSON number.
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case float64:
		return int(n), true
	}
	return 0, false
}

// replaceStatus answers with another status and a JSON body.
func replaceStatus(r *http.Response, status int, body any) []byte {
	r.StatusCode = status
	r.Status = fmt.Sprintf("%d %s", status, http.StatusText(status))
	r.Header.Set("Content-Type", "application/json")
	b, _ := json.Marshal(body)
	return b
}
