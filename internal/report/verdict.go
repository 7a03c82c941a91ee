package report

import (
	"cmp"
	"slices"
)

// Exit codes of a run, derived from its verdict by ExitCode. CI gates read
// them, so they are part of the command's stable interface.
const (
	// ExitConformant: conformant or partial (what ran passed; a partial
	// run says in every report what it did not cover).
	ExitConformant = 0
	// ExitNotConformant: at least one scenario failed (and is not a known
	// deviation of the baseline); also `report diff` finding a regression.
	ExitNotConformant = 1
	// ExitBadConfig is reserved for configuration and input the command
	// could not use; no verdict ever maps to it.
	ExitBadConfig = 2
	// ExitInconclusive: the run proves nothing either way (inconclusive
	// answers, or nothing ran).
	ExitInconclusive = 3
	// ExitInterrupted: the run was stopped before it finished.
	ExitInterrupted = 4
)

// ExitCode maps a verdict to the exit code of the run. An unknown verdict
// (a report.json from a newer tool) proves nothing: ExitInconclusive.
func ExitCode(verdict string) int {
	switch verdict {
	case VerdictConformant, VerdictPartial:
		return ExitConformant
	case VerdictNotConformant:
		return ExitNotConformant
	case VerdictInterrupted:
		return ExitInterrupted
	default: // VerdictInconclusive, VerdictNothingRan
		return ExitInconclusive
	}
}

// Finish makes the run ready for the reporters: the scenarios sorted by ID
// (execution order differs between runs and shards; reports must not), the
// counts and the verdict. It is idempotent, and everything that changes
// outcomes (ApplyBaseline, Merge) calls it again.
func (r *Run) Finish() {
	if r.Version == 0 {
		r.Version = Version
	}
	slices.SortStableFunc(r.Scenarios, func(a, b Scenario) int { return cmp.Compare(a.ID, b.ID) })
	r.Counts = countOutcomes(r.Scenarios)
	r.Verdict = r.verdict()
}

func countOutcomes(scenarios []Scenario) Counts {
	c := Counts{Total: len(scenarios), By: map[Outcome]int{}, ByAPI: map[string]map[Outcome]int{}}
	for _, s := range scenarios {
		c.By[s.Outcome]++
		api := c.ByAPI[s.API]
		if api == nil {
			api = map[Outcome]int{}
			c.ByAPI[s.API] = api
		}
		api[s.Outcome]++
	}
	return c
}

// verdict follows the order of the run's README: interrupted beats
// everything, a failure beats doubt, doubt beats gaps.
//
// One departure from a plain "partial if anything was skipped": a run in
// which nothing ran (no scenario passed or was a known deviation) is
// "nothing ran" even when everything was skipped, so a config that covers
// nothing can never turn a CI gate green (ExitInconclusive, not
// ExitConformant). Known deviations ran; they count as ran but never fail.
func (r *Run) verdict() string {
	by := r.Counts.By
	switch {
	case r.Interrupted != "":
		return VerdictInterrupted
	case by[Failed] > 0:
		return VerdictNotConformant
	case by[Inconclusive] > 0:
		return VerdictInconclusive
	case by[Passed]+by[Known] == 0:
		return VerdictNothingRan
	case by[Skipped] > 0 || by[NotRun] > 0 || r.uncovered():
		return VerdictPartial
	}
	return VerdictConformant
}

func (r *Run) uncovered() bool {
	for _, p := range r.Products {
		if !p.Covered {
			return true
		}
	}
	return false
}

// APIs lists the APIs of the run's scenarios, sorted.
func (r *Run) APIs() []string {
	var apis []string
	for _, s := range r.Scenarios {
		apis = append(apis, s.API)
	}
	slices.Sort(apis)
	return slices.Compact(apis)
}
