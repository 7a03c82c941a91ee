package deviate

import (
	"fmt"
	"strings"
	"sync"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// The paths the deviations act on come from the specs by operationId
// (opid, generated from specs/), never typed again: an operation renamed or
// gone breaks the build. They are read from opid's templates rather than
// from the loaded catalog, which costs a program about 80 ms of CPU at
// start: every mock and proxy process loads this package, and most never
// need the catalog (catalog, below, loads it on first use).
var (
	epm2Path     = opPath(opid.UpdateUsersV2, nil)
	epm1Submit   = opPath(opid.UpdateUsersV1, map[string]string{"api_version": "v1"})
	epm1JobsPart = opPrefix(opid.GetUsersJobV1, "{jobId}", map[string]string{"api_version": "v1"})
	epm1Snapshot = opPrefix(opid.EpmUploadFile, "{name}", nil)
	essbaseUsers = opPath(opid.EssbaseAddUsers, nil)
	oigUsersPath = opPath(opid.OigUpdateUsers, nil)
	// epm1Security is the v1 security resource's root: every path the
	// v1 submit and job status share, up to their {api_version}.
	epm1Security = opPrefix(opid.UpdateUsersV1, "{api_version}", nil)
)

// catalog is the specs' catalog, loaded when first needed: to place a
// request in a play's scope, and for the spec's OIG field list.
var catalog = sync.OnceValue(func() *contract.Catalog {
	c, err := contract.Builtin()
	if err != nil {
		panic(fmt.Sprintf("deviate: the specs do not load: %v", err))
	}
	return c
})

// opPath is an operation's path with the given parameters filled in.
func opPath(id string, params map[string]string) string {
	template, ok := opid.Templates[id]
	if !ok {
		panic(fmt.Sprintf("deviate: no operation %q in specs/", id))
	}
	return contract.FillPath(template, params)
}

// opPrefix is an operation's path up to one of its parameters.
func opPrefix(id, param string, params map[string]string) string {
	p := opPath(id, params)
	i := strings.Index(p, param)
	if i < 0 {
		panic(fmt.Sprintf("deviate: operation %q has no %s in its path %s", id, param, p))
	}
	return p[:i]
}
