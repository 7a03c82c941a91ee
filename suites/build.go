package suites

import (
	"io/fs"
	"net/http"
	"net/url"

	"github.com/oracle-users-conformance/conformance/internal/contract"
	"github.com/oracle-users-conformance/conformance/internal/exchange"
	"github.com/oracle-users-conformance/conformance/internal/scenario"
)

// BuildRequest turns a row's request into the road's, outside Ginkgo: the
// body rendered from its template or file, the path filled from the
// operation's template and the row's params (each rendered, then escaped
// as one segment) unless the row gives a path of its own, the headers and
// query rendered. The credential is the caller's (it comes from the
// product's config); so is the client.
func BuildRequest(req scenario.Request, role exchange.Role, cat *contract.Catalog, fixtures fs.FS, vars scenario.Vars) (exchange.Request, error) {
	body, err := req.Render(fixtures, vars)
	if err != nil {
		return exchange.Request{}, err
	}
	path := req.Path
	if path == "" {
		if op, ok := cat.Operation(req.Operation); ok {
			params := map[string]string{}
			for k, v := range req.Params {
				// A param is a template ({{.Var.x}}): render it before
				// escaping, or the escaped braces are no longer one.
				if params[k], err = scenario.Render("param "+k, v, vars); err != nil {
					return exchange.Request{}, err
				}
			}
			path = op.Fill(params)
		}
	}
	if path, err = scenario.Render("path", path, vars); err != nil {
		return exchange.Request{}, err
	}
	header := http.Header{}
	for k, v := range req.Headers {
		rv, err := scenario.Render("header "+k, v, vars)
		if err != nil {
			return exchange.Request{}, err
		}
		header.Set(k, rv)
	}
	query := url.Values{}
	for k, v := range req.Query {
		rv, err := scenario.Render("query "+k, v, vars)
		if err != nil {
			return exchange.Request{}, err
		}
		query.Set(k, rv)
	}
	return exchange.Request{
		Operation: req.Operation,
		Method:    req.Method,
		Path:      path,
		Query:     query,
		Header:    header,
		Body:      body,
		Unchecked: req.Invalid,
		Role:      role,
	}, nil
}
