package invariant

import "fmt"

func init() {
	Register("updateUsersV2", epmV2Envelope)
}

// epmV2Envelope: Update Users (v2) (https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html), Examples 1-3. A request that ran
// answers status 0 with details and no error, and its counts add up
// (Q-EPM2-003); a request that failed as a whole answers status 1 with an
// error and no details (Example 2).
func epmV2Envelope(httpStatus int, body any) []string {
	status, ok := num(body, "status")
	if !ok {
		return nil // the schema check reports a missing status
	}
	var out []string
	errVal, _ := at(body, "error")
	details, _ := at(body, "details")
	switch status {
	case 0:
		if errVal != nil {
			out = append(out, "status 0 with an error object: a successful request has error null")
		}
		if details == nil {
			out = append(out, "status 0 without details: a successful request reports its counts")
			return out
		}
		p, _ := num(body, "details.processed")
		s, _ := num(body, "details.succeeded")
		f, _ := num(body, "details.failed")
		if p != s+f {
			out = append(out, fmt.Sprintf("details.processed %v is not succeeded %v + failed %v", p, s, f))
		}
		items := 0
		if l, ok := at(body, "details.faileditems"); ok && l != nil {
			if arr, ok := l.([]any); ok {
				items = len(arr)
			}
		}
		if float64(items) != f {
			out = append(out, fmt.Sprintf("details.failed is %v but faileditems lists %d users", f, items))
		}
		if httpStatus != 200 {
			out = append(out, fmt.Sprintf("status 0 with HTTP %d: a request that ran answers 200", httpStatus))
		}
	case 1:
		if errVal == nil {
			out = append(out, "status 1 without an error object: a failed request says why")
		}
		if details != nil {
			out = append(out, "status 1 with details: a request that failed as a whole processed no user")
		}
	}
	return out
}
