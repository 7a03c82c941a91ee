package config

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// The README's list of settings is rendered from the table: `go generate
// ./internal/config` writes it between these markers, and a test fails
// while what stands there is not what the table renders.
const (
	settingsBegin = "<!-- settings: generated from internal/config/settings.go by `go generate ./internal/config`; edit the table, not this list -->\n"
	settingsEnd   = "<!-- settings: end -->\n"
)

// SettingsMarkdown is the README's list of settings: every setting of the
// table, then the ones each product has of its own.
func SettingsMarkdown() string {
	var b strings.Builder
	code := func(s string) string {
		if s == "" {
			return ""
		}
		return "`" + s + "`"
	}
	b.WriteString("| config file | environment variable | flag | default | meaning |\n|---|---|---|---|---|\n")
	for _, s := range settings {
		flag := ""
		if s.Flag != "" {
			flag = "--" + s.Flag
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", code(s.Key), code(s.Env), code(flag), code(s.DefaultString()), cell(s.Help))
	}
	fmt.Fprintf(&b, "\nEach product (%s) has these of its own, which win over the ones above for that product:\n\n", strings.Join(Products, ", "))
	b.WriteString("| config file | environment variables | flags | meaning |\n|---|---|---|---|\n")
	for _, s := range settings {
		if s.product == nil {
			continue
		}
		var envs, flags []string
		for _, p := range Products {
			own := s.Of(p)
			envs = append(envs, code(own.Env))
			if own.Flag != "" {
				flags = append(flags, code("--"+own.Flag))
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", code("products.<product>."+s.product.key), strings.Join(envs, ", "),
			strings.Join(flags, ", "), cell(fmt.Sprintf(s.product.help, "the product")))
	}
	return b.String()
}

// cell keeps a table cell on one row.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// SpliceSettings puts SettingsMarkdown between the markers of doc.
func SpliceSettings(doc []byte) ([]byte, error) {
	i := bytes.Index(doc, []byte(settingsBegin))
	j := bytes.Index(doc, []byte(settingsEnd))
	if i < 0 || j < i {
		return nil, errors.New("the README has no settings markers: " + strings.TrimSpace(settingsBegin) + " … " + strings.TrimSpace(settingsEnd))
	}
	var out bytes.Buffer
	out.Write(doc[:i+len(settingsBegin)])
	out.WriteString(SettingsMarkdown())
	out.Write(doc[j:])
	return out.Bytes(), nil
}
