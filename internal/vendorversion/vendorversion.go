// Package vendorversion reads, once per run and with a read-only request,
// which release of each product the run saw, so every report can say it and
// a baseline entry can speak of releases ("seen in 24.10, fixed in 24.12"):
//
//   - EPM Cloud: Get REST API Versions for Migration (GET /interop/rest/),
//     the serverVersion and buildVersion of its latest item;
//   - Essbase: About Essbase (GET /essbase/rest/v1/about), version and build;
//   - Oracle Identity Governance: its user-management REST API documents no
//     read of the release, so it is unknown.
//
// The requests take the road every request takes (internal/exchange): the
// read tier, so they reach production too, and secrets are masked.
package vendorversion

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

// Release is what one read found.
type Release struct {
	Version string
	Build   string
	// Note says why Version is empty.
	Note string
}

// Operations are the operationIds read per product.
var Operations = map[string]string{
	"epm":     "getMigrationAPIVersions",
	"essbase": "essbaseAbout",
}

// Read asks one product for its release. A product without a documented
// read, a failed request or an answer without a version gives a Release
// whose Note says so; Read never fails a run.
func Read(ctx context.Context, product string, c *exchange.Client, cred *exchange.Credential) Release {
	op, ok := Operations[product]
	if !ok {
		return Release{Note: fmt.Sprintf("%s's REST API documents no read of its release", product)}
	}
	ex, err := c.Do(ctx, exchange.Request{Operation: op, Auth: cred, Role: "version", Header: http.Header{"Accept": {"application/json"}}})
	switch {
	case err != nil:
		return Release{Note: "reading the release: " + err.Error()}
	case ex.Err != nil:
		return Release{Note: "reading the release: " + ex.Err.Error()}
	case ex.Status() != http.StatusOK:
		return Release{Note: fmt.Sprintf("reading the release: HTTP %d", ex.Status())}
	}
	var r Release
	switch product {
	case "epm":
		r = epm(ex.RawBody())
	case "essbase":
		r = essbase(ex.RawBody())
	}
	if r.Version == "" && r.Note == "" {
		r.Note = "the answer names no release"
	}
	return r
}

// epm reads the latest item's serverVersion, or the first item's when none
// says it is the latest.
func epm(body []byte) Release {
	var a struct {
		Items []struct {
			Latest        *bool  `json:"latest"`
			ServerVersion string `json:"serverVersion"`
			BuildVersion  string `json:"buildVersion"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return Release{Note: "the versions answer is not the documented JSON: " + err.Error()}
	}
	for _, it := range a.Items {
		if it.Latest != nil && *it.Latest {
			return Release{Version: it.ServerVersion, Build: it.BuildVersion}
		}
	}
	if len(a.Items) > 0 {
		return Release{Version: a.Items[0].ServerVersion, Build: a.Items[0].BuildVersion}
	}
	return Release{}
}

func essbase(body []byte) Release {
	var a struct {
		Version string `json:"version"`
		Build   string `json:"build"`
	}
	if err := json.Unmarshal(body, &a); err != nil {
		return Release{Note: "the About answer is not the documented JSON: " + err.Error()}
	}
	return Release{Version: a.Version, Build: a.Build}
}
