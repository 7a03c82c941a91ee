// Package doctor checks, before a first run and with read-only requests
// only, what a run against a product needs: that its host resolves and
// accepts connections, that its certificate is trusted (naming the
// problem when not), that every configured account authenticates and, where
// the API shows it, holds the role the scenarios need, that the users the
// config's vars name exist where the product can say so, and which version
// the vendor reports. Every HTTP request goes by the run's own road
// (exchange.Client), so credentials are masked and never sent in clear
// text to a host that is not loopback, exactly as in a run.
package doctor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/oracle-users-conformance/conformance/internal/config"
	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/opid"
	"github.com/oracle-users-conformance/conformance/internal/varscat"
)

// Verdict of one check.
type Verdict string

// Verdicts: a Fail stops a run from proceeding; Warn and Info do not.
const (
	OK   Verdict = "ok"
	Info Verdict = "info"
	Warn Verdict = "warn"
	Fail Verdict = "FAIL"
)

// Finding is one check's verdict and the sentence a person reads.
type Finding struct {
	Product  string  `json:"product"`
	Check    string  `json:"check"`
	Verdict  Verdict `json:"verdict"`
	Sentence string  `json:"sentence"`
}

// Roles the scenarios' callers need, as the vendor documents name them:
// "This API should be run only by an Identity Domain Administrator …"
// (EPM Cloud REST API, Update Users v2); Essbase's user operations refuse
// "The logged in user may not have the appropriate service role" and list
// the roles User, Power User and Service Administrator (Essbase REST API,
// Add or Import Users); OIG's caller "should have the necessary privileges
// to perform the modify user action" (Oracle Identity Governance REST API,
// Update Users).
var neededRole = map[string]string{
	"epm":     "Identity Domain Administrator with a predefined role",
	"essbase": "Service Administrator",
	"oig":     "the privilege to modify users",
}

// essbaseAdminRole is the Essbase role that administers users.
const essbaseAdminRole = "Service Administrator"

// Paths the checks read. Authentication is tried on an operation of the
// specs that only reads; the version reads are the vendors' (EPM: REST API
// versions, GET /interop/rest/; Essbase: GET /essbase/rest/v1/about).
// They come from the specs' operations (internal/opid), never typed again.
var (
	epmProbePath     = strings.NewReplacer("{api_version}", "v1", "{jobId}", "0").Replace(opid.Templates[opid.GetUsersJobV1])
	epmVersionPath   = opid.Templates[opid.GetMigrationAPIVersions]
	essbaseUsersPath = opid.Templates[opid.EssbaseListUsers]
	essbaseAbout     = opid.Templates[opid.EssbaseAbout]
	oigUsersPath     = opid.Templates[opid.OigListUsers]
)

// Doctor checks the products of one config.
type Doctor struct {
	Config  config.Config
	Catalog *contract.Catalog
	Vars    varscat.Catalogue
	Timeout time.Duration
}

// Check runs every check of one product. A product that is not covered
// gets one Info finding.
func (d *Doctor) Check(ctx context.Context, product string) []Finding {
	r := d.Config.Resolve(product)
	c := &checker{d: d, r: r}
	if !r.Covered {
		c.add("url", Info, fmt.Sprintf("not covered: the config names no URL for it (products.%s.url or target); its scenarios would be skipped", product))
		return c.out
	}
	if !c.network(ctx) {
		return c.out
	}
	client, err := Client(d.Config, r, d.Catalog, d.Timeout)
	if err != nil {
		c.add("client", Fail, err.Error())
		return c.out
	}
	c.client = client
	if !c.accounts(ctx) {
		return c.out
	}
	c.vars(ctx)
	c.version(ctx)
	return c.out
}

type checker struct {
	d      *Doctor
	r      config.Resolved
	client *exchange.Client
	out    []Finding
	// adminRole is the admin's role where the API showed it.
	adminRole string
}

func (c *checker) add(check string, v Verdict, sentence string) {
	c.out = append(c.out, Finding{Product: c.r.Name, Check: check, Verdict: v, Sentence: sentence})
}

// network checks DNS, TCP and TLS; false when HTTP cannot follow.
func (c *checker) network(ctx context.Context) bool {
	u, err := url.Parse(c.r.URL)
	if err != nil {
		c.add("url", Fail, err.Error())
		return false
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	dctx, cancel := context.WithTimeout(ctx, c.d.Timeout)
	defer cancel()
	if net.ParseIP(host) == nil {
		addrs, err := net.DefaultResolver.LookupHost(dctx, host)
		if err != nil {
			c.add("dns", Fail, fmt.Sprintf("%s does not resolve: %v (a typo in the URL, or a name only a VPN or an internal DNS knows?)", host, unwrapDNS(err)))
			return false
		}
		c.add("dns", OK, fmt.Sprintf("%s resolves to %s", host, strings.Join(addrs, ", ")))
	}
	addr := net.JoinHostPort(host, port)
	start := time.Now()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		c.add("tcp", Fail, dialSentence(addr, err, c.d.Timeout))
		return false
	}
	c.add("tcp", OK, fmt.Sprintf("%s accepts connections (%d ms)", addr, time.Since(start).Milliseconds()))
	if u.Scheme != "https" {
		conn.Close()
		if !c.r.AllowPlainHTTP && !loopback(host) {
			c.add("tls", Fail, fmt.Sprintf("the URL is http://: credentials would travel in clear text to %s; use https, or set products.%s.allow_plain_http", host, c.r.Name))
			return false
		}
		c.add("tls", Info, "plain http: no certificate to check")
		return true
	}
	cfg, err := tlsConfig(c.r.TLS)
	if err != nil {
		conn.Close()
		c.add("tls", Fail, err.Error())
		return false
	}
	cfg.ServerName = host
	tc := tls.Client(conn, cfg)
	defer tc.Close()
	if err := tc.HandshakeContext(dctx); err != nil {
		c.add("tls", Fail, certSentence(host, c.r.Name, err))
		return false
	}
	if c.r.TLS.Insecure {
		c.add("tls", Warn, "certificates are NOT verified (tls.insecure): anyone on the path can read the credentials")
		return true
	}
	leaf := tc.ConnectionState().PeerCertificates[0]
	c.add("tls", OK, fmt.Sprintf("certificate for %s issued by %s, valid until %s", host, leaf.Issuer.CommonName, leaf.NotAfter.Format("2006-01-02")))
	return true
}

// accounts checks that each configured account authenticates, and the
// roles where the API shows them; false when no request can authenticate.
func (c *checker) accounts(ctx context.Context) bool {
	creds := c.r.Credentials
	type account struct {
		name string
		cred *exchange.Credential
		who  string
	}
	var list []account
	switch {
	case creds.Admin.User != "":
		list = append(list, account{"admin", &exchange.Credential{Basic: true, User: creds.Admin.User, Password: creds.Admin.Password}, creds.Admin.User})
	case creds.Token != "":
		list = append(list, account{"admin", &exchange.Credential{Token: creds.Token}, "the bearer token"})
	case creds.HasToken():
		list = append(list, account{"admin", &exchange.Credential{Tokens: &exchange.TokenSource{File: creds.TokenFile, Command: creds.TokenCommand}}, "the bearer token"})
	default:
		c.add("account", Fail, fmt.Sprintf("no credentials: set credentials.admin (or products.%s.credentials), or %s and %s", c.r.Name, config.UserSetting.Of(c.r.Name).Env, config.PasswordSetting.Of(c.r.Name).Env))
		return false
	}
	if creds.Admin.User != "" && creds.HasToken() {
		src := &exchange.TokenSource{File: creds.TokenFile, Command: creds.TokenCommand}
		if creds.Token != "" {
			src = nil
		}
		list = append(list, account{"token", &exchange.Credential{Token: creds.Token, Tokens: src}, "the bearer token"})
	}
	if creds.NonAdmin.User != "" {
		list = append(list, account{"non_admin", &exchange.Credential{Basic: true, User: creds.NonAdmin.User, Password: creds.NonAdmin.Password}, creds.NonAdmin.User})
	}
	if creds.Throwaway.User != "" {
		list = append(list, account{"throwaway", &exchange.Credential{Basic: true, User: creds.Throwaway.User, Password: creds.Throwaway.Password}, creds.Throwaway.User})
	}
	adminOK := false
	for _, a := range list {
		path := c.probePath(a.cred)
		ex, err := c.get(ctx, path, a.cred)
		switch {
		case ex != nil && ex.Status() == http.StatusUnauthorized:
			c.add("account", Fail, fmt.Sprintf("%s %s does not authenticate: GET %s answered 401 (a wrong password or login%s)", a.name, quote(a.who), path, domainHint(c.r.Name)))
			continue
		case err != nil:
			c.add("account", Fail, fmt.Sprintf("%s %s: %v", a.name, quote(a.who), err))
			continue
		case ex.Status() == http.StatusUnauthorized:
			c.add("account", Fail, fmt.Sprintf("%s %s does not authenticate: GET %s answered 401 (a wrong password or login%s)", a.name, quote(a.who), path, domainHint(c.r.Name)))
			continue
		case ex.Status() >= 500 || ex.Status() >= 300 && ex.Status() < 400:
			c.add("account", Fail, fmt.Sprintf("%s %s: GET %s answered %d, so whether it authenticates cannot be told", a.name, quote(a.who), path, ex.Status()))
			continue
		}
		if a.name == "admin" {
			adminOK = true
		}
		c.add("account", OK, fmt.Sprintf("%s %s authenticates", a.name, quote(a.who)))
		c.role(a.name, a.who, ex)
	}
	if adminOK && c.r.Name != "essbase" {
		c.add("role", Info, fmt.Sprintf("%s shows no caller's role to a read-only request: the scenarios need %s (the run's own scenarios will tell)", productName(c.r.Name), neededRole[c.r.Name]))
	}
	return adminOK
}

// probePath is a read-only request that needs authentication: for
// Essbase the caller's own user, which also shows its role.
func (c *checker) probePath(cred *exchange.Credential) string {
	switch c.r.Name {
	case "essbase":
		id := cred.User
		if id == "" {
			id = "conformance-doctor"
		}
		return essbaseUsersPath + "/" + url.PathEscape(id)
	case "oig":
		id := c.d.Config.Vars["oig_user_1"]
		if id == "" {
			id = "0"
		}
		return oigUsersPath + "/" + url.PathEscape(id)
	}
	return epmProbePath
}

// role reads the role from Essbase's answer about the caller itself.
func (c *checker) role(name, who string, ex *exchange.Exchange) {
	if c.r.Name != "essbase" || (name != "admin" && name != "non_admin") {
		return
	}
	if code := errorCode(ex); code == "SHARED_SERVICES_MODE" || strings.Contains(string(ex.Body()), "Shared Services") {
		c.add("role", Fail, "Essbase is in EPM Shared Services security mode: its users operations are not available (manage users in the Shared Services Console); point products.essbase.url at an Essbase in its own security mode")
		return
	}
	if ex.Status() != http.StatusOK {
		c.add("role", Info, fmt.Sprintf("%s %s: Essbase has no user by that id (answered %d), so its role cannot be read", name, quote(who), ex.Status()))
		return
	}
	var u struct {
		Role string `json:"role"`
	}
	_ = json.Unmarshal(ex.Body(), &u)
	admin := strings.EqualFold(u.Role, essbaseAdminRole)
	switch {
	case name == "admin" && !admin:
		c.add("role", Fail, fmt.Sprintf("admin %s holds the Essbase role %s; the scenarios need %s", quote(who), nonEmpty(u.Role, "(none shown)"), essbaseAdminRole))
	case name == "admin":
		c.adminRole = u.Role
		c.add("role", OK, fmt.Sprintf("admin %s holds %s", quote(who), u.Role))
	case admin:
		c.add("role", Fail, fmt.Sprintf("non_admin %s holds %s: the scenarios of a caller without the role need an account without it", quote(who), essbaseAdminRole))
	default:
		c.add("role", OK, fmt.Sprintf("non_admin %s holds %s, not %s, as the scenarios of a caller without the role need", quote(who), nonEmpty(u.Role, "no role"), essbaseAdminRole))
	}
}

// vars checks the users the config's vars name, where the product can
// read a user.
func (c *checker) vars(ctx context.Context) {
	if c.d.Vars == nil {
		return
	}
	var path string
	switch c.r.Name {
	case "essbase":
		path = essbaseUsersPath
	case "oig":
		path = oigUsersPath
	default:
		var named []string
		for _, v := range c.d.Vars.Of(c.r.Name, varscat.User) {
			if c.d.Config.Vars[v.Key] != "" {
				named = append(named, v.Key)
			}
		}
		if len(named) > 0 {
			c.add("vars", Info, fmt.Sprintf("%s offers no API to read a user: whether %s exist cannot be told before a run", productName(c.r.Name), strings.Join(prefixed(named), ", ")))
		}
		return
	}
	admin := c.adminCredential()
	for _, kind := range []string{varscat.User, varscat.Unknown} {
		for _, v := range c.d.Vars.Of(c.r.Name, kind) {
			id := c.d.Config.Vars[v.Key]
			if id == "" {
				c.add("vars", Info, fmt.Sprintf("%s is not set: the scenarios naming it would be skipped", c.d.Vars.Describe(v.Key)))
				continue
			}
			ex, err := c.get(ctx, path+"/"+url.PathEscape(id), admin)
			if err != nil {
				c.add("vars", Fail, fmt.Sprintf("vars.%s = %s: %v", v.Key, quote(id), err))
				continue
			}
			exists := ex.Status() == http.StatusOK
			known := exists || ex.Status() == http.StatusNotFound
			switch {
			case !known:
				c.add("vars", Warn, fmt.Sprintf("vars.%s = %s: reading it answered %d, so whether it exists cannot be told", v.Key, quote(id), ex.Status()))
			case kind == varscat.User && !exists:
				c.add("vars", Fail, fmt.Sprintf("vars.%s = %s: %s has no such user (%s)", v.Key, quote(id), productName(c.r.Name), v.About))
			case kind == varscat.Unknown && exists:
				c.add("vars", Fail, fmt.Sprintf("vars.%s = %s names an existing user; it must be %s", v.Key, quote(id), v.About))
			case kind == varscat.User && c.r.Name == "essbase" && strings.EqualFold(roleOf(ex), essbaseAdminRole):
				c.add("vars", Warn, fmt.Sprintf("vars.%s = %s is a %s: name a user who is not an administrator", v.Key, quote(id), essbaseAdminRole))
			case kind == varscat.User && strings.EqualFold(id, c.r.Credentials.Admin.User):
				c.add("vars", Warn, fmt.Sprintf("vars.%s = %s is the account the run logs in with: name another user", v.Key, quote(id)))
			case exists:
				c.add("vars", OK, fmt.Sprintf("vars.%s = %s exists", v.Key, quote(id)))
			default:
				c.add("vars", OK, fmt.Sprintf("vars.%s = %s names no user, as it must", v.Key, quote(id)))
			}
		}
	}
}

// version reads the vendor's version where a read-only request shows it.
func (c *checker) version(ctx context.Context) {
	var path string
	switch c.r.Name {
	case "epm":
		path = epmVersionPath
	case "essbase":
		path = essbaseAbout
	default:
		c.add("version", Info, fmt.Sprintf("unknown: %s has no read-only version request in the specs", productName(c.r.Name)))
		return
	}
	ex, err := c.get(ctx, path, c.adminCredential())
	switch {
	case ex != nil && ex.Status() != 0 && (err != nil || ex.Status() != http.StatusOK):
		c.add("version", Info, fmt.Sprintf("unknown (GET %s answered %d)", path, ex.Status()))
		return
	case err != nil:
		c.add("version", Info, fmt.Sprintf("unknown (GET %s: %v)", path, err))
		return
	}
	if v := versionOf(ex.Body()); v != "" {
		c.add("version", OK, v)
		return
	}
	c.add("version", Info, fmt.Sprintf("unknown (GET %s named no version)", path))
}

func (c *checker) adminCredential() *exchange.Credential { return AdminCredential(c.r.Credentials) }

// AdminCredential is how the product's admin account authenticates.
func AdminCredential(cr config.Credentials) *exchange.Credential {
	switch {
	case cr.Admin.User != "":
		return &exchange.Credential{Basic: true, User: cr.Admin.User, Password: cr.Admin.Password}
	case cr.Token != "":
		return &exchange.Credential{Token: cr.Token}
	}
	return &exchange.Credential{Tokens: &exchange.TokenSource{File: cr.TokenFile, Command: cr.TokenCommand}}
}

// get sends one read; the error is why no usable answer came.
func (c *checker) get(ctx context.Context, path string, cred *exchange.Credential) (*exchange.Exchange, error) {
	ex, err := c.client.Do(ctx, exchange.Request{Method: http.MethodGet, Path: path, Auth: cred, Role: "doctor"})
	if err != nil {
		return nil, err
	}
	if ex.Err != nil {
		return ex, ex.Err
	}
	return ex, nil
}

// Client is the run's road for one product, read tier only (the policy's
// zero value), never stopped by its breaker: every check is asked once.
func Client(cfg config.Config, r config.Resolved, cat *contract.Catalog, timeout time.Duration) (*exchange.Client, error) {
	red := exchange.NewRedactor(cfg.Secrets(), cfg.BasicPairs())
	return exchange.New(r.URL, cat, exchange.Options{Product: r.Name, Timeout: timeout, Redactor: red,
		Breaker: 1 << 20, Throttle: &exchange.Throttle{MaxWait: 5 * time.Second, Budget: 30 * time.Second},
		CAFile: r.TLS.CAFile, Insecure: r.TLS.Insecure, AllowPlainHTTP: r.AllowPlainHTTP})
}

// tlsConfig trusts the system roots plus the product's CA file, as the
// run's transport does (exchange.TLSConfig).
func tlsConfig(t config.TLS) (*tls.Config, error) {
	return exchange.TLSConfig(t.CAFile, t.Insecure)
}

// certSentence names what is wrong with a certificate.
func certSentence(host, product string, err error) string {
	var unknown x509.UnknownAuthorityError
	var name x509.HostnameError
	var invalid x509.CertificateInvalidError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &unknown):
		issuer := ""
		if unknown.Cert != nil {
			issuer = " (issued by " + quote(unknown.Cert.Issuer.String()) + ")"
			if unknown.Cert.Issuer.String() == unknown.Cert.Subject.String() {
				issuer = " (self-signed)"
			}
		}
		return fmt.Sprintf("the certificate of %s is signed by an authority this machine does not trust%s: give the CA's PEM file as products.%s.tls.ca_file", host, issuer, product)
	case errors.As(err, &name):
		names := name.Certificate.DNSNames
		for _, ip := range name.Certificate.IPAddresses {
			names = append(names, ip.String())
		}
		return fmt.Sprintf("the certificate is for %s, not %s: use a URL with one of its names", strings.Join(names, ", "), host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Sprintf("the certificate of %s has expired or is not valid yet (valid %s to %s)", host,
			invalid.Cert.NotBefore.Format("2006-01-02"), invalid.Cert.NotAfter.Format("2006-01-02"))
	case errors.As(err, &record):
		return fmt.Sprintf("%s does not speak TLS on this port: is the URL http:// rather than https://?", host)
	}
	return fmt.Sprintf("the TLS handshake with %s failed: %v", host, err)
}

// dialSentence names why a TCP connection failed.
func dialSentence(addr string, err error, timeout time.Duration) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing listens at %s (connection refused)", addr)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("%s did not accept a connection within %s (a firewall or a proxy in the way?)", addr, timeout)
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return fmt.Sprintf("%s cannot be reached from this machine (no route)", addr)
	}
	return fmt.Sprintf("%s: %v", addr, err)
}

func unwrapDNS(err error) string {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.Err
	}
	return err.Error()
}

// versionOf finds a version in an answer: a top-level "version" (and
// "build"), or the versions of "items" (EPM lists its REST API versions).
func versionOf(body []byte) string {
	var v struct {
		Version string `json:"version"`
		Build   string `json:"build"`
		Items   []struct {
			Version   string `json:"version"`
			Lifecycle string `json:"lifecycle"`
			IsLatest  bool   `json:"isLatest"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	if v.Version != "" {
		if v.Build != "" {
			return v.Version + " (build " + v.Build + ")"
		}
		return v.Version
	}
	var out []string
	for _, it := range v.Items {
		s := it.Version
		if it.Lifecycle != "" {
			s += " " + it.Lifecycle
		}
		if it.IsLatest {
			s += " (latest)"
		}
		if it.Version != "" {
			out = append(out, s)
		}
	}
	if len(out) > 0 {
		return "REST API versions " + strings.Join(out, ", ")
	}
	return ""
}

func roleOf(ex *exchange.Exchange) string {
	var u struct {
		Role string `json:"role"`
	}
	_ = json.Unmarshal(ex.Body(), &u)
	return u.Role
}

func errorCode(ex *exchange.Exchange) string {
	var e struct {
		Code string `json:"errorCode"`
	}
	_ = json.Unmarshal(ex.Body(), &e)
	return e.Code
}

func productName(p string) string {
	return map[string]string{"epm": "EPM Cloud", "essbase": "Essbase", "oig": "Identity Governance"}[p]
}

func domainHint(product string) string {
	if product == "epm" {
		return "; EPM Cloud wants the identity domain before the login, idomain.login"
	}
	return ""
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func nonEmpty(s, dflt string) string {
	if s == "" {
		return dflt
	}
	return s
}

func prefixed(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "vars." + k
	}
	return out
}
