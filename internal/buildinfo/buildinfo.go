// Package buildinfo says which build of the tool is running: the module
// version and VCS revision the Go toolchain recorded in the binary. The
// audit bundle records them (internal/bundle). A release build that sets
// its version with the linker can pass it instead (Read's callers take
// their own values first).
package buildinfo

import "runtime/debug"

// Read is the module version ("(devel)" when built from a work tree) and
// the VCS revision ("unknown" when the build recorded none).
func Read() (version, commit string) {
	version, commit = "(devel)", "unknown"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return version, commit
	}
	if info.Main.Version != "" {
		version = info.Main.Version
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			commit = s.Value
		}
	}
	return version, commit
}
