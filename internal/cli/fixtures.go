package cli

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// fixturesOf is the built-in copy of the fixtures unless --fixtures names
// a directory, as for run.
func fixturesOf(dir string) (fs.FS, error) {
	if dir == "" {
		return fixtures.FS, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("fixtures %q is not a directory", dir)
	}
	return os.DirFS(dir), nil
}

// varsCatalogue describes the vars keys; a fixtures directory of the
// user's own without vars.yaml names them bare.
func varsCatalogue(fx fs.FS) varscat.Catalogue {
	c, err := varscat.Load(fx)
	if err != nil {
		return nil
	}
	return c
}
