package contract

import (
	"errors"
	"net/mail"

	"github.com/getkin/kin-openapi/openapi3"
)

// formats are the string formats the specs state that kin-openapi does not
// check by itself (it knows byte, date and date-time and checks a format
// only when a validator for it is registered). They are registered in
// kin-openapi's global table, not per validation, because the example
// validation of openapi3.T.Validate reads only that table: so examples and
// exchanges are held to the same rule.
var formats = map[string]openapi3.StringFormatValidator{
	"email": openapi3.NewCallbackValidator(validEmail),
}

func init() {
	for name, v := range formats {
		openapi3.DefineStringFormatValidator(name, v)
	}
}

// validEmail accepts one bare address (RFC 5322 addr-spec, local@domain),
// what JSON Schema's "email" means. kin-openapi's optional email pattern
// lets "j doe@example.com" through; net/mail refuses it, as it refuses a
// missing domain, two @ and an empty string. A display name ("Jane <j@x>")
// is not an address either.
func validEmail(s string) error {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return errors.New("not an email address")
	}
	if a.Name != "" || a.Address != s {
		return errors.New("not a bare email address")
	}
	return nil
}
