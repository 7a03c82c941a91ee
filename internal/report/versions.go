package report

import (
	"fmt"
	"strings"

	goversion "github.com/hashicorp/go-version"
)

// Unknown is how reports show a release the run could not read.
const Unknown = "unknown"

// VendorVersion is the release a run saw of one product, "unknown" when it
// could not be read.
func (r *Run) VendorVersion(product string) string {
	for _, p := range r.Products {
		if p.Name == product && p.Version != "" {
			return p.Version
		}
	}
	return Unknown
}

// VersionsLine names every covered product's release: "epm 24.10.60 ·
// essbase 21.4.0.0.0 · oig unknown".
func (r *Run) VersionsLine() string {
	var parts []string
	for _, p := range r.Products {
		if p.Covered {
			parts = append(parts, p.Name+" "+r.VendorVersion(p.Name))
		}
	}
	return strings.Join(parts, " · ")
}

// VersionChange is one product's release in two runs.
type VersionChange struct {
	Product string `json:"product"`
	Before  string `json:"before"`
	After   string `json:"after"`
}

// Changed reports whether the release differs.
func (v VersionChange) Changed() bool { return v.Before != v.After }

func (v VersionChange) String() string {
	if !v.Changed() {
		return v.Product + " " + v.Before
	}
	return fmt.Sprintf("%s %s → %s", v.Product, v.Before, v.After)
}

// VersionChanges lists the releases of the products either run covered.
func VersionChanges(before, after *Run) []VersionChange {
	var out []VersionChange
	seen := map[string]bool{}
	for _, runs := range [][]Product{before.Products, after.Products} {
		for _, p := range runs {
			if seen[p.Name] || !(covered(before, p.Name) || covered(after, p.Name)) {
				continue
			}
			seen[p.Name] = true
			out = append(out, VersionChange{Product: p.Name, Before: before.VendorVersion(p.Name), After: after.VendorVersion(p.Name)})
		}
	}
	return out
}

func covered(r *Run, product string) bool {
	for _, p := range r.Products {
		if p.Name == product {
			return p.Covered
		}
	}
	return false
}

// VersionsHeadline is the headline of two runs' releases, changes first:
// "essbase 21.4 → 21.5 · epm 24.10.60"; empty when no release is known
// on either side (runs made before releases were recorded).
func VersionsHeadline(vs []VersionChange) string {
	known := false
	for _, v := range vs {
		known = known || v.Before != Unknown || v.After != Unknown
	}
	if !known {
		return ""
	}
	var changed, same []string
	for _, v := range vs {
		if v.Changed() {
			changed = append(changed, v.String())
		} else {
			same = append(same, v.String())
		}
	}
	return strings.Join(append(changed, same...), " · ")
}

// parseRelease reads a vendor release ("24.10.60", "21.4.0.0.0") for
// comparison; Oracle's releases are dotted numbers, which go-version reads.
func parseRelease(s string) (*goversion.Version, error) {
	return goversion.NewVersion(strings.TrimSpace(s))
}

// atOrAfter reports whether release is at or after limit; ok is false when
// either cannot be read (an unknown release proves nothing).
func atOrAfter(release, limit string) (yes, ok bool) {
	r, err1 := parseRelease(release)
	l, err2 := parseRelease(limit)
	if err1 != nil || err2 != nil {
		return false, false
	}
	return r.GreaterThanOrEqual(l), true
}

// inRange reports whether release is within a go-version constraint
// (">= 24.10, < 25.01"); ok is false when the release cannot be read.
func inRange(release, constraint string) (yes, ok bool, err error) {
	c, err := goversion.NewConstraint(constraint)
	if err != nil {
		return false, false, err
	}
	r, err := parseRelease(release)
	if err != nil {
		return false, false, nil
	}
	return c.Check(r), true, nil
}
