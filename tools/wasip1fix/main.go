// Command wasip1fix rewrites wit-bindgen-go output (*.wasm.go files) so that
// mainline Go (GOOS=wasip1, Go >= 1.24) accepts it. Mainline Go only allows
// pointers to "wasm-compatible" element types in //go:wasmimport and
// //go:wasmexport signatures; wit-bindgen-go uses *cm.Result, *string,
// *cm.List, ... there. Each such function is split in two: a raw function
// carrying the directive with unsafe.Pointer in place of every pointer, and a
// typed Go function with the original name/signature. TinyGo accepts the
// result as well.
//
// Usage: go run . <gen-dir>
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasip1fix <gen-dir>")
		os.Exit(2)
	}
	n := 0
	err := filepath.WalkDir(os.Args[1], func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".wasm.go") {
			return err
		}
		changed, err := fixFile(p)
		if changed {
			n++
		}
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasip1fix:", err)
		os.Exit(1)
	}
	fmt.Printf("wasip1fix: rewrote %d files\n", n)
}

func directive(fd *ast.FuncDecl) string {
	if fd.Doc == nil {
		return ""
	}
	for _, c := range fd.Doc.List {
		if strings.HasPrefix(c.Text, "//go:wasmimport ") {
			return "import"
		}
		if strings.HasPrefix(c.Text, "//go:wasmexport ") {
			return "export"
		}
	}
	return ""
}

func hasPtr(fl *ast.FieldList) bool {
	if fl == nil {
		return false
	}
	for _, f := range fl.List {
		if _, ok := f.Type.(*ast.StarExpr); ok {
			return true
		}
	}
	return false
}

func fixFile(path string) (bool, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return false, err
	}
	str := func(e ast.Expr) string {
		var b bytes.Buffer
		printer.Fprint(&b, fset, e)
		return b.String()
	}
	// sig renders a parameter list; raw=true swaps pointers for unsafe.Pointer.
	sig := func(fl *ast.FieldList, raw bool) string {
		var parts []string
		for _, fld := range fl.List {
			t := str(fld.Type)
			if _, ok := fld.Type.(*ast.StarExpr); ok && raw {
				t = "unsafe.Pointer"
			}
			var names []string
			for _, n := range fld.Names {
				names = append(names, n.Name)
			}
			if len(names) > 0 {
				parts = append(parts, strings.Join(names, ", ")+" "+t)
			} else {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, ", ")
	}
	// callArgs renders the parameter names, converting pointer params.
	callArgs := func(fl *ast.FieldList, toRaw bool) string {
		var out []string
		for _, fld := range fl.List {
			for _, n := range fld.Names {
				s := n.Name
				if _, ok := fld.Type.(*ast.StarExpr); ok {
					if toRaw {
						s = "unsafe.Pointer(" + s + ")"
					} else {
						s = "(" + str(fld.Type) + ")(" + s + ")"
					}
				}
				out = append(out, s)
			}
		}
		return strings.Join(out, ", ")
	}
	type repl struct {
		start, end int
		text       string
	}
	var repls []repl
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok {
			continue
		}
		kind := directive(fd)
		if kind == "" || !(hasPtr(fd.Type.Params) || hasPtr(fd.Type.Results)) {
			continue
		}
		name := fd.Name.Name
		var dirs, rest []string
		for _, c := range fd.Doc.List {
			if strings.HasPrefix(c.Text, "//go:") || strings.HasPrefix(c.Text, "//export ") {
				dirs = append(dirs, c.Text)
			} else {
				rest = append(rest, c.Text)
			}
		}
		var res *ast.Field
		if fd.Type.Results != nil && len(fd.Type.Results.List) == 1 {
			res = fd.Type.Results.List[0]
		}
		var b strings.Builder
		if kind == "import" {
			for _, c := range rest {
				b.WriteString(c + "\n")
			}
			resSig := ""
			if res != nil {
				resSig = " " + sig(&ast.FieldList{List: []*ast.Field{{Type: res.Type}}}, false)
			}
			fmt.Fprintf(&b, "func %s(%s)%s {\n\t", name, sig(fd.Type.Params, false), resSig)
			if res != nil {
				b.WriteString("return ")
			}
			fmt.Fprintf(&b, "%s_raw(%s)\n}\n\n", name, callArgs(fd.Type.Params, true))
			for _, c := range dirs {
				b.WriteString(c + "\n")
			}
			rawRes := ""
			if res != nil {
				rawRes = " " + sig(&ast.FieldList{List: []*ast.Field{{Type: res.Type}}}, true)
			}
			fmt.Fprintf(&b, "func %s_raw(%s)%s", name, sig(fd.Type.Params, true), rawRes)
		} else {
			for _, c := range dirs {
				b.WriteString(c + "\n")
			}
			rawRes := ""
			ret := ""
			call := fmt.Sprintf("%s_typed(%s)", name, callArgs(fd.Type.Params, false))
			if res != nil {
				rawRes = " " + sig(&ast.FieldList{List: []*ast.Field{{Type: res.Type}}}, true)
				ret = "return "
				if _, ok := res.Type.(*ast.StarExpr); ok {
					call = "unsafe.Pointer(" + call + ")"
				}
			}
			fmt.Fprintf(&b, "func %s(%s)%s {\n\t%s%s\n}\n\n", name, sig(fd.Type.Params, true), rawRes, ret, call)
			for _, c := range rest {
				b.WriteString(c + "\n")
			}
			body := string(src[fset.Position(fd.Type.Pos()).Offset:fset.Position(fd.End()).Offset])
			body = strings.Replace(body, "func "+name+"(", "func "+name+"_typed(", 1)
			b.WriteString(body)
		}
		repls = append(repls, repl{fset.Position(fd.Doc.Pos()).Offset, fset.Position(fd.End()).Offset, b.String()})
	}
	if len(repls) == 0 {
		return false, nil
	}
	var out bytes.Buffer
	last := 0
	for _, r := range repls {
		out.Write(src[last:r.start])
		out.WriteString(r.text)
		last = r.end
	}
	out.Write(src[last:])
	text := out.String()
	if !hasUnsafe(f) {
		// Insert a separate import declaration right after the package clause.
		pkgEnd := fset.Position(f.Name.End()).Offset
		text = text[:pkgEnd] + "\n\nimport \"unsafe\"\n" + text[pkgEnd:]
	}
	formatted, err := format.Source([]byte(text))
	if err != nil {
		return false, fmt.Errorf("%s: %v", path, err)
	}
	return true, os.WriteFile(path, formatted, 0o644)
}

func hasUnsafe(f *ast.File) bool {
	for _, im := range f.Imports {
		if im.Path.Value == `"unsafe"` {
			return true
		}
	}
	return false
}
