package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// TokenSource reads a bearer token from a file or produces one with a
// command (a short-lived OAuth token), caches it, and reads it again when
// asked to. Every token it reads becomes a secret of the redactor, so a
// target echoing it back never puts it in a report.
type TokenSource struct {
	File    string
	Command string
	Redact  *Redactor

	mu    sync.Mutex
	token string
}

// Token is the cached token, read on first use.
func (s *TokenSource) Token() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" {
		return s.token, nil
	}
	var raw []byte
	var err error
	switch {
	case s.File != "":
		raw, err = os.ReadFile(s.File)
		if err != nil {
			return "", fmt.Errorf("token_file: %w", err)
		}
	case s.Command != "":
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var stderr bytes.Buffer
		cmd := shellCommand(ctx, s.Command)
		cmd.Stderr = &stderr
		raw, err = cmd.Output()
		if err != nil {
			// The command's own words may hold a secret: say only how it ended.
			return "", fmt.Errorf("token_command failed: %v", err)
		}
	default:
		return "", errors.New("no token source")
	}
	tok := strings.TrimSpace(string(raw))
	if tok == "" || strings.ContainsAny(tok, "\r\n") {
		return "", errors.New("the token source gave no single-line token")
	}
	if s.Redact != nil {
		s.Redact.Add(tok)
	}
	s.token = tok
	return tok, nil
}

// Refresh forgets the cached token and reads a new one.
func (s *TokenSource) Refresh() (string, error) {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
	return s.Token()
}

// authorization is the Authorization header of one request, and how to
// make it again with a fresh token.
type authorization struct {
	header  string
	refresh func() (authorization, error)
}

func (a authorization) apply(req *http.Request) {
	if a.header != "" {
		req.Header.Set("Authorization", a.header)
	}
}

func (c *Client) authorize(cr *Credential) (authorization, error) {
	switch {
	case cr == nil:
		return authorization{}, nil
	case cr.Token != "":
		return authorization{header: "Bearer " + cr.Token}, nil
	case cr.Tokens != nil:
		tok, err := cr.Tokens.Token()
		if err != nil {
			return authorization{}, err
		}
		a := authorization{header: "Bearer " + tok}
		a.refresh = func() (authorization, error) {
			tok, err := cr.Tokens.Refresh()
			return authorization{header: "Bearer " + tok}, err
		}
		return a, nil
	case cr.Basic:
		req, _ := http.NewRequest(http.MethodGet, "/", nil)
		req.SetBasicAuth(cr.User, cr.Password)
		return authorization{header: req.Header.Get("Authorization")}, nil
	}
	return authorization{}, nil
}

// expired recognises a 401 that says the token expired (RFC 6750's
// invalid_token, or the word in the body), as opposed to a wrong one.
func expired(resp *http.Response, body []byte) bool {
	h := strings.ToLower(resp.Header.Get("WWW-Authenticate"))
	return strings.Contains(h, "invalid_token") || strings.Contains(h, "expired") ||
		bytes.Contains(bytes.ToLower(body), []byte("expired"))
}
