// Package report is the typed result of one conformance run and every
// reporter over it. The runner fills a Run from the scenarios themselves
// (never parsed back from labels or spec text); JUnit, report.json,
// report.html, the markdown summary, drift between two runs, merging of
// shards and the baseline of accepted deviations all read this one model, so
// adding a format means adding one reporter.
//
// The runner fills a Run and calls Finish (order, counts, verdict), then
// ApplyBaseline when a baseline is given, then WriteAll (junit.xml,
// report.json, report.html, summary.md). ExitCode maps the verdict to the
// process's exit code.
//
// Volatile fields differ between two runs of the same scenarios against the
// same target: Run.Started, Run.Seconds, Run.RunID, Run.Throttled.Seconds,
// Product.URL, Scenario.Seconds, Exchange.Millis and Exchange.Waits, and
// inside values the run suffix, product URLs and hosts, timestamps, UUIDs,
// durations and id-like numbers. Normalize blanks and rewrites them; golden
// files and Diff compare normalised runs. report.schema.json marks them
// VOLATILE too.
package report

// Version is the version of report.json's shape; it changes when a field
// changes meaning or goes away (adding a field does not change it).
const Version = 1

// Outcome is what became of one scenario. The runner keeps these apart so
// that "failed" only ever means the target answered and broke a documented
// rule.
type Outcome string

const (
	Passed Outcome = "passed"
	// Failed: the target answered and broke a documented rule.
	Failed Outcome = "failed"
	// Skipped: not run on purpose, with the reason (not covered by the
	// config, needs an account the config lacks, refused by the safety tier).
	Skipped Outcome = "skipped"
	// NotRun: the run was interrupted, or a product's breaker opened, before
	// the scenario started.
	NotRun Outcome = "not run"
	// Inconclusive: no usable answer (refused, reset, DNS, TLS, timeout,
	// throttled past the budget, an answer that is not the API).
	Inconclusive Outcome = "inconclusive"
	// Known: failed, but the baseline lists it as an accepted deviation.
	Known Outcome = "known"
)

// Outcomes lists every outcome in the order reports show them.
var Outcomes = []Outcome{Failed, Inconclusive, NotRun, Known, Skipped, Passed}

// Verdicts of a run.
const (
	VerdictConformant    = "conformant"
	VerdictPartial       = "partial"
	VerdictNotConformant = "not conformant"
	VerdictInconclusive  = "inconclusive"
	VerdictInterrupted   = "interrupted"
	VerdictNothingRan    = "nothing ran"
)

// Run is one run of the suite, or several shards merged into one.
type Run struct {
	Version int    `json:"version"`
	Tool    string `json:"tool"`
	// Started and Seconds are volatile: they differ between two runs of the
	// same target. So are RunID and the hosts in Products.
	Started string  `json:"started"`
	Seconds float64 `json:"seconds"`
	RunID   string  `json:"run_id"`
	Seed    int64   `json:"seed"`
	// LabelFilter and Shard ("2/3") say which scenarios were selected.
	LabelFilter string   `json:"label_filter,omitempty"`
	Shards      []string `json:"shards,omitempty"`
	Verdict     string   `json:"verdict"`
	// Interrupted names the signal or reason that stopped the run early.
	Interrupted string    `json:"interrupted,omitempty"`
	Products    []Product `json:"products"`
	Counts      Counts    `json:"counts"`
	// Notes are sentences a reader needs once, not per scenario: a product
	// whose breaker opened, an insecure TLS switch, throttling waits.
	Notes []string `json:"notes,omitempty"`
	// Leftovers are undos that did not succeed: what the target may still
	// hold that the run created or changed.
	Leftovers []Leftover `json:"leftovers,omitempty"`
	// Throttled counts the waits on 429/503 answers and their total seconds.
	Throttled Throttle   `json:"throttled"`
	Scenarios []Scenario `json:"scenarios"`
	// Baseline is set when --baseline was given.
	Baseline *BaselineResult `json:"baseline,omitempty"`
}

// Product is one of the three services and where this run found it.
type Product struct {
	Name    string `json:"name"` // epm, essbase, oig
	URL     string `json:"url,omitempty"`
	Covered bool   `json:"covered"`
	// Breaker is the sentence said when the product stopped answering.
	Breaker string `json:"breaker,omitempty"`
	// Version and Build are the vendor's release the run saw, read once
	// per run with a read-only request (internal/vendorversion); empty
	// when it could not be read, and VersionNote then says why. Reports
	// show an empty Version as "unknown" (versions.go).
	Version     string `json:"vendor_version,omitempty"`
	Build       string `json:"vendor_build,omitempty"`
	VersionNote string `json:"vendor_version_note,omitempty"`
}

// Counts are the run's outcomes, in all and per API.
type Counts struct {
	Total int                        `json:"total"`
	By    map[Outcome]int            `json:"by_outcome"`
	ByAPI map[string]map[Outcome]int `json:"by_api"`
}

// Throttle sums the waits for Retry-After.
type Throttle struct {
	Waits   int     `json:"waits"`
	Seconds float64 `json:"seconds"`
}

// Leftover is an undo that did not succeed.
type Leftover struct {
	Scenario string `json:"scenario"`
	Undo     string `json:"undo"` // e.g. "DELETE https://…/essbase/rest/v1/users/cnfab12u001"
	Error    string `json:"error"`
}

// Scenario is one scenario's result.
type Scenario struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	API       string   `json:"api"`            // epm-v1, epm-v2, essbase, oig
	Product   string   `json:"product"`        // epm, essbase, oig
	Operation string   `json:"operation"`      // operationId of the main request
	Kind      string   `json:"kind,omitempty"` // payload, csv, error-code, auth, contract
	Labels    []string `json:"labels"`
	Quirk     string   `json:"quirk,omitempty"`
	Generated bool     `json:"generated,omitempty"`
	// Source is the row to edit, relative to the project ("fixtures/scenarios/epm-v2.yaml:42"),
	// or the spec a generated row comes from ("specs/epm-users-v2.yaml").
	Source  string  `json:"source"`
	Outcome Outcome `json:"outcome"`
	// Reason says why a scenario failed, was skipped, not run or
	// inconclusive, in one or a few sentences; on a passed scenario, what
	// it could not judge (a change pending approval, Q-OIG-014).
	Reason string `json:"reason,omitempty"`
	// Seconds is volatile.
	Seconds      float64       `json:"seconds"`
	Violations   []Violation   `json:"violations,omitempty"`
	Observations []Observation `json:"observations,omitempty"`
	Exchanges    []Exchange    `json:"exchanges,omitempty"`
	// Known is the baseline entry that accepted this scenario's failure.
	Known *BaselineEntry `json:"known,omitempty"`
	// StandIns are the users the scenario ran with in place of those the
	// config's vars name (var → user): under --procs or --workers, a
	// shard_vars set whose users were free when its turn came.
	StandIns map[string]string `json:"stand_ins,omitempty"`
	// StandInFor are the users the stand-ins replaced (var → the user
	// vars name): report diff and compare put them back, so a run that
	// got other stand-ins than the last is no drift.
	StandInFor map[string]string `json:"stand_in_for,omitempty"`
}

// Violation is one broken rule.
type Violation struct {
	// Rule names what was broken: one of internal/judge's rules
	// (judge.Rules: contract, expect, invariant, no-5xx) or a flow's own
	// check, "flow:<name>" (judge.FlowRule).
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// Spec points at the spec element when the rule is the contract
	// ("specs/epm-users-v2.yaml#/paths/~1interop~1rest~1security~1v2~1users~1update/put").
	Spec string `json:"spec,omitempty"`
	// Exchange is the index in Exchanges of the answer that broke it, or -1.
	Exchange int `json:"exchange"`
}

// Observation is a value recorded, not asserted: what the target does where
// the documents leave it open, and the facts drift compares (status codes,
// error codes, summary strings).
type Observation struct {
	Key   string `json:"key"`   // "status", "errorCode", "details.faileditems[0].errormessage", …
	Value string `json:"value"` // as JSON text, or the plain string
	Quirk string `json:"quirk,omitempty"`
}

// Exchange is one request and its answer, redacted.
type Exchange struct {
	// Role is why it was sent: setup, request, then, poll, undo, read-before.
	Role      string `json:"role"`
	Operation string `json:"operation,omitempty"`
	// Tier is the safety tier of the request: read, refusal, mutation.
	Tier            string              `json:"tier,omitempty"`
	Method          string              `json:"method"`
	URL             string              `json:"url"`
	RequestHeaders  map[string][]string `json:"request_headers,omitempty"`
	RequestBody     string              `json:"request_body,omitempty"`
	Status          int                 `json:"status,omitempty"`
	ResponseHeaders map[string][]string `json:"response_headers,omitempty"`
	ResponseBody    string              `json:"response_body,omitempty"`
	// Millis is volatile.
	Millis float64 `json:"millis"`
	// Error is the transport failure, when there was no answer.
	Error string `json:"error,omitempty"`
	// Waits are the Retry-After waits before this answer, in seconds.
	Waits []float64 `json:"waits,omitempty"`
}

// BaselineEntry is one accepted deviation.
type BaselineEntry struct {
	ID     string `json:"id" yaml:"id"`
	Reason string `json:"reason" yaml:"reason"`
	Review string `json:"review" yaml:"review"` // YYYY-MM-DD
	// Product is whose release SeenIn, FixedIn and Versions speak of;
	// empty means the product of the scenario.
	Product string `json:"product,omitempty" yaml:"product,omitempty"`
	// SeenIn is the release the deviation was first seen in; FixedIn the
	// release the vendor says fixes it: a failure still there at or after
	// FixedIn is overdue.
	SeenIn  string `json:"seen_in,omitempty" yaml:"seen_in,omitempty"`
	FixedIn string `json:"fixed_in,omitempty" yaml:"fixed_in,omitempty"`
	// Versions is the range of releases the entry applies to (">= 24.10,
	// < 25.01"); outside it the entry does not accept the failure.
	Versions string `json:"versions,omitempty" yaml:"versions,omitempty"`
}

// BaselineResult is what applying a baseline found.
type BaselineResult struct {
	File string `json:"file"`
	// Known are the entries that matched a failure.
	Known []string `json:"known,omitempty"`
	// Stale are entries whose scenario no longer fails (or does not exist).
	Stale []string `json:"stale,omitempty"`
	// Expired are entries whose review date has passed.
	Expired []string `json:"expired,omitempty"`
	// Overdue are entries whose failure is still there at or after their
	// fixed_in release.
	Overdue []string `json:"overdue,omitempty"`
	// OutOfRange are entries that did not apply: the release the run saw
	// is outside their versions range.
	OutOfRange []string `json:"out_of_range,omitempty"`
}
