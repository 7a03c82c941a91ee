package report

import (
	"cmp"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Volatile fields differ between two runs of the same scenarios against the
// same target, and say nothing about the target's conformance:
//
//   - Run.Started, Run.Seconds, Run.RunID, Run.Throttled.Seconds,
//     Product.URL, Scenario.Seconds, Exchange.Millis, Exchange.Waits;
//   - inside values (URLs, bodies, headers, messages, observations):
//     the run suffixes (RunID, as in the login cnfab12cdu001), the products'
//     URLs and hosts, timestamps, UUIDs, durations, and numbers of five or
//     more digits or following /jobs/ (job and request ids; error codes
//     such as EPMCSS-21142 and IAM-2040028 are kept).
//
// Normalize blanks the fields and rewrites the values to placeholders
// ({run}, {url:epm}, {host:epm}, {time}, {uuid}, {duration}, {n}), so golden
// files and Diff compare what the target did, not when or where.
func Normalize(r *Run) {
	v := newScrubber(r)
	r.Started, r.Seconds, r.RunID = "", 0, ""
	r.Throttled.Seconds = 0
	for i := range r.Products {
		r.Products[i].URL = ""
		r.Products[i].Breaker = v.scrub(r.Products[i].Breaker)
	}
	for i := range r.Notes {
		r.Notes[i] = v.scrub(r.Notes[i])
	}
	for i := range r.Leftovers {
		l := &r.Leftovers[i]
		l.Undo, l.Error = v.scrub(l.Undo), v.scrub(l.Error)
	}
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		s.Seconds = 0
		back := standInsOf(s)
		scrub := func(x string) string { return v.scrub(back.apply(x)) }
		s.Reason = scrub(s.Reason)
		for j := range s.Violations {
			s.Violations[j].Message = scrub(s.Violations[j].Message)
		}
		for j := range s.Observations {
			s.Observations[j].Value = scrub(s.Observations[j].Value)
		}
		for j := range s.Exchanges {
			e := &s.Exchanges[j]
			e.Millis, e.Waits = 0, nil
			e.URL, e.Error = scrub(e.URL), scrub(e.Error)
			e.RequestBody, e.ResponseBody = scrub(e.RequestBody), scrub(e.ResponseBody)
			for _, h := range []map[string][]string{e.RequestHeaders, e.ResponseHeaders} {
				for _, vals := range h {
					for k := range vals {
						vals[k] = scrub(vals[k])
					}
				}
			}
		}
		s.StandIns, s.StandInFor = nil, nil
	}
}

// putBack replaces the users a scenario's stand-ins were with those they
// stood in for: which stand-in a scenario gets depends on which users
// were free at its turn, so two runs of the same target differ there.
type putBack []struct{ standIn, was string }

func standInsOf(s *Scenario) putBack {
	var out putBack
	for k, standIn := range s.StandIns {
		if was := s.StandInFor[k]; was != "" && standIn != "" {
			out = append(out, struct{ standIn, was string }{standIn, was})
		}
	}
	return out
}

// apply replaces each stand-in where it stands as a word of its own, not
// next to a letter or digit: an OIG usr_key 30 is not the 30 of "300" or
// of "30s", a login chris2 not part of chris21.
func (pb putBack) apply(x string) string {
	for _, p := range pb {
		var b strings.Builder
		rest := x
		for {
			i := strings.Index(rest, p.standIn)
			if i < 0 {
				break
			}
			end := i + len(p.standIn)
			if (i > 0 && isWordByte(rest[i-1])) || (end < len(rest) && isWordByte(rest[end])) {
				b.WriteString(rest[:end])
			} else {
				b.WriteString(rest[:i])
				b.WriteString(p.was)
			}
			rest = rest[end:]
		}
		if b.Len() > 0 {
			b.WriteString(rest)
			x = b.String()
		}
	}
	return x
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// scrubber rewrites the volatile parts of values of one run.
type scrubber struct {
	literal *strings.Replacer
}

func newScrubber(r *Run) scrubber {
	type pair struct{ old, new string }
	var pairs []pair
	for _, p := range r.Products {
		if p.URL == "" {
			continue
		}
		pairs = append(pairs, pair{strings.TrimRight(p.URL, "/"), "{url:" + p.Name + "}"})
		if u, err := url.Parse(p.URL); err == nil && u.Host != "" {
			pairs = append(pairs, pair{u.Host, "{host:" + p.Name + "}"})
		}
	}
	// A run suffix shorter than four characters would match inside
	// ordinary words. A run of several processes or workers has one
	// suffix each, joined with "+" (Merge, runner's workers).
	for _, id := range strings.Split(r.RunID, "+") {
		if len(id) >= 4 {
			pairs = append(pairs, pair{id, "{run}"})
		}
	}
	// Longest first: a URL before the host inside it.
	slices.SortStableFunc(pairs, func(a, b pair) int { return cmp.Compare(len(b.old), len(a.old)) })
	var args []string
	for _, p := range pairs {
		args = append(args, p.old, p.new)
	}
	return scrubber{literal: strings.NewReplacer(args...)}
}

var volatilePatterns = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?`), "{time}"},
	// HTTP dates, as in Date and Last-Modified headers.
	{regexp.MustCompile(`\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT`), "{time}"},
	{regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`), "{uuid}"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|us|ms|s|m|h)\b|\b\d+(\.\d+)? (seconds|milliseconds)\b`), "{duration}"},
	{regexp.MustCompile(`/jobs/\d+`), "/jobs/{n}"},
}

// idNumber finds long numbers, and error codes (EPMCSS-21142, IAM-2040028)
// so that they are kept: a code is what the target said, not an id.
var idNumber = regexp.MustCompile(`\b[A-Z]+-\d+\b|\d{5,}`)

func idOrCode(m string) string {
	if m[0] >= 'A' && m[0] <= 'Z' {
		return m
	}
	return "{n}"
}

func (v scrubber) scrub(s string) string {
	if s == "" {
		return s
	}
	s = v.literal.Replace(s)
	for _, p := range volatilePatterns {
		s = p.re.ReplaceAllString(s, p.with)
	}
	return idNumber.ReplaceAllStringFunc(s, idOrCode)
}
