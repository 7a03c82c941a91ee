package contract

import (
	"bufio"
	"bytes"
	"strings"
)

// methods are the keys of a path item that are operations.
var methods = map[string]bool{"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true}

// methodLines finds, in a spec's YAML text, the line of every operation's
// method key, by path template and method. It reads the layout the specs
// of this project are written in (block style: "paths:" at the left
// margin, each path one indent in, its methods one further), which
// TestLinesAreTheOrigins holds to kin-openapi's own origins for every
// operation; an operation it cannot place gets 0, as it had without
// origins.
func methodLines(data []byte) map[[2]string]int {
	out := map[[2]string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	inPaths := false
	pathIndent, path, childIndent := -1, "", -1
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		indent := len(line) - len(trimmed)
		if indent == 0 {
			inPaths = strings.HasPrefix(trimmed, "paths:")
			pathIndent, path, childIndent = -1, "", -1
			continue
		}
		if !inPaths {
			continue
		}
		key, _, ok := strings.Cut(trimmed, ":")
		if !ok {
			continue
		}
		key = strings.Trim(key, `"'`)
		switch {
		case pathIndent < 0 || indent == pathIndent:
			if strings.HasPrefix(key, "/") {
				pathIndent, path, childIndent = indent, key, -1
			}
		case path != "" && indent > pathIndent:
			// The path item's own keys are its first indent; a method
			// name deeper in (a property called "delete") is no method.
			if childIndent < 0 {
				childIndent = indent
			}
			if indent == childIndent && methods[key] {
				out[[2]string{path, key}] = n
			}
		}
	}
	return out
}
