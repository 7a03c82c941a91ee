package oig

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock/reqinfo"
)

// Approval workflows (Q-OIG-032). Where OIG's policies route a modify
// through approval, PUT /users answers each entry SUCCESS with a request
// object, {id, links}, and the profile changes only once the request is
// approved: a captured session against a real OIG 12c (Oracle LiveLabs,
// "Using RESTful APIs for OIM and OAM") shows it, and the selfservice Patch
// User page's answer carries the same request object. The mock plays it
// when the seed asks; by default every modify applies at once, as before.

// Approval is the seed's oig.approval section.
type Approval struct {
	// All routes every user's modify through approval.
	All bool `yaml:"all"`
	// Users names the usr_keys whose modifies need approval.
	Users []string `yaml:"users"`
	// After approves a request that long after it was raised; 0 (or
	// absent) never approves it, so the change stays pending.
	After time.Duration `yaml:"after"`
}

func (a Approval) applies(key string) bool { return a.All || slices.Contains(a.Users, key) }

// requestsPath is where OIG's self-service requests live; the mock names
// them in links but serves no route there.
const requestsPath = "/iam/governance/selfservice/api/v1/requests"

// requestRef is the request object of an answer entry.
type requestRef struct {
	ID    string `json:"id"`
	Links []link `json:"links"`
}

// approvals holds the requests raised and the timers that approve them.
type approvals struct {
	mu     sync.Mutex
	seq    int
	timers []*time.Timer
	closed bool
}

// raise records a pending change and returns its request; with
// Approval.After set, the change is applied then.
func (s *Server) raise(r *http.Request, key string, changes []change) *requestRef {
	a := &s.approvals
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seq++
	id := strconv.Itoa(1000 + a.seq)
	if after := s.approval.After; after > 0 && !a.closed {
		a.timers = append(a.timers, time.AfterFunc(after, func() {
			if bad := s.Users.Update(key, changes); bad != nil {
				s.log.Warn("oig request approved but not applied", "request", id, "usr_key", key, "reason", bad.reason())
				return
			}
			s.log.Info("oig request approved and applied", "request", id, "usr_key", key)
		}))
	}
	s.log.Info("oig modify raised a request", "request", id, "usr_key", key, "approve_after", s.approval.After)
	return &requestRef{ID: id, Links: []link{{Rel: "self", Href: reqinfo.Origin(r) + requestsPath + "/" + id}}}
}

// Close stops the timers of requests not yet approved: they stay pending.
func (s *Server) Close() error {
	a := &s.approvals
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	for _, t := range a.timers {
		t.Stop()
	}
	a.timers = nil
	return nil
}
