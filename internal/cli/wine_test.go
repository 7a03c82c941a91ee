package cli_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/report"
)

// The windows/amd64 binary runs its own embedded mock run where Wine is
// available: its fixtures (CSV files with their own line endings among
// them), the mock's temporary upload directory and the reports all go
// through Windows paths. Without Wine the test skips and says so.
func TestWindowsBinaryUnderWine(t *testing.T) {
	t.Parallel()
	wine := ""
	for _, name := range []string{"wine", "wine64"} {
		if p, err := exec.LookPath(name); err == nil {
			wine = p
			break
		}
	}
	if wine == "" {
		t.Skip("!! SKIPPED: no wine on PATH (Debian: apt-get install wine): the windows/amd64 binary is cross-compiled by make release but not run here")
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "conformance.exe")
	build := exec.Command("go", "build", "-o", exe,
		"-ldflags", "-X github.com/oracle-users-conformance/conformance/internal/cli.Version=9.8.7-wine",
		"github.com/oracle-users-conformance/conformance/cmd/conformance")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build windows/amd64: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	env := append(cleanEnv(), "WINEDEBUG=-all", "WINEPREFIX="+filepath.Join(dir, "wineprefix"), "WINEDLLOVERRIDES=mscoree,mshtml=")
	version := func() (string, error) {
		v := exec.CommandContext(ctx, wine, exe, "version")
		v.Env = env
		out, err := v.CombinedOutput()
		return string(out), err
	}
	out, err := version()
	if strings.Contains(out, "bcryptprimitives.dll not found") {
		// Go's Windows runtime draws its random numbers from ProcessPrng
		// in bcryptprimitives.dll (Windows 10 and later), which older Wine
		// releases (Debian 12's 8.0) do not provide: such a Wine cannot
		// start any current Go program, ours or another. With a MinGW
		// compiler the test gives this Wine a ProcessPrng of its own.
		if reason := shimProcessPrng(ctx, filepath.Join(dir, "wineprefix")); reason != "" {
			t.Skipf("!! SKIPPED: %s cannot start a Go program: it lacks bcryptprimitives.dll, which Go's Windows runtime needs (a newer Wine has it), and %s", wine, reason)
		}
		env = append(env, "WINEDLLOVERRIDES=bcryptprimitives=n;mscoree,mshtml=")
		out, err = version()
	}
	if err != nil || !strings.Contains(out, "conformance 9.8.7-wine") || !strings.Contains(out, "windows/amd64") {
		t.Fatalf("wine conformance.exe version: %v\n%s", err, out)
	}
	reports := filepath.Join(dir, "reports")
	run := exec.CommandContext(ctx, wine, exe, "run", "--label-filter", "api:epm-v1 && !generated", "--report-dir", reports)
	run.Env = env
	runOut, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("wine conformance.exe run: %v\n%s", err, tail(string(runOut), 40))
	}
	r, err := report.LoadJSON(filepath.Join(reports, "report.json"))
	if err != nil {
		t.Fatalf("the Windows run's report.json: %v", err)
	}
	passed := 0
	for _, s := range r.Scenarios {
		if s.Outcome == report.Passed {
			passed++
		}
	}
	if passed == 0 || r.Verdict == "" {
		t.Errorf("the Windows run passed %d scenarios, verdict %q", passed, r.Verdict)
	}
	for _, f := range []string{"junit.xml", "report.html", "summary.md", "effective-config.yaml"} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Errorf("the Windows run wrote no %s: %v", f, err)
		}
	}
}

// processPrng is bcryptprimitives.dll's one function Go's runtime calls,
// over the RtlGenRandom every Wine has: for Wine releases without it.
const processPrng = `#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
	while (len > 0) {
		ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
		if (!SystemFunction036(data, n)) return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
`

// shimProcessPrng builds processPrng with MinGW into the Wine prefix's
// system32, where Go's runtime looks for it (it loads system DLLs from
// system32 only); it returns why it could not, or "".
func shimProcessPrng(ctx context.Context, prefix string) string {
	cc, err := exec.LookPath("x86_64-w64-mingw32-gcc")
	if err != nil {
		return "no MinGW compiler (x86_64-w64-mingw32-gcc; Debian: apt-get install gcc-mingw-w64-x86-64-win32) to give it one"
	}
	system32 := filepath.Join(prefix, "drive_c", "windows", "system32")
	if _, err := os.Stat(system32); err != nil {
		return "the Wine prefix has no system32: " + err.Error()
	}
	src := filepath.Join(prefix, "processprng.c")
	if err := os.WriteFile(src, []byte(processPrng), 0o644); err != nil {
		return err.Error()
	}
	if out, err := exec.CommandContext(ctx, cc, "-shared", "-O2", "-o", filepath.Join(system32, "bcryptprimitives.dll"), src, "-ladvapi32").CombinedOutput(); err != nil {
		return fmt.Sprintf("building its ProcessPrng failed: %v\n%s", err, out)
	}
	return ""
}
