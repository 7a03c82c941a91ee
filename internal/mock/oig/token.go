package oig

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/mock/auth"
)

// The token service, POST /iam/governance/token/api/v1/tokens ("Fetch a JWT
// token for authenticated user",
// https://docs.oracle.com/cd/E52734_01/oim/OMJWT/op-tokens-post.html):
// credentials in (Basic in the page's example), {accessToken, tokenType,
// expiresIn} out. The mock signs an HS256 JWT naming the caller, and the
// self-service routes accept it as a bearer token until it expires
// (Q-OIG-051).
const tokenPath = "/iam/governance/token/api/v1/tokens"

// tokenLife is the page's expiresIn ("1799", seconds).
const tokenLife = 1799 * time.Second

// tokens are the JWTs the mock issued: who they name and until when.
type tokens struct {
	once sync.Once
	key  []byte
	mu   sync.Mutex
	by   map[string]issued
}

type issued struct {
	account *auth.Account
	expires time.Time
}

func (t *tokens) init() {
	t.once.Do(func() {
		t.key = make([]byte, 32)
		_, _ = rand.Read(t.key)
		t.by = map[string]issued{}
	})
}

// issue signs a token for the account.
func (t *tokens) issue(a *auth.Account, now time.Time) string {
	t.init()
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"sub": a.Login, "iss": "conformance-mock", "iat": now.Unix(), "exp": now.Add(tokenLife).Unix()})
	unsigned := header + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, t.key)
	mac.Write([]byte(unsigned))
	tok := unsigned + "." + enc.EncodeToString(mac.Sum(nil))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.by[tok] = issued{a, now.Add(tokenLife)}
	return tok
}

// account finds the holder of a bearer token the mock issued.
func (t *tokens) account(r *http.Request, now time.Time) (*auth.Account, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, false
	}
	t.init()
	t.mu.Lock()
	defer t.mu.Unlock()
	is, found := t.by[strings.TrimSpace(tok)]
	if found && now.After(is.expires) {
		delete(t.by, tok)
		return nil, false
	}
	return is.account, found
}

// getToken needs credentials the OIG routes accept (the page's cURL example
// sends Basic; the multi-token policy in front of the REST services also
// takes a bearer token, so a config that only holds a token still gets one)
// and X-Requested-By, as the page's cURL example sends it (Q-OIG-001).
func (s *Server) getToken(w http.ResponseWriter, r *http.Request) {
	caller, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if _, present := r.Header[http.CanonicalHeaderKey("X-Requested-By")]; !present {
		s.refuse(w, r, http.StatusBadRequest, fail(codeRequestedBy, "The X-Requested-By header is required on POST", ""))
		return
	}
	tok := s.tokens.issue(caller, time.Now())
	s.log.Info("oig token issued", "caller", caller.Login)
	writeJSON(w, http.StatusOK, map[string]string{
		"accessToken": tok,
		"tokenType":   "Bearer",
		"expiresIn":   strconv.Itoa(int(tokenLife / time.Second)),
	})
}
