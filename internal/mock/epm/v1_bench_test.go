package epm_test

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/csvfile"
	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

// writeRows generates the big file at run time (it is not committed): rows
// cycle over the seeded users so every row succeeds, or name users that do
// not exist so every row fails and lands in items.
func writeRows(b *testing.B, path string, rows int, unknown bool) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := csvfile.NewWriter(bw)
	if err != nil {
		b.Fatal(err)
	}
	users := []string{"jdoe", "chris", "alex", "jeff", "mona"}
	for i := range rows {
		login := users[i%len(users)]
		if unknown {
			login = fmt.Sprintf("ghost%07d", i)
		}
		if err := w.Write(csvfile.Row{FirstName: fmt.Sprintf("First %d", i), LastName: "Last, Name", Email: fmt.Sprintf("%s.%d@example.com", login, i), UserLogin: login}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	st, _ := f.Stat()
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// peakHeap samples the live heap (runtime/metrics, no stop-the-world) every
// millisecond until stop is called, and returns the highest value seen.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// median of a non-empty list (sorted in place).
func median(v []float64) float64 {
	sort.Float64s(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// readCeiling reads the file with encoding/csv alone (a 64 KiB buffer, one
// reused record, no work per row): the fastest the machine reads a file of
// this shape, the figure the job's rate is a ratio to.
func readCeiling(b *testing.B, path string, rows int) time.Duration {
	b.Helper()
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	r.ReuseRecord = true
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != rows+1 {
		b.Fatalf("ceiling read %d records, want %d", n, rows+1)
	}
	return time.Since(start)
}

// BenchmarkV1Job1M measures one Update Users v1 job over a 1,000,000-row
// file, end to end through HTTP: upload (streamed from disk), PUT, poll
// every 10ms until done. Reported, as medians over the iterations: rows/s
// of the whole flow, ceiling-rows/s (readCeiling on the same file, in the
// same iteration) and their ratio within each iteration; the highest heap
// seen during any job, the garbage one job makes, and the job's answer size.
//
//	go test -run '^$' -bench BenchmarkV1Job1M -benchtime 3x ./internal/mock/epm/
func BenchmarkV1Job1M(b *testing.B) {
	const rows = 1_000_000
	for _, tc := range []struct {
		name    string
		unknown bool
	}{{"all-succeed", false}, {"all-fail", true}} {
		b.Run(tc.name, func(b *testing.B) {
			src := filepath.Join(b.TempDir(), "users.csv")
			size := writeRows(b, src, rows, tc.unknown)
			dir := auth.New([]auth.Account{{Login: "admin", Password: "pw", Roles: map[string][]string{auth.EPM: {"Identity Domain Administrator", "Service Administrator"}}}})
			s := epm.New(dir, epm.Seed{Users: []epm.User{
				{Login: "jdoe"}, {Login: "chris"}, {Login: "alex"}, {Login: "jeff"}, {Login: "mona"},
			}}, epm.Options{JobDuration: -1, MaxUpload: 1 << 30, FileDir: b.TempDir()}, nil)
			defer s.Close()
			mux := http.NewServeMux()
			s.Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			do := func(method, path, ctype string, body *os.File, form string) *http.Response {
				var req *http.Request
				var err error
				if body != nil {
					req, err = http.NewRequest(method, srv.URL+path, body)
				} else {
					req, err = http.NewRequest(method, srv.URL+path, strings.NewReader(form))
				}
				if err != nil {
					b.Fatal(err)
				}
				req.SetBasicAuth("admin", "pw")
				if ctype != "" {
					req.Header.Set("Content-Type", ctype)
				}
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				return res
			}
			answerBuf := make([]byte, 64<<10)
			var jobRates, ceilRates, ratios []float64
			// Phases, each as a share of the iteration's ceiling, so the
			// figure says which part of the flow is far from it: the upload,
			// the job (from its submission to the start of the poll that
			// found it done, so up to one poll interval more than the job),
			// and that last poll with the answer read in full.
			var uploadShares, jobShares, answerShares []float64
			var jobAlloc, peak uint64
			var answerBytes int64
			b.ResetTimer()
			for i := range b.N {
				// The ceiling first, on the same file, in the same process
				// and iteration, so the ratio holds however loaded the
				// machine is; it is not part of ns/op.
				b.StopTimer()
				ceil := readCeiling(b, src, rows)
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				stop := peakHeap()
				b.StartTimer()
				start := time.Now()
				name := fmt.Sprintf("users-%d.csv", i)
				f, err := os.Open(src)
				if err != nil {
					b.Fatal(err)
				}
				res := do("POST", "/interop/rest/11.1.2.3.600/applicationsnapshots/"+name+"/contents", "application/octet-stream", f, "")
				_ = res.Body.Close()
				_ = f.Close()
				if res.StatusCode != 200 {
					b.Fatalf("upload: %d", res.StatusCode)
				}
				uploaded := time.Now()
				res = do("PUT", "/interop/rest/security/v1/users", "application/x-www-form-urlencoded", nil, url.Values{"jobtype": {"UPDATE_USERS"}, "filename": {name}}.Encode())
				_ = res.Body.Close()
				var lastPoll time.Time
				for {
					lastPoll = time.Now()
					// The job ID is predictable in the mock: 1001, 1002, ...
					res = do("GET", fmt.Sprintf("/interop/rest/security/v1/jobs/%d", 1001+i), "", nil, "")
					head := make([]byte, 1024)
					n, _ := io.ReadFull(res.Body, head)
					// The answer is read with the ceiling's 64 KiB buffer
					// (io.Copy to io.Discard would read 8 KiB at a time,
					// a cost of this client, not of the mock).
					rest, _ := io.CopyBuffer(struct{ io.Writer }{io.Discard}, res.Body, answerBuf)
					_ = res.Body.Close()
					if !strings.Contains(string(head[:n]), `"status":-1`) {
						answerBytes = int64(n) + rest
						ok, failed := rows, 0
						if tc.unknown {
							ok, failed = 0, rows
						}
						want := fmt.Sprintf(`"details":"Processed - %d, Succeeded - %d, Failed - %d.","status":0`, rows, ok, failed)
						if !strings.Contains(string(head[:n]), want) {
							b.Fatalf("job answer %s; want %s", head[:n], want)
						}
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				job := time.Since(start)
				b.StopTimer()
				peak = max(peak, stop())
				runtime.ReadMemStats(&after)
				jobAlloc += after.TotalAlloc - before.TotalAlloc
				jobRates = append(jobRates, rows/job.Seconds())
				ceilRates = append(ceilRates, rows/ceil.Seconds())
				ratios = append(ratios, ceil.Seconds()/job.Seconds())
				uploadShares = append(uploadShares, uploaded.Sub(start).Seconds()/ceil.Seconds())
				jobShares = append(jobShares, lastPoll.Sub(uploaded).Seconds()/ceil.Seconds())
				answerShares = append(answerShares, (job-lastPoll.Sub(start)).Seconds()/ceil.Seconds())
				b.StartTimer()
			}
			b.StopTimer()
			// Medians: one iteration slowed by a neighbour does not move them,
			// and the ratio is taken within each iteration.
			b.ReportMetric(median(jobRates), "rows/s")
			b.ReportMetric(median(ceilRates), "ceiling-rows/s")
			b.ReportMetric(median(ratios), "ratio")
			b.ReportMetric(median(uploadShares), "upload-ceilings")
			b.ReportMetric(median(jobShares), "job-ceilings")
			b.ReportMetric(median(answerShares), "answer-ceilings")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(jobAlloc)/float64(b.N)/(1<<20), "alloc-MiB/op")
			b.ReportMetric(float64(size)/(1<<20), "file-MiB")
			b.ReportMetric(float64(answerBytes)/(1<<20), "answer-MiB")
		})
	}
}
