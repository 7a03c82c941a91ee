// Command conformance checks that Oracle EPM Cloud, Essbase and Oracle
// Identity Governance user-management REST APIs behave as documented, and
// serves a simulator of them. See README.md.
package main

import (
	"os"

	"github.com/oracle-users-conformance/conformance/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
