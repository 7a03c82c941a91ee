package essbase

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// format is how a request body is written.
type format int

const (
	formatJSON format = iota
	formatXML
	formatCSV
)

func (f format) String() string {
	return [...]string{"json", "xml", "csv"}[f]
}

// errMalformed marks a body that cannot be read as the format it claims.
var errMalformed = errors.New("malformed body")

// errUnsupported marks a body of a type the operation does not take.
var errUnsupported = errors.New("unsupported media type")

// bodyFormat decides how to read the body. Content-Type decides when it names
// JSON, XML or CSV. The document ties the CSV import to
// "Accept='application/octet-stream'" where Content-Type is meant
// (Add or Import User(s) (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html), Request; Q-ESS-003), so a body without a
// usable Content-Type (none, curl's default form type, text/plain) is CSV when
// Accept names application/octet-stream.
func bodyFormat(r *http.Request, csvAllowed bool) (format, error) {
	ct := r.Header.Get("Content-Type")
	mt := ""
	if ct != "" {
		var err error
		if mt, _, err = mime.ParseMediaType(ct); err != nil {
			return 0, fmt.Errorf("%w: Content-Type %q cannot be parsed", errUnsupported, ct)
		}
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return formatJSON, nil
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return formatXML, nil
	case csvAllowed && (mt == "text/csv" || mt == "application/csv" || mt == "application/octet-stream"):
		return formatCSV, nil
	case csvAllowed && (mt == "" || mt == "application/x-www-form-urlencoded" || mt == "text/plain") && acceptsOctetStream(r):
		return formatCSV, nil
	}
	want := "application/json or application/xml"
	if csvAllowed {
		want = "application/json, application/xml, or text/csv (CSV import; Accept: application/octet-stream also marks a CSV body)"
	}
	if mt == "" {
		return 0, fmt.Errorf("%w: the request has no Content-Type; send %s", errUnsupported, want)
	}
	return 0, fmt.Errorf("%w: Content-Type %s is not accepted; send %s", errUnsupported, mt, want)
}

func acceptsOctetStream(r *http.Request) bool {
	for _, mr := range acceptRanges(r) {
		if mr.typ == "application/octet-stream" && mr.q > 0 {
			return true
		}
	}
	return false
}

// answersXML reports whether the caller prefers XML to JSON. Anything else,
// wildcards included, gets JSON, the type of the documented samples.
func answersXML(r *http.Request) bool {
	best, bestQ := "", 0.0
	for _, mr := range acceptRanges(r) {
		kind := ""
		switch mr.typ {
		case "application/json":
			kind = "json"
		case "application/xml", "text/xml":
			kind = "xml"
		default:
			continue
		}
		if mr.q > bestQ {
			best, bestQ = kind, mr.q
		}
	}
	return best == "xml"
}

type mediaRange struct {
	typ string
	q   float64
}

func acceptRanges(r *http.Request) []mediaRange {
	var out []mediaRange
	for _, h := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(h, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(v, 64); err != nil {
					continue
				}
			}
			out = append(out, mediaRange{mt, q})
		}
	}
	return out
}

// decodeUsers reads one user or a list. list tells which, so the answer can
// mirror the request's shape (Q-ESS-012); lines gives each user's CSV line.
func decodeUsers(f format, body []byte) (users []Input, lines []int, list bool, err error) {
	switch f {
	case formatJSON:
		users, list, err = decodeJSON(body)
	case formatXML:
		users, list, err = decodeXML(body)
	default:
		users, lines, err = decodeCSV(body)
		list = true
	}
	return users, lines, list, err
}

// jsonUser is the JSON form. token and links are accepted and ignored: the
// document lists them in the request object (Q-ESS-005).
type jsonUser struct {
	ID       *string         `json:"id"`
	Name     *string         `json:"name"`
	Email    *string         `json:"email"`
	Password *string         `json:"password"`
	Role     *string         `json:"role"`
	Groups   *[]string       `json:"groups"`
	Token    json.RawMessage `json:"token"`
	Links    json.RawMessage `json:"links"`
}

func (j jsonUser) input() Input {
	return Input{ID: j.ID, Name: j.Name, Email: j.Email, Password: j.Password, Role: j.Role, Groups: j.Groups}
}

// nullMembers refuses null for the properties the request reads: none is
// nullable in specs/essbase-users.yaml (UserInput), and decoding would read
// null as absent, so {"email":null} would look like "leave the email". The
// body already decoded as users, so each user is an object here.
func nullMembers(users []json.RawMessage) error {
	for i, raw := range users {
		var members map[string]json.RawMessage
		if err := json.Unmarshal(raw, &members); err != nil {
			continue // not an object: the typed decode has said so
		}
		for _, name := range []string{"id", "name", "email", "password", "role", "groups"} {
			if v, ok := members[name]; ok && string(v) == "null" {
				err := fmt.Errorf("%w: %s must not be null; leave it out to keep the current value", errMalformed, name)
				if len(users) > 1 {
					return &ItemError{Index: i, Err: err}
				}
				return err
			}
		}
	}
	return nil
}

func decodeJSON(body []byte) ([]Input, bool, error) {
	trimmed := bytes.TrimSpace(body)
	if err := jsonUTF8(trimmed); err != nil {
		return nil, false, err
	}
	if len(trimmed) == 0 {
		return nil, false, fmt.Errorf("%w: the body is empty; send a user object or a list of users", errMalformed)
	}
	if trimmed[0] == '[' {
		var many []jsonUser
		if err := json.Unmarshal(trimmed, &many); err != nil {
			return nil, true, jsonError(trimmed, err)
		}
		if len(many) == 0 {
			return nil, true, fmt.Errorf("%w: the list of users is empty", ErrEmptyUserList)
		}
		var raws []json.RawMessage
		_ = json.Unmarshal(trimmed, &raws) // it decoded as a list just now
		if err := nullMembers(raws); err != nil {
			return nil, true, err
		}
		out := make([]Input, len(many))
		for i, u := range many {
			out[i] = u.input()
		}
		return out, true, nil
	}
	if trimmed[0] != '{' {
		return nil, false, fmt.Errorf("%w: the JSON body must be a user object or a list of users", errMalformed)
	}
	var one jsonUser
	if err := json.Unmarshal(trimmed, &one); err != nil {
		return nil, false, jsonError(trimmed, err)
	}
	if err := nullMembers([]json.RawMessage{trimmed}); err != nil {
		return nil, false, err
	}
	return []Input{one.input()}, false, nil
}

// decodeJSONUser reads exactly one user (Update User takes one).
func decodeJSONUser(body []byte) (Input, error) {
	trimmed := bytes.TrimSpace(body)
	if err := jsonUTF8(trimmed); err != nil {
		return Input{}, err
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return Input{}, fmt.Errorf("%w: the JSON body must be one user object", errMalformed)
	}
	var one jsonUser
	if err := json.Unmarshal(trimmed, &one); err != nil {
		return Input{}, jsonError(trimmed, err)
	}
	if err := nullMembers([]json.RawMessage{trimmed}); err != nil {
		return Input{}, err
	}
	return one.input(), nil
}

// jsonUTF8 refuses a body that is not UTF-8: JSON is UTF-8 (RFC 8259,
// section 8.1), and encoding/json would store other bytes as U+FFFD without
// a word. (encoding/xml refuses them itself; decodeCSV checks its own.)
func jsonUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	return fmt.Errorf("%w: the body is not valid JSON: %s", errMalformed, reqinfo.InvalidUTF8(body))
}

// jsonError says where and why the JSON broke, so the caller can fix it.
func jsonError(body []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := min(max(se.Offset, 0), int64(len(body)))
		line := 1 + bytes.Count(body[:off], []byte("\n"))
		return fmt.Errorf("%w: the body is not valid JSON: %s (line %d, byte %d)", errMalformed, se.Error(), line, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the body"
		}
		return fmt.Errorf("%w: %s must be %s, not a JSON %s", errMalformed, field, jsonKind(te.Type.String()), te.Value)
	}
	return fmt.Errorf("%w: the body is not valid JSON: %v", errMalformed, err)
}

func jsonKind(goType string) string {
	switch goType {
	case "string":
		return "a string"
	case "[]string":
		return "a list of strings"
	case "[]essbase.jsonUser":
		return "a list of users"
	case "essbase.jsonUser":
		return "a user object"
	}
	return goType
}

// xmlUser is the XML form: one element per property; groups and token repeat
// once per value (the default array mapping of OpenAPI and JAXB, Q-ESS-010).
type xmlUser struct {
	ID       *string  `xml:"id"`
	Name     *string  `xml:"name"`
	Email    *string  `xml:"email"`
	Password *string  `xml:"password"`
	Role     *string  `xml:"role"`
	Groups   []string `xml:"groups"`
}

func (x xmlUser) input() Input {
	in := Input{ID: x.ID, Name: x.Name, Email: x.Email, Password: x.Password, Role: x.Role}
	if x.Groups != nil {
		// A single empty <groups/> means "no groups": XML has no other way
		// to send an empty list.
		groups := make([]string, 0, len(x.Groups))
		for _, g := range x.Groups {
			if len(x.Groups) == 1 && strings.TrimSpace(g) == "" {
				break
			}
			groups = append(groups, g)
		}
		in.Groups = &groups
	}
	return in
}

// decodeXML reads <user>...</user> or <users><user>...</user>...</users>
// (Q-ESS-010). Another root is refused: read as a user, <banana> once added
// one and <group> updated one.
func decodeXML(body []byte) ([]Input, bool, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	start, err := rootElement(d)
	if err != nil {
		return nil, false, err
	}
	if n := start.Name.Local; n != "user" && n != "users" {
		return nil, false, fmt.Errorf("%w: the XML root element is <%s>; send <user> or <users>", errMalformed, n)
	}
	if start.Name.Local == "users" {
		var many struct {
			Users []xmlUser `xml:"user"`
		}
		if err := d.DecodeElement(&many, &start); err != nil {
			return nil, true, xmlError(d, err)
		}
		if err := xmlEnd(d); err != nil {
			return nil, true, err
		}
		if len(many.Users) == 0 {
			return nil, true, fmt.Errorf("%w: <users> holds no <user> element", ErrEmptyUserList)
		}
		out := make([]Input, len(many.Users))
		for i, u := range many.Users {
			out[i] = u.input()
		}
		return out, true, nil
	}
	var one xmlUser
	if err := d.DecodeElement(&one, &start); err != nil {
		return nil, false, xmlError(d, err)
	}
	if err := xmlEnd(d); err != nil {
		return nil, false, err
	}
	return []Input{one.input()}, false, nil
}

// decodeXMLUser reads exactly one user.
func decodeXMLUser(body []byte) (Input, error) {
	users, list, err := decodeXML(body)
	if err != nil {
		return Input{}, err
	}
	if list || len(users) != 1 {
		return Input{}, fmt.Errorf("%w: the XML body must be one <user> element", errMalformed)
	}
	return users[0], nil
}

func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: the XML body has no element", errMalformed)
		}
		if err != nil {
			return xml.StartElement{}, xmlError(d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: the XML body has text before its root element", errMalformed)
			}
		}
	}
}

// xmlEnd refuses anything but white space, comments and processing
// instructions after the root element.
func xmlEnd(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return xmlError(d, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%w: the XML body has text after its root element", errMalformed)
			}
		case xml.Comment, xml.ProcInst:
		default:
			return fmt.Errorf("%w: the XML body has more than one root element", errMalformed)
		}
	}
}

func xmlError(d *xml.Decoder, err error) error {
	line, _ := d.InputPos()
	return fmt.Errorf("%w: the body is not valid XML: %v (near line %d)", errMalformed, err, line)
}

// csvColumns is the import layout, which the documents do not give
// (REST API for Oracle Essbase 21 (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/); Q-ESS-004): a header line naming any of these columns in
// any order, id and password required.
var csvColumns = []string{"id", "name", "email", "password", "role", "groups"}

// csvError is a CSV problem at a line.
func csvError(line int, format string, args ...any) error {
	return fmt.Errorf("%w: CSV line %d: %s", errMalformed, line, fmt.Sprintf(format, args...))
}

func decodeCSV(body []byte) ([]Input, []int, error) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	if !utf8.Valid(body) {
		return nil, nil, fmt.Errorf("%w: the CSV file is not UTF-8", errMalformed)
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%w: the CSV file is empty; its first line must be a header such as %s", errMalformed, strings.Join(csvColumns, ","))
	}
	if err != nil {
		return nil, nil, csvReadError(err)
	}
	col := map[string]int{}
	if !slices.ContainsFunc(header, func(h string) bool { return isCSVColumn(strings.ToLower(strings.TrimSpace(h))) }) {
		// Probably a data line: do not echo its cells, one may be a password.
		return nil, nil, csvError(1, "the first line must be a header naming columns among %s; it names none of them", strings.Join(csvColumns, ","))
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !isCSVColumn(name) {
			return nil, nil, csvError(1, "unknown column %q; the header names columns among %s", h, strings.Join(csvColumns, ","))
		}
		if _, dup := col[name]; dup {
			return nil, nil, csvError(1, "column %q is named twice", name)
		}
		col[name] = i
	}
	for _, need := range []string{"id", "password"} {
		if _, ok := col[need]; !ok {
			return nil, nil, csvError(1, "the header has no %s column (it needs id and password; it may also name name, email, role, groups)", need)
		}
	}
	var out []Input
	var lines []int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvReadError(err)
		}
		line, _ := r.FieldPos(0)
		cell := func(name string) *string {
			i, ok := col[name]
			if !ok {
				return nil
			}
			v := strings.TrimSpace(rec[i])
			if v == "" && name != "id" && name != "password" {
				return nil // an empty optional cell leaves the property out
			}
			return &v
		}
		in := Input{ID: cell("id"), Name: cell("name"), Email: cell("email"), Password: cell("password"), Role: cell("role")}
		if g := cell("groups"); g != nil {
			// The document describes groups as a "Comma-separated list of
			// group names"; commas cannot occur in a group name.
			var groups []string
			for p := range strings.SplitSeq(*g, ",") {
				if p = strings.TrimSpace(p); p != "" {
					groups = append(groups, p)
				}
			}
			in.Groups = &groups
		}
		if in.ID != nil && *in.ID == "" {
			return nil, nil, &ItemError{Index: len(out), Line: line, Err: fmt.Errorf("%w: the id cell is empty", ErrMissing)}
		}
		if in.Password != nil && *in.Password == "" {
			return nil, nil, &ItemError{Index: len(out), Line: line, Err: fmt.Errorf("%w: the password cell is empty", ErrMissing)}
		}
		out = append(out, in)
		lines = append(lines, line)
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("%w: the CSV file has a header but no users", ErrEmptyUserList)
	}
	return out, lines, nil
}

func isCSVColumn(name string) bool { return slices.Contains(csvColumns, name) }

func csvReadError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return csvError(pe.Line, "the line has a different number of fields than the header")
		}
		return csvError(pe.Line, "%v", pe.Err)
	}
	return fmt.Errorf("%w: the CSV file cannot be read: %v", errMalformed, err)
}

// The answer forms. JSON follows the document's Example of Response Body;
// XML uses the same names, arrays unwrapped (Q-ESS-010).

type linkOut struct {
	Rel    string `json:"rel" xml:"rel"`
	Href   string `json:"href" xml:"href"`
	Method string `json:"method" xml:"method"`
}

type userOut struct {
	XMLName xml.Name  `json:"-" xml:"user"`
	ID      string    `json:"id" xml:"id"`
	Name    string    `json:"name,omitempty" xml:"name,omitempty"`
	Email   string    `json:"email,omitempty" xml:"email,omitempty"`
	Role    string    `json:"role,omitempty" xml:"role,omitempty"` // empty only under expand=none (list.go)
	Groups  []string  `json:"groups,omitempty" xml:"groups"`
	Links   []linkOut `json:"links,omitempty" xml:"links"`
}

type usersOut struct {
	XMLName xml.Name  `xml:"users"`
	Users   []userOut `xml:"user"`
}

// errorBody is the mock's error shape; the vendor's is not documented
// (REST API for Oracle Essbase 21 (https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/); Q-ESS-008).
type errorBody struct {
	XMLName xml.Name `json:"-" xml:"error"`
	Code    string   `json:"errorCode" xml:"errorCode"`
	Message string   `json:"errorMessage" xml:"errorMessage"`
}

// write answers v as XML or JSON.
func write(w http.ResponseWriter, status int, asXML bool, v any) {
	if asXML {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, xml.Header)
		_ = xml.NewEncoder(w).Encode(v)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
