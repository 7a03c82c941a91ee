package deviate

import (
	"fmt"
	"strings"

	"github.com/oracle-users-conformance/conformance/internal/contract"
)

// The paths the deviations act on come from the spec catalog by
// operationId, never typed again: an operation renamed or gone stops every
// program that loads the deviations, and their tests, at start.
var (
	catalog = mustCatalog()

	epm2Path     = opPath("updateUsersV2", nil)
	epm1Submit   = opPath("updateUsersV1", map[string]string{"api_version": "v1"})
	epm1JobsPart = opPrefix("getUsersJobV1", "{jobId}", map[string]string{"api_version": "v1"})
	epm1Snapshot = opPrefix("epmUploadFile", "{name}", nil)
	essbaseUsers = opPath("essbaseAddUsers", nil)
	oigUsersPath = opPath("oigUpdateUsers", nil)
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
	p := op.Path
	for k, v := range params {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	return p
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
