package contract

import (
	"sync"

	"github.com/oracle-users-conformance/conformance/specs"
)

var builtin struct {
	once sync.Once
	cat  *Catalog
	err  error
}

// Builtin is the catalog of the specs built into the binary, loaded once
// per process: the run, the deviations and the coverage share it, and it
// is only read once loaded.
func Builtin() (*Catalog, error) {
	builtin.once.Do(func() { builtin.cat, builtin.err = Load(specs.FS) })
	return builtin.cat, builtin.err
}
