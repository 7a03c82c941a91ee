// Package mocktest starts the mock from its shipped seed inside a Go test,
// as net/http/httptest starts a server: the one place tests read and parse
// fixtures/mock/seed.yaml.
package mocktest

import (
	"testing"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/mock"
)

// SeedFile is the shipped seed's path in fixtures.FS.
const SeedFile = "mock/seed.yaml"

// Seed is the shipped seed, parsed; the test stops when it does not parse.
func Seed(t testing.TB) mock.Seed {
	t.Helper()
	data, err := fixtures.FS.ReadFile(SeedFile)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := mock.ParseSeed(data)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// New is a mock with opts and the shipped seed, closed when the test ends.
func New(t testing.TB, opts mock.Options) *mock.Server {
	t.Helper()
	opts.Seed = Seed(t)
	m, err := mock.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}
