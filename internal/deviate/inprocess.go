package deviate

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// hooks are what the deviations, harmless changes and incidents played
// together do to one exchange. The proxy (Serve) and the in-process
// wrapper (Wrap) run the same hooks, so every deviation is written once and
// gives the same answers both ways.
type hooks struct {
	// answers may answer a request itself; the target never sees it.
	answers   []func(w http.ResponseWriter, r *http.Request) bool
	requests  []func(*http.Request)
	responses []func(*http.Response, []byte) []byte
	chunked   bool
	closing   bool
}

// compose orders the hooks: incidents answer first (a throttled request
// never reaches the target), then the deviations, then the harmless
// changes: a harmless change played on top of a deviation must not hide it.
func compose(ds []Deviation, ts []Tolerance, is []Incident) hooks {
	var hk hooks
	for _, in := range is {
		if in.Answer != nil {
			hk.answers = append(hk.answers, in.Answer)
		}
		hk.requests, hk.responses = appendHooks(hk.requests, hk.responses, in.Request, in.Response)
	}
	for _, d := range ds {
		hk.requests, hk.responses = appendHooks(hk.requests, hk.responses, d.Request, d.Response)
	}
	for _, t := range ts {
		hk.requests, hk.responses = appendHooks(hk.requests, hk.responses, t.Request, t.Response)
		hk.chunked = hk.chunked || t.Chunked
		hk.closing = hk.closing || t.CloseConnection
	}
	return hk
}

func (hk hooks) empty() bool {
	return len(hk.answers) == 0 && len(hk.requests) == 0 && len(hk.responses) == 0 && !hk.chunked && !hk.closing
}

// Wrap plays the deviations and harmless changes in front of a handler in
// the same process, as Serve plays them in front of a URL: the mock plays
// them on demand (conformance mock --play) with no proxy to start.
func Wrap(h http.Handler, ds []Deviation, ts []Tolerance) http.Handler {
	hk := compose(ds, ts, nil)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hk.serve(h, w, r) })
}

// serve runs one exchange through the hooks: the request hooks change the
// request, the handler answers into a buffer, the response hooks change the
// answer as the proxy's ModifyResponse does, then it is written out.
func (hk hooks) serve(h http.Handler, w http.ResponseWriter, r *http.Request) {
	for _, a := range hk.answers {
		if a(w, r) {
			return
		}
	}
	if len(hk.requests) == 0 && len(hk.responses) == 0 && !hk.chunked && !hk.closing {
		h.ServeHTTP(w, r)
		return
	}
	r = r.Clone(r.Context())
	for _, f := range hk.requests {
		f(r)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	body := rec.Body.Bytes()
	for _, f := range hk.responses {
		body = f(resp, body)
	}
	out := w.Header()
	for k, v := range resp.Header {
		out[k] = v
	}
	if hk.closing {
		out.Set("Connection", "close")
	}
	if hk.chunked {
		// Headers flushed before the body carry no length, so the server
		// sends the answer chunked, as the proxy does.
		out.Del("Content-Length")
		w.WriteHeader(resp.StatusCode)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	} else {
		out.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(resp.StatusCode)
	}
	_, _ = bytes.NewReader(body).WriteTo(w)
}
