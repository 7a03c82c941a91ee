// Command gen writes the settings table's list into the README
// (config.SpliceSettings): `go generate ./internal/config`.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/oracle-users-conformance/conformance/internal/config"
)

func main() {
	readme := flag.String("readme", "README.md", "the README to update in place")
	flag.Parse()
	doc, err := os.ReadFile(*readme)
	if err == nil {
		doc, err = config.SpliceSettings(doc)
	}
	if err == nil {
		err = os.WriteFile(*readme, doc, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
