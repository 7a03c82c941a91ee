package cli

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at release time by the linker
// (-X github.com/oracle-users-conformance/conformance/internal/cli.Version=…,
// .goreleaser.yaml); a binary built otherwise reports what the Go build
// recorded: the module version and the VCS revision.
var (
	Version = ""
	Commit  = ""
)

// versionCmd prints "conformance VERSION (commit COMMIT, GOOS/GOARCH, go VERSION)".
func versionCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "conformance version: unexpected arguments %q\n", args)
		return ExitBadConfig
	}
	v, c := buildVersion()
	fmt.Fprintf(stdout, "conformance %s (commit %s, %s/%s, %s)\n", v, c, runtime.GOOS, runtime.GOARCH, runtime.Version())
	return ExitPass
}

// buildVersion is the linker's version and commit, else the build info's.
func buildVersion() (version, commit string) {
	version, commit = Version, Commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if version == "" && info.Main.Version != "" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && commit == "" {
				commit = s.Value
			}
		}
	}
	if version == "" {
		version = "(devel)"
	}
	if commit == "" {
		commit = "unknown"
	}
	return version, commit
}
