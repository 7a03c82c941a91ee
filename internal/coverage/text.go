package coverage

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// textListLimit is how many scenario IDs a line shows; --json lists all.
const textListLimit = 5

// WriteJSON writes the coverage for machines.
func (c *Coverage) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteText writes the coverage as tables for a person: per operation its
// statuses and how many scenarios expect each (and how many the report saw
// answered), per quirk its scenarios, then what nothing exercises.
func (c *Coverage) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "How it is derived: %s\n\n", c.Derivation)
	for _, o := range c.Operations {
		fmt.Fprintf(tw, "%s\t%s %s\t(%s)\n", o.ID, o.Method, o.Path, o.Spec)
		for _, s := range o.Statuses {
			note := ""
			if !s.Documented {
				note = " (not documented)"
			}
			observed := ""
			if c.Report != "" {
				observed = fmt.Sprintf("\tobserved in %d", len(s.Observed))
			}
			fmt.Fprintf(tw, "  %s%s\t%d scenarios%s\t%s\n", s.Code, note, len(s.Scenarios), observed, ids(s.Scenarios))
		}
		if len(o.Touched) > 0 {
			fmt.Fprintf(tw, "  no status\t%d scenarios\t%s\n", len(o.Touched), ids(o.Touched))
		}
	}
	fmt.Fprintln(tw, "\nquirks")
	for _, q := range c.Quirks {
		missing := ""
		if len(q.Missing) > 0 {
			missing = "\tlisted but no such scenario: " + strings.Join(q.Missing, ", ")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d scenarios\t%s%s\n", q.ID, q.API, len(q.Scenarios), ids(q.Scenarios), missing)
	}
	g := c.Gaps
	fmt.Fprintln(tw, "\nnot exercised")
	fmt.Fprintf(tw, "  operations (%d)\t%s\n", len(g.Operations), orNone(g.Operations))
	fmt.Fprintf(tw, "  documented statuses no scenario expects (%d)\t%s\n", len(g.Statuses), orNone(g.Statuses))
	if c.Report != "" {
		fmt.Fprintf(tw, "  documented statuses %s never showed (%d)\t%s\n", c.Report, len(g.Unobserved), orNone(g.Unobserved))
	}
	fmt.Fprintf(tw, "  quirks no scenario records (%d)\t%s\n", len(g.Quirks), orNone(g.Quirks))
	return tw.Flush()
}

func ids(list []string) string {
	if len(list) > textListLimit {
		return strings.Join(list[:textListLimit], ", ") + fmt.Sprintf(", … %d more", len(list)-textListLimit)
	}
	return strings.Join(list, ", ")
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
