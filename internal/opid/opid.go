// Package opid names every operation of the specs as a Go constant, so code
// that means one operation says so in a way the compiler checks: a renamed
// or removed operationId breaks the build, not a run. The constants are
// generated from specs/*.yaml (gen/); nothing else types an operationId.
package opid

//go:generate go run ./gen -out opid_gen.go
