package scenario

import (
	"io/fs"
	"strings"
	"text/template"
	"text/template/parse"
)

// UsesRun says whether the request's body can differ between two run
// suffixes (Vars.Run): its template names .Run or $.Run, or hands dot or $
// whole to something (a print, a function), which could show the suffix.
// A dot inside range or with counts too, though it is something else
// there: the answer may say yes where the body does not change, never no
// where it does. A body that cannot differ is rendered once for the
// secrets it sends, not once for each worker's suffix.
func (r Request) UsesRun(fixtures fs.FS) bool {
	var text string
	switch {
	case r.BodyFile != "":
		data, err := fs.ReadFile(fixtures, r.BodyFile)
		if err != nil {
			return true
		}
		text = string(data)
	case r.BodyTmpl != "":
		data, err := fs.ReadFile(fixtures, r.BodyTmpl)
		if err != nil {
			return true
		}
		text = string(data)
	default:
		text = r.Body
	}
	if !strings.Contains(text, "{{") {
		return false
	}
	t, err := template.New("body").Funcs(funcs).Parse(text)
	if err != nil {
		return true // Render says what is wrong; here it only costs a render
	}
	return namesRun(t.Root)
}

// namesRun walks a template's tree for anything that could reach Run.
func namesRun(n parse.Node) bool {
	switch x := n.(type) {
	case nil:
		return false
	case *parse.ListNode:
		if x == nil {
			return false
		}
		for _, c := range x.Nodes {
			if namesRun(c) {
				return true
			}
		}
	case *parse.ActionNode:
		return namesRun(x.Pipe)
	case *parse.IfNode:
		return namesRun(x.Pipe) || namesRun(x.List) || namesRun(x.ElseList)
	case *parse.RangeNode:
		return namesRun(x.Pipe) || namesRun(x.List) || namesRun(x.ElseList)
	case *parse.WithNode:
		return namesRun(x.Pipe) || namesRun(x.List) || namesRun(x.ElseList)
	case *parse.TemplateNode:
		return true // another template sees what it is given
	case *parse.PipeNode:
		if x == nil {
			return false
		}
		for _, c := range x.Cmds {
			if namesRun(c) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, a := range x.Args {
			if namesRun(a) {
				return true
			}
		}
	case *parse.ChainNode:
		return namesRun(x.Node) || containsRun(x.Field)
	case *parse.FieldNode:
		return containsRun(x.Ident)
	case *parse.VariableNode:
		return len(x.Ident) == 1 || containsRun(x.Ident[1:])
	case *parse.DotNode:
		return true
	}
	return false
}

func containsRun(idents []string) bool {
	for _, id := range idents {
		if id == "Run" {
			return true
		}
	}
	return false
}
