package exchange

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Mask replaces every secret in recorded exchanges.
const Mask = "[REDACTED]"

// sensitiveHeaders never reach a record with their value.
var sensitiveHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"}

// sensitiveKeys are field names whose values are masked in JSON, XML, form
// and CSV bodies: test passwords count too, they are still passwords.
var sensitiveKey = regexp.MustCompile(`(?i)^(password|userpassword|passwd|token|access_token|refresh_token|client_secret|secret)$`)

// Redactor masks secrets. It knows the configured secret values (passwords,
// tokens and the Basic credentials built from them) and masks sensitive
// headers and fields whatever their values.
type Redactor struct {
	mu sync.RWMutex
	// values holds each secret form once, longest first: a secret that
	// contains another is masked whole. Every body of the run is scanned
	// once per value, and the rows teach the same few passwords again and
	// again (once per worker's run suffix): kept as a list with repeats it
	// grew to 2,363 entries for 23 values, and a third of a run's CPU went
	// into scanning bodies for the repeats.
	values []string
	known  map[string]bool
}

// Add makes a secret learnt during the run (a token a command produced)
// one the redactor masks from now on.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.add(secret, url.QueryEscape(secret))
}

// add keeps each new non-empty form once, longest first; the caller holds
// the lock (or owns the redactor still).
func (r *Redactor) add(forms ...string) {
	if r.known == nil {
		r.known = map[string]bool{}
	}
	grew := false
	for _, f := range forms {
		if f != "" && !r.known[f] {
			r.known[f] = true
			r.values = append(r.values, f)
			grew = true
		}
	}
	if grew {
		slices.SortStableFunc(r.values, func(a, b string) int { return len(b) - len(a) })
	}
}

// NewRedactor builds a redactor for these secret values (empty ones ignored).
// For each user/password pair the base64 Basic form is masked too.
func NewRedactor(secrets []string, basicPairs [][2]string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if s != "" {
			r.add(s, url.QueryEscape(s))
		}
	}
	for _, p := range basicPairs {
		if p[1] != "" {
			r.add(base64.StdEncoding.EncodeToString([]byte(p[0] + ":" + p[1])))
		}
	}
	return r
}

// Header returns a copy with sensitive values masked; the scheme word of an
// Authorization header stays, so a reader can still see Basic versus Bearer.
func (r *Redactor) Header(h http.Header) http.Header {
	out := h.Clone()
	for _, name := range sensitiveHeaders {
		vals := out.Values(name)
		if len(vals) == 0 {
			continue
		}
		masked := make([]string, len(vals))
		for i, v := range vals {
			if scheme, _, ok := strings.Cut(v, " "); ok && (strings.EqualFold(scheme, "Basic") || strings.EqualFold(scheme, "Bearer")) {
				masked[i] = scheme + " " + Mask
			} else {
				masked[i] = Mask
			}
		}
		out[http.CanonicalHeaderKey(name)] = masked
	}
	for name, vals := range out {
		for i, v := range vals {
			out[name][i] = r.Text(v)
		}
	}
	return out
}

// Body masks a body's sensitive fields, then every known secret value. The
// content type is a hint, not a promise: a body sent as text/plain on
// purpose, or XML that is not well-formed, is masked by what it looks like.
func (r *Redactor) Body(contentType string, body []byte) []byte {
	ct := strings.ToLower(contentType)
	if t := bytes.TrimSpace(body); strings.Contains(ct, "json") || len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		body = maskJSON(body)
	}
	if strings.Contains(ct, "x-www-form-urlencoded") {
		body = maskForm(body)
	}
	// Each pass only where its form can occur: over a 9 MB body every
	// expression costs a scan.
	if bytes.IndexByte(body, '=') >= 0 {
		body = formPair.ReplaceAll(body, []byte("${1}="+Mask))
	}
	if bytes.IndexByte(body, '<') >= 0 {
		body = xmlField.ReplaceAll(body, []byte("<$1>"+Mask))
	}
	body = maskCSVColumn(body)
	return []byte(r.Text(string(body)))
}

// SecretsIn lists the values of sensitive fields in a body the suite sends
// (an Essbase user's initial password): the runner makes them known
// secrets before the run, so they are masked wherever they appear, in a
// CSV without a header or an answer that echoes them.
func SecretsIn(body []byte) []string {
	if !mayHoldSecrets(body) {
		return nil
	}
	var out []string
	var v any
	if json.Unmarshal(body, &v) == nil {
		collect(v, &out)
	}
	// The expressions are slow over a large body: ask them only where
	// their form can occur.
	if bytes.IndexByte(body, '<') >= 0 {
		for _, m := range xmlValue.FindAllSubmatch(body, -1) {
			out = append(out, strings.TrimSpace(string(m[1])))
		}
	}
	if bytes.IndexByte(body, '=') >= 0 {
		for _, m := range formValue.FindAllSubmatch(body, -1) {
			out = append(out, string(m[1]))
		}
	}
	lines := bytes.Split(body, []byte("\n"))
	if len(lines) > 1 {
		header := strings.Split(strings.TrimRight(string(lines[0]), "\r"), ",")
		for i, h := range header {
			if sensitiveKey.MatchString(strings.Trim(strings.TrimSpace(h), `"`)) {
				for _, l := range lines[1:] {
					if f := strings.Split(strings.TrimRight(string(l), "\r"), ","); i < len(f) {
						out = append(out, strings.TrimSpace(f[i]))
					}
				}
			}
		}
	}
	keep := out[:0]
	for _, s := range out {
		// Short values would mask ordinary words everywhere.
		if len(s) >= 6 && s != Mask {
			keep = append(keep, s)
		}
	}
	return keep
}

// sensitiveStems are in every name sensitiveKey matches.
var sensitiveStems = []string{"pass", "token", "secret"}

// mayHoldSecrets is false only for a body in which no sensitive field can
// be: none of sensitiveStems in any case, and no JSON \u escape that could
// spell one. The runner asks SecretsIn of every body it will send, 9 MB
// ones too, which then need not be parsed.
func mayHoldSecrets(body []byte) bool {
	if bytes.Contains(body, []byte(`\u`)) {
		return true
	}
	for i := range body {
		switch body[i] | 0x20 {
		case 'p', 't', 's':
			for _, stem := range sensitiveStems {
				if len(body)-i >= len(stem) && bytes.EqualFold(body[i:i+len(stem)], []byte(stem)) {
					return true
				}
			}
		}
	}
	return false
}

func collect(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && sensitiveKey.MatchString(k) {
				*out = append(*out, s)
				continue
			}
			collect(val, out)
		}
	case []any:
		for _, e := range x {
			collect(e, out)
		}
	}
}

var (
	formPair  = regexp.MustCompile(`(?i)\b(password|userpassword|passwd|access_token|refresh_token|client_secret)=[^&\s]*`)
	formValue = regexp.MustCompile(`(?i)\b(?:password|userpassword|passwd|access_token|refresh_token|client_secret)=([^&\s]+)`)
	xmlValue  = regexp.MustCompile(`(?is)<(?:password|userpassword|token|secret)>([^<]*)`)
)

// Text masks every known secret value in s.
func (r *Redactor) Text(s string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, v := range r.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	return s
}

// xmlField is an element whose text is a secret, closed or not (a body
// broken on purpose still carries its password).
var xmlField = regexp.MustCompile(`(?is)<((?:password|userpassword|token|secret))>[^<]*`)

func maskJSON(body []byte) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		// Not JSON after all: mask "password": "..." pairs textually.
		return jsonPair.ReplaceAll(body, []byte(`"$1":"`+Mask+`"`))
	}
	if !maskValue(v) {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

var jsonPair = regexp.MustCompile(`(?i)"(password|userpassword|token|access_token|client_secret|secret)"\s*:\s*"(?:[^"\\]|\\.)*"`)

// maskValue masks sensitive keys in place and reports whether it changed anything.
func maskValue(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if sensitiveKey.MatchString(k) && val != nil {
				x[k] = Mask
				changed = true
				continue
			}
			changed = maskValue(val) || changed
		}
	case []any:
		for _, e := range x {
			changed = maskValue(e) || changed
		}
	}
	return changed
}

func maskForm(body []byte) []byte {
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return body
	}
	changed := false
	for k := range vals {
		if sensitiveKey.MatchString(k) {
			vals[k] = []string{Mask}
			changed = true
		}
	}
	if !changed {
		return body
	}
	return []byte(vals.Encode())
}

// maskCSVColumn blanks a "password" column of a CSV body: Essbase imports
// carry initial passwords. Only simple unquoted layouts are rewritten; the
// known-value pass still covers configured secrets in any layout.
func maskCSVColumn(body []byte) []byte {
	if bytes.IndexByte(body, '\n') < 0 {
		return body // a header alone: no value to blank
	}
	lines := bytes.Split(body, []byte("\n"))
	header := strings.Split(strings.TrimRight(string(lines[0]), "\r"), ",")
	col := -1
	for i, h := range header {
		if sensitiveKey.MatchString(strings.Trim(strings.TrimSpace(h), `"`)) {
			col = i
		}
	}
	if col < 0 {
		return body
	}
	for i := 1; i < len(lines); i++ {
		line := string(lines[i])
		cr := strings.HasSuffix(line, "\r")
		fields := strings.Split(strings.TrimSuffix(line, "\r"), ",")
		if col < len(fields) && fields[col] != "" {
			fields[col] = Mask
		}
		line = strings.Join(fields, ",")
		if cr {
			line += "\r"
		}
		lines[i] = []byte(line)
	}
	return bytes.Join(lines, []byte("\n"))
}
