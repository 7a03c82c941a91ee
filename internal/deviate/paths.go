package deviate

import (
	"fmt"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/opid"
)

// The paths the deviations act on come from the spec catalog by
// operationId, never typed again: an operation renamed or gone stops every
// program that loads the deviations, and their tests, at start.
var (
	catalog = mustCatalog()

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

func mustCatalog() *contract.Catalog {
	c, err := contract.Builtin()
	if err != nil {
		panic(fmt.Sprintf("deviate: the specs do not load: %v", err))
	}
	return c
}

// opPath is an operation's path with the given parameters filled in.
func opPath(id string, params map[string]string) string {
	op, ok := catalog.Operation(id)
	if !ok {
		panic(fmt.Sprintf("deviate: no operation %q in specs/", id))
	}
	return op.Fill(params)
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
