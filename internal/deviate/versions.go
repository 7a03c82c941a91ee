package deviate

import "net/http"

// The two reads that tell which vendor release a target runs.
var (
	epmVersionsPath  = opPath("getMigrationAPIVersions", nil)
	essbaseAboutPath = opPath("essbaseAbout", nil)
)

func init() {
	Register(Deviation{
		Name:     "epm-versions-without-latest",
		Scope:    "api:epm-migration",
		CaughtBy: []string{"EPMV-READ-001"},
		Summary:  "Get REST API Versions for Migration lists its items without the documented latest flag",
		Response: onPath(http.MethodGet, epmVersionsPath, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) {
				items, _ := m["items"].([]any)
				for _, it := range items {
					if item, ok := it.(map[string]any); ok {
						delete(item, "latest")
					}
				}
			})
		}),
	})
	Register(Deviation{
		Name:     "essbase-about-without-version",
		Scope:    "api:essbase && id:ESS-ABOUT-001",
		CaughtBy: []string{"ESS-ABOUT-001"},
		Summary:  "About Essbase answers its name and description but not the documented version",
		Response: onPath(http.MethodGet, essbaseAboutPath, func(r *http.Response, body []byte) []byte {
			return editJSON(body, func(m map[string]any) { delete(m, "version") })
		}),
	})
}
