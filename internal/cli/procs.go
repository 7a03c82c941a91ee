package cli

// --procs N: one run as N processes of this binary, one console and one
// set of reports; the processes take the scenarios from one board as they
// go (internal/claim), so the run is as long as its work, not as its
// busiest static part. Ginkgo's RunSpecs runs once per process,
// so parallel runs need processes; the embedded mock is started here once
// and shared by them.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/oracle-users-conformance/conformance/fixtures"
	"github.com/oracle-users-conformance/conformance/internal/claim"
	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/report"
	"github.com/oracle-users-conformance/conformance/internal/runner"
)

func procsRun(rf *runFlags, args []string, cfg config.Config, stdout, stderr io.Writer) int {
	n := rf.procs
	if rf.opts.Shard != "" || rf.opts.Plan {
		fmt.Fprintln(stderr, "conformance run: --procs runs every shard itself; it does not combine with --shard or --plan")
		return ExitBadConfig
	}
	var child []string
	rf.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "procs", config.ReportDirSetting.Flag, "shard", "claim", "proc":
		default:
			child = append(child, "--"+f.Name+"="+f.Value.String())
		}
	})
	if !cfg.AnyTarget() {
		srv, l, err := runner.StartMock(fixtures.FS, runner.EmbeddedOptions())
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: %v\n", err)
			return ExitBadConfig
		}
		defer func() { l.Close(); srv.Close() }()
		child = append(child, "--embedded-mock=http://"+l.Addr().String())
		if !cfg.Explicit(config.PollIntervalSetting) {
			child = append(child, config.PollIntervalSetting.Arg(runner.EmbeddedPoll.String()))
		}
		fmt.Fprintf(stdout, "embedded mock listening on http://%s, shared by %d processes\n", l.Addr(), n)
	} else if rate := runner.ForeignRate(cfg); rate > 0 {
		// One rate per product, however many processes (pace.go).
		url, stop, err := servePace(rate)
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: %v\n", err)
			return ExitBadConfig
		}
		defer stop()
		child = append(child, "--pace="+url)
	}
	// Every process walks every scenario and runs those the board gives
	// it (internal/claim): no part waits on another's share of the users.
	board := claim.NewBoard()
	claimURL, stopBoard, err := serveLoopback(board.Handler())
	if err != nil {
		fmt.Fprintf(stderr, "conformance run: the processes' board: %v\n", err)
		return ExitBadConfig
	}
	defer stopBoard()
	tmp, err := os.MkdirTemp("", "conformance-procs-")
	if err != nil {
		fmt.Fprintf(stderr, "conformance run: %v\n", err)
		return ExitBadConfig
	}
	defer os.RemoveAll(tmp)
	// A signal reaches every child (same process group from a terminal; a
	// CI runner's SIGTERM is passed on), each finishes its undos and writes
	// its report; the merge below still runs.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var cmds []*exec.Cmd
	go func() {
		select {
		case s := <-sigs:
			mu.Lock()
			for _, c := range cmds {
				if c.Process != nil {
					_ = c.Process.Signal(s)
				}
			}
			mu.Unlock()
		case <-ctx.Done():
		}
	}()
	var wg sync.WaitGroup
	var outMu sync.Mutex
	codes := make([]int, n)
	for k := 1; k <= n; k++ {
		dir := filepath.Join(tmp, fmt.Sprint(k))
		a := append([]string{"run", "--claim=" + claimURL, fmt.Sprintf("--proc=%d", k), config.ReportDirSetting.Arg(dir)}, child...)
		cmd := exec.Command(os.Args[0], a...)
		cmd.Env = os.Environ()
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: %v\n", err)
			return ExitBadConfig
		}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			fmt.Fprintf(stderr, "conformance run: starting process %d: %v\n", k, err)
			return ExitBadConfig
		}
		mu.Lock()
		cmds = append(cmds, cmd)
		mu.Unlock()
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			sc := bufio.NewScanner(pipe)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			inSummary := false
			for sc.Scan() {
				line := sc.Text()
				// Each process's own summary is replaced by the merged one.
				if strings.HasPrefix(line, "Conformance summary:") {
					inSummary = true
				}
				if inSummary || strings.HasPrefix(line, "embedded mock") {
					continue
				}
				outMu.Lock()
				fmt.Fprintf(stdout, "[%d/%d] %s\n", k, n, line)
				outMu.Unlock()
			}
			_ = cmd.Wait()
			board.Gone(k) // what it still held is free for the others
			codes[k-1] = cmd.ProcessState.ExitCode()
		}(k)
	}
	wg.Wait()
	var runs []*report.Run
	for k := 1; k <= n; k++ {
		if codes[k-1] == ExitBadConfig {
			fmt.Fprintf(stderr, "conformance run: process %d stopped on its configuration\n", k)
			return ExitBadConfig
		}
		r, err := report.LoadJSON(filepath.Join(tmp, fmt.Sprint(k), "report.json"))
		if err != nil {
			fmt.Fprintf(stderr, "conformance run: process %d wrote no report: %v\n", k, err)
			return ExitInconclusive
		}
		runs = append(runs, r)
	}
	merged, err := report.Merge(runs...)
	if err != nil {
		fmt.Fprintf(stderr, "conformance run: merging the processes' reports: %v\n", err)
		return ExitInconclusive
	}
	if err := os.MkdirAll(cfg.ReportDir, 0o755); err == nil {
		_ = os.WriteFile(filepath.Join(cfg.ReportDir, "effective-config.yaml"), []byte(cfg.YAML()), 0o644)
	}
	code := report.ExitCode(merged.Verdict)
	if err := report.WriteAll(cfg.ReportDir, merged); err != nil {
		fmt.Fprintf(stderr, "conformance run: writing reports: %v\n", err)
		code = ExitBadConfig
	}
	runner.PrintSummary(stdout, merged, cfg.ReportDir)
	return code
}
