package cli

import (
	"flag"
	"io"
	"slices"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/shard"
)

// Users script against the flags and variables: this pins the complete
// lists as they were when the settings became one table, so a rename or a
// lost name fails here. A new name is added to the lists on purpose.
func TestFlagAndVariableNamesAreStable(t *testing.T) {
	rf := newRunFlags("run", io.Discard)
	var flags []string
	rf.fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f.Name) })
	wantFlags := []string{"allow-mutations", "allow-refusals", "baseline", "breaker", "claim", "config", "embedded-mock",
		"epm-url", "essbase-url", "fixtures", "job-breaker", "label-filter", "oig-url", "pace", "plan",
		"poll-interval", "poll-limit", "proc", "procs", "rate", "report-dir", "secrets", "seed", "shard", "target",
		"timeout", "verbose", "workers"}
	if !slices.Equal(flags, wantFlags) {
		t.Errorf("flags of run, config, doctor and init:\n got %q\nwant %q", flags, wantFlags)
	}
	wantEnv := []string{"CONFORMANCE_TARGET", "CONFORMANCE_USER", "CONFORMANCE_PASSWORD", "CONFORMANCE_TOKEN",
		"CONFORMANCE_TOKEN_FILE", "CONFORMANCE_TOKEN_COMMAND", "CONFORMANCE_NONADMIN_USER",
		"CONFORMANCE_NONADMIN_PASSWORD", "CONFORMANCE_THROWAWAY_USER", "CONFORMANCE_THROWAWAY_PASSWORD",
		"CONFORMANCE_SECRETS_FILE", "CONFORMANCE_ALLOW_MUTATIONS", "CONFORMANCE_ALLOW_REFUSALS",
		"CONFORMANCE_POLL_INTERVAL", "CONFORMANCE_POLL_LIMIT", "CONFORMANCE_SEED", "CONFORMANCE_TIMEOUT",
		"CONFORMANCE_RATE", "CONFORMANCE_WORKERS"}
	for _, p := range []string{"EPM", "ESSBASE", "OIG"} {
		for _, s := range []string{"URL", "USER", "PASSWORD", "TOKEN", "TOKEN_FILE", "TOKEN_COMMAND",
			"NONADMIN_USER", "NONADMIN_PASSWORD", "THROWAWAY_USER", "THROWAWAY_PASSWORD"} {
			wantEnv = append(wantEnv, "CONFORMANCE_"+p+"_"+s)
		}
	}
	got := config.EnvNames()
	slices.Sort(got)
	slices.Sort(wantEnv)
	if !slices.Equal(got, wantEnv) {
		t.Errorf("variables of run, config, doctor and init:\n got %q\nwant %q", got, wantEnv)
	}
	if MockAddrEnv != "CONFORMANCE_MOCK_ADDR" || shard.TotalEnv != "CONFORMANCE_SHARD_TOTAL" {
		t.Errorf("renamed: %s, %s", MockAddrEnv, shard.TotalEnv)
	}
	var mockEnvNames []string
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	fs.String("client-report", "", "")
	if err := mockEnv(fs, func(name string) (string, bool) { mockEnvNames = append(mockEnvNames, name); return "", false }); err != nil || !slices.Equal(mockEnvNames, []string{"CONFORMANCE_MOCK_CLIENT_REPORT"}) {
		t.Errorf("mock flags read %q (%v), want CONFORMANCE_MOCK_<FLAG>", mockEnvNames, err)
	}
}
