package exchange_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/oracle-users-conformance/conformance/internal/exchange"
)

// A product's alternative target (Essbase under /shared-services) is the
// same client to the vendor: the breaker its main URL opened stops it too,
// so a throttling target gets no request past the product's breaker.
func TestAnAlternativeTargetSharesItsProductsBreaker(t *testing.T) {
	var arrived atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	opts := exchange.Options{Product: "essbase", Breaker: 2, Throttle: &exchange.Throttle{}}
	main, err := exchange.New(srv.URL, catalog(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	alt, err := exchange.New(srv.URL+"/shared-services", catalog(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	alt.ShareProduct(main)
	get := exchange.Request{Method: "GET", Path: "/x", Auth: &exchange.Credential{Basic: true, User: "a", Password: "p"}}
	for _, c := range []*exchange.Client{main, alt} {
		if _, err := c.Do(context.Background(), get); err != nil {
			t.Fatal(err)
		}
	}
	ex, err := alt.Do(context.Background(), get)
	if err != nil {
		t.Fatal(err)
	}
	var open *exchange.BreakerOpen
	if !errors.As(ex.Err, &open) || main.Breaker() == "" || arrived.Load() != 2 {
		t.Fatalf("after two throttled answers (one per URL) at a breaker of 2: the third request's error %v, main's breaker %q, %d arrived; want the breaker open for both URLs and 2 arrived", ex.Err, main.Breaker(), arrived.Load())
	}
}
