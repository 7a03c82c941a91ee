package mock_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock"
	"github.com/oracle-users-conformance/conformance/internal/mock/epm"
)

// Latency less Jitter is the least every answer takes, and it adds to the
// v1 job's own duration rather than replacing it. Only lower bounds are
// asserted: a loaded machine may always be slower.
func TestLatency(t *testing.T) {
	const latency, jitter, job = 60 * time.Millisecond, 20 * time.Millisecond, 150 * time.Millisecond
	m, err := mock.New(mock.Options{Seed: loadSeed(t, "mock/seed.yaml"), Latency: latency, Jitter: jitter,
		EPM: epm.Options{JobDuration: job, FileDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(func() { srv.Close(); _ = m.Close() })
	c := &client{t: t, base: srv.URL, hc: srv.Client(), user: "admin", pass: "Welcome1"}
	for i := range 5 {
		start := time.Now()
		if a := c.do("GET", essbasePath+"/jenp", "", nil); a.status != 200 {
			t.Fatalf("GET: %d %s", a.status, a.raw)
		}
		if d := time.Since(start); d < latency-jitter {
			t.Errorf("request %d answered after %v, less than %v", i, d, latency-jitter)
		}
	}
	// upload, submit, at least one poll, delete: four or more delayed
	// requests, and the job alone stays in progress for job.
	start := time.Now()
	if j := c.epmV1("latency.csv", "jdoe", "John", "Doe", "jdoe@example.com"); j.json["status"] != 0.0 {
		t.Fatalf("job: %s", j.raw)
	}
	if d, least := time.Since(start), job+2*(latency-jitter); d < least {
		t.Errorf("the v1 flow took %v, less than the job's %v plus two delayed answers", d, job)
	}
}

// Without Latency nothing waits (the default stays as fast as before).
func BenchmarkNoLatency(b *testing.B) {
	m, err := mock.New(mock.Options{Seed: loadSeed(b, "mock/seed.yaml")})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		req := httptest.NewRequest("GET", essbasePath+"/jenp", nil)
		req.SetBasicAuth("admin", "Welcome1")
		m.ServeHTTP(httptest.NewRecorder(), req)
	}
}
