package runner

import (
	"io/fs"

	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// varsCatalogue describes the vars keys; a fixtures directory of the
// user's own without vars.yaml names the keys bare.
func varsCatalogue(fx fs.FS) varscat.Catalogue {
	c, err := varscat.Load(fx)
	if err != nil {
		return nil
	}
	return c
}
