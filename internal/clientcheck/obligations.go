// Package clientcheck judges a client of the mock: each request against the
// request side of specs/, and the obligations the vendor documents put on
// a caller across requests (a file deleted after the job, no own row, the
// job status polled, X-Requested-By on OIG changes). It wraps the mock's
// http.Handler from the outside, so the mock itself never learns of the
// specs (`conformance mock --client-report DIR`).
//
// The client report is a report.Run, like a run's: one scenario per
// obligation, with the same outcomes (failed: the client broke it; passed:
// requests exercised it and kept it; skipped: nothing exercised it), so the
// same reporters write it (JUnit, JSON, HTML, markdown) and a CI job gates
// on it the same way.
package clientcheck

import "time"

// Document is a vendor page an obligation comes from.
type Document struct {
	Title string
	URL   string
}

// The pages, by their public addresses.
var (
	docEPM1 = Document{"EPM Cloud REST API: Update Users (v1)", "https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users.html"}
	docEPM2 = Document{"EPM Cloud REST API: Update Users (v2)", "https://docs.oracle.com/en/cloud/saas/enterprise-performance-management-common/prest/lcm_update_users_v2.html"}
	docESS  = Document{"Essbase REST API: Add or Import Users", "https://docs.oracle.com/en/database/other-databases/essbase/21/essrt/op-users-post.html"}
	docOIG  = Document{"Oracle Identity Governance self service REST API: Update Users", "https://docs.oracle.com/en/middleware/idm/identity-governance/12.2.1.3/oimss/op-users-put.html"}
)

// Obligation is one rule a document states for the caller.
type Obligation struct {
	ID    string // stable: CLIENT-<API>-<NNN>, the JUnit name begins with it
	API   string // epm-v1, epm-v2, essbase, oig
	Title string
	// Words are the document's own words, quoted in every finding.
	Words string
	Doc   Document
	// Quirk names the register entry where a document leaves the rule
	// open and we decided (fixtures/quirks/).
	Quirk string
}

// The obligations. A contract obligation per API judges every request of
// that API against the request side of its spec.
var (
	ObEPM1Contract = Obligation{"CLIENT-EPM1-001", "epm-v1", "requests of the v1 update, job status, upload and delete meet specs/epm-users-v1.yaml", "the request side of the operation (parameters, media type, body)", docEPM1, ""}
	ObFileDeleted  = Obligation{"CLIENT-EPM1-002", "epm-v1", "a file used by an update job is deleted afterwards", "The file should be deleted after the API executes.", docEPM1, "Q-EPM1-001"}
	ObOwnRow       = Obligation{"CLIENT-EPM1-003", "epm-v1", "the update CSV leaves out the account that runs the job", "The CSV file should not include the account of the user who executes this command.", docEPM1, "Q-EPM1-016"}
	ObQuoteSpaces  = Obligation{"CLIENT-EPM1-004", "epm-v1", "fields holding a space are enclosed in double quotation marks", "Use double quotation marks to enclose fields that contain space charaters in the CSV file.", docEPM1, "Q-EPM1-014"}
	ObEncoding     = Obligation{"CLIENT-EPM1-005", "epm-v1", "the update CSV is ANSI or UTF-8", "The name of the uploaded ANSI or UTF-8 encoded CSV file containing the users to update", docEPM1, "Q-EPM1-003"}
	ObPollPace     = Obligation{"CLIENT-EPM1-006", "epm-v1", "the Job Status link is polled no faster than once a second", "Use the job status URI to determine whether the process is complete.", docEPM1, "Q-EPM1-040"}
	ObPollOutcome  = Obligation{"CLIENT-EPM1-007", "epm-v1", "every update job is followed to its outcome through the Job Status link", "Use the job status URI to determine whether the process is complete.", docEPM1, "Q-EPM1-019"}
	ObEPM2Contract = Obligation{"CLIENT-EPM2-001", "epm-v2", "requests of the v2 update meet specs/epm-users-v2.yaml", "the request side of the operation (media type, payload)", docEPM2, ""}
	ObNoURLEncode  = Obligation{"CLIENT-EPM2-002", "epm-v2", "the v2 payload is sent as JSON, not URL-encoded", "This version contains all parameters in the payload and does not require URL encoding while calling the REST APIs.", docEPM2, ""}
	ObESSContract  = Obligation{"CLIENT-ESS-001", "essbase", "Essbase users requests meet specs/essbase-users.yaml", "the request side of the operation (media type, body, path)", docESS, ""}
	ObOIGContract  = Obligation{"CLIENT-OIG-001", "oig", "OIG users requests meet specs/oig-users.yaml", "the request side of the operation (media type, body)", docOIG, ""}
	ObRequestedBy  = Obligation{"CLIENT-OIG-002", "oig", "every OIG change carries X-Requested-By", `curl -H "Content-Type: application/json" -H "X-Requested-By: <anyvalue>" -X PUT -u username:password -d @put.json https://pseudo.com/iam/governance/selfservice/api/v1/users`, docOIG, "Q-OIG-001"}
)

// Obligations lists every obligation, by ID.
var Obligations = []Obligation{
	ObEPM1Contract, ObFileDeleted, ObOwnRow, ObQuoteSpaces, ObEncoding, ObPollPace, ObPollOutcome,
	ObEPM2Contract, ObNoURLEncode, ObESSContract, ObOIGContract, ObRequestedBy,
}

// MinPollInterval is the fastest a client may poll one job's status link:
// the vendor's own Java sample waits a second between polls, and no document
// names another pace (fixtures/quirks/epm-v1.yaml, Q-EPM1-040).
const MinPollInterval = time.Second

// contractObligation is the contract obligation of an API.
func contractObligation(api string) (Obligation, bool) {
	for _, o := range []Obligation{ObEPM1Contract, ObEPM2Contract, ObESSContract, ObOIGContract} {
		if o.API == api {
			return o, true
		}
	}
	return Obligation{}, false
}
