package mock_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-openapi/jsonpointer"
	"go.yaml.in/yaml/v3"
)

// The client corpus (fixtures/clients): request shapes that known clients
// send, each with the public source that shows it and the vendor's answer.
// Every shape is written to a fresh mock byte for byte, as the client puts
// it on the wire, and its answer checked.

type corpusFile struct {
	Sources map[string]string `yaml:"sources"`
	Shapes  []corpusShape     `yaml:"shapes"`
}

type corpusShape struct {
	ID      string `yaml:"id"`
	Source  string `yaml:"source"`
	Shows   string `yaml:"shows"`
	Request struct {
		Method  string            `yaml:"method"`
		Path    string            `yaml:"path"`
		Query   string            `yaml:"query"`
		Auth    string            `yaml:"auth"`
		Headers map[string]string `yaml:"headers"`
		Body    string            `yaml:"body"`
	} `yaml:"request"`
	Expect struct {
		Status      statusList     `yaml:"status"`
		ContentType string         `yaml:"content_type"`
		JSON        map[string]any `yaml:"json"`
		JSONAny     map[string]any `yaml:"json_any"`
		Present     []string       `yaml:"present"`
	} `yaml:"expect"`
	Capture map[string]string `yaml:"capture"`
}

// statusList is one status or a list of them.
type statusList []int

func (s *statusList) UnmarshalYAML(n *yaml.Node) error {
	var one int
	if n.Decode(&one) == nil {
		*s = statusList{one}
		return nil
	}
	var many []int
	if err := n.Decode(&many); err != nil {
		return err
	}
	*s = many
	return nil
}

// The corpus must stay broad: so many shapes from so many sources.
const (
	minShapes  = 20
	minSources = 5
)

func TestClientCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "clients")
	names, err := fs.Glob(os.DirFS(dir), "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no corpus in %s: %v", dir, err)
	}
	shapes, sources := 0, map[string]bool{}
	ids := map[string]string{}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var f corpusFile
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range f.Shapes {
			switch {
			case s.ID == "" || ids[s.ID] != "":
				t.Errorf("%s: shape ID %q is empty or also in %s", name, s.ID, ids[s.ID])
			case f.Sources[s.Source] == "":
				t.Errorf("%s %s: source %q is not among the file's sources", name, s.ID, s.Source)
			case s.Shows == "" || len(s.Expect.Status) == 0:
				t.Errorf("%s %s: says neither what it shows nor what the vendor answers", name, s.ID)
			}
			ids[s.ID] = name
			sources[s.Source] = true
		}
		shapes += len(f.Shapes)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) { runCorpus(t, f.Shapes) })
	}
	if shapes < minShapes || len(sources) < minSources {
		t.Errorf("the corpus has %d shapes from %d sources; it needs at least %d from %d", shapes, len(sources), minShapes, minSources)
	}
}

// runCorpus sends the shapes of one file in order to one fresh mock.
func runCorpus(t *testing.T, shapes []corpusShape) {
	srv := newServer(t, "mock/seed.yaml")
	host := strings.TrimPrefix(srv.URL, "http://")
	captured := map[string]string{}
	for _, s := range shapes {
		path := s.Request.Path
		for k, v := range captured {
			path = strings.ReplaceAll(path, "${"+k+"}", v)
		}
		target := path
		if s.Request.Query != "" {
			target += "?" + s.Request.Query
		}
		status, header, body, err := rawRequest(host, s.Request.Method, target, s.Request.Auth, s.Request.Headers, s.Request.Body)
		if err != nil {
			t.Errorf("%s: %v", s.ID, err)
			continue
		}
		for _, problem := range judgeShape(s, status, header, body) {
			t.Errorf("%s (%s): %s\n  %s %s\n  answer %d %s", s.ID, s.Shows, problem, s.Request.Method, target, status, body)
		}
		var doc any
		_ = json.Unmarshal(body, &doc)
		for name, ptr := range s.Capture {
			v, err := pointer(doc, ptr)
			str, _ := v.(string)
			if err != nil || str == "" {
				t.Errorf("%s: capture %s at %s: %v", s.ID, name, ptr, err)
				continue
			}
			// A link is absolute; the corpus sends its path to this mock.
			if u, err := url.Parse(strings.TrimSpace(str)); err == nil && u.Path != "" {
				str = u.EscapedPath()
			}
			captured[name] = str
		}
	}
}

// rawRequest writes the request as a client puts it on the wire: the target
// exactly as written (Go's client would re-escape a query), only the given
// headers besides Host, Authorization and Content-Length.
func rawRequest(host, method, target, authMode string, headers map[string]string, body string) (int, http.Header, []byte, error) {
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return 0, nil, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, host)
	switch authMode {
	case "", "basic":
		b.WriteString("Authorization: Basic YWRtaW46V2VsY29tZTE=\r\n") // admin:Welcome1, the shipped seed's
	case "bearer":
		b.WriteString("Authorization: Bearer mock-admin-token\r\n")
	case "none":
	default:
		return 0, nil, nil, fmt.Errorf("auth %q is not basic, bearer or none", authMode)
	}
	keys := make([]string, 0, len(headers))
	for k := range headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\r\n", k, headers[k])
	}
	if body != "" || method == http.MethodPost || method == http.MethodPut {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return 0, nil, nil, err
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, data, err
}

// judgeShape lists what the answer misses of the shape's expectation.
func judgeShape(s corpusShape, status int, header http.Header, body []byte) []string {
	var out []string
	if !slices.Contains(s.Expect.Status, status) {
		out = append(out, fmt.Sprintf("status %d, want %v", status, s.Expect.Status))
	}
	if want := s.Expect.ContentType; want != "" {
		if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt != want {
			out = append(out, fmt.Sprintf("Content-Type %q, want %s", header.Get("Content-Type"), want))
		}
	}
	if len(s.Expect.JSON)+len(s.Expect.JSONAny)+len(s.Expect.Present) == 0 {
		return out
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return append(out, "the answer is not JSON: "+err.Error())
	}
	for ptr, want := range s.Expect.JSON {
		if got, err := pointer(doc, ptr); err != nil || !sameJSON(got, want) {
			out = append(out, fmt.Sprintf("%s is %v (%v), want %v", ptr, got, err, want))
		}
	}
	for ptr, list := range s.Expect.JSONAny {
		got, err := pointer(doc, ptr)
		options, _ := list.([]any)
		if err != nil || !slices.ContainsFunc(options, func(w any) bool { return sameJSON(got, w) }) {
			out = append(out, fmt.Sprintf("%s is %v (%v), want one of %v", ptr, got, err, list))
		}
	}
	for _, ptr := range s.Expect.Present {
		if _, err := pointer(doc, ptr); err != nil {
			out = append(out, fmt.Sprintf("%s is absent: %v", ptr, err))
		}
	}
	return out
}

func pointer(doc any, ptr string) (any, error) {
	p, err := jsonpointer.New(ptr)
	if err != nil {
		return nil, err
	}
	v, _, err := p.Get(doc)
	return v, err
}

// sameJSON compares a decoded answer with a YAML value through their JSON
// forms, so 0 (YAML int) equals 0 (JSON number).
func sameJSON(got, want any) bool {
	a, err1 := json.Marshal(got)
	b, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil {
		return false
	}
	var x, y any
	_ = json.Unmarshal(a, &x)
	_ = json.Unmarshal(b, &y)
	return fmt.Sprint(x) == fmt.Sprint(y)
}
