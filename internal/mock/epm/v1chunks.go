package epm

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// How an upload says which chunk it is. Two forms are in use, and the mock
// takes both (Q-EPM1-031, Q-EPM1-032):
//   - q={"isLast":true,"chunkSize":N,"isFirst":true}, a JSON object in one
//     query parameter, which older clients send; Oracle's own upload sample
//     (PbcsRestSamples) and jasonwjones/pbj-pbcs-client send it with the
//     keys unquoted, {chunkSize:83,isFirst:true,isLast:true}, raw or
//     percent-encoded, so q is read as a JavaScript object literal;
//   - isFirst, isLast, chunkSize and fileSize as query parameters of their
//     own, as the "Upload" page lists them (REST APIs for Oracle Enterprise
//     Performance Management Cloud,
//     https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/upload.html).
//
// A value q gives wins over the parameter of the same name; what neither
// gives defaults to a whole file in one chunk.

// chunkParams is what an upload says about its chunk.
type chunkParams struct {
	IsFirst   *bool  `json:"isFirst"`
	IsLast    *bool  `json:"isLast"`
	ChunkSize *int64 `json:"chunkSize"`
}

// unquotedKey finds a bare identifier used as an object key, after "{" or
// ",": the one liberty of the clients' q beyond JSON.
var unquotedKey = regexp.MustCompile(`([{,]\s*)([A-Za-z_$][A-Za-z0-9_$]*)(\s*:)`)

// parseQ reads q as JSON, or failing that as an object literal whose keys
// are not quoted.
func parseQ(q string) (chunkParams, error) {
	var p chunkParams
	err := json.Unmarshal([]byte(q), &p)
	if err == nil {
		return p, nil
	}
	quoted := unquotedKey.ReplaceAllString(q, `$1"$2"$3`)
	if quoted == q || json.Unmarshal([]byte(quoted), &p) != nil {
		return p, fmt.Errorf("the q parameter is neither JSON nor an object with unquoted keys: %v", err)
	}
	return p, nil
}

// readChunkParams merges q and the separate parameters. fileSize is read
// for its form only: no page says what a mismatch means.
func readChunkParams(query url.Values) (first, last bool, size *int64, err error) {
	var p chunkParams
	if q := query.Get("q"); q != "" {
		if p, err = parseQ(q); err != nil {
			return false, false, nil, err
		}
	}
	for _, b := range []struct {
		name string
		dst  **bool
	}{{"isFirst", &p.IsFirst}, {"isLast", &p.IsLast}} {
		if v := query.Get(b.name); v != "" && *b.dst == nil {
			parsed, perr := strconv.ParseBool(strings.ToLower(v))
			if perr != nil {
				return false, false, nil, fmt.Errorf("the parameter %s is %q, not true or false", b.name, v)
			}
			*b.dst = &parsed
		}
	}
	for _, n := range []struct {
		name string
		dst  **int64
	}{{"chunkSize", &p.ChunkSize}, {"fileSize", new(*int64)}} {
		if v := query.Get(n.name); v != "" && *n.dst == nil {
			parsed, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil || parsed < 0 {
				return false, false, nil, fmt.Errorf("the parameter %s is %q, not a number of bytes", n.name, v)
			}
			*n.dst = &parsed
		}
	}
	first, last = true, true
	if p.IsFirst != nil {
		first = *p.IsFirst
	}
	if p.IsLast != nil {
		last = *p.IsLast
	}
	return first, last, p.ChunkSize, nil
}
