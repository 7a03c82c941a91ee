package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/oracle-users-conformance/conformance/specs"
)

// TestGeneratedIsCurrent fails while internal/opid/opid_gen.go is not what
// the specs generate: an operation added, renamed or moved in specs/ needs
// `go generate ./internal/opid`.
func TestGeneratedIsCurrent(t *testing.T) {
	want, err := Source(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../opid_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/opid/opid_gen.go is stale: run `go generate ./internal/opid`")
	}
}

func TestStaleIsNoticed(t *testing.T) {
	src, err := Source(specs.FS)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(`EssbaseAddUsers = "essbaseAddUsers"`)) {
		t.Fatalf("the generated file lacks a constant of the specs:\n%s", src)
	}
}
