// Package specs embeds the OpenAPI 3.0.3 documents transcribed from the
// vendor pages, so the binary validates against exactly the specs it was
// built with.
package specs

import "embed"

// FS holds every *.yaml spec of this folder.
//
//go:embed *.yaml
var FS embed.FS
