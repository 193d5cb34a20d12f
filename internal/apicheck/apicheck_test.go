package apicheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// publicPackages are the module's importable packages (the generated code
// under gen/ is left out: it imports nothing internal).
var publicPackages = []string{"verifier", "verifier/verifiertest", "interceptor", "backendapi", "server", "webhook", "emulator"}

func TestExportedAPINamesNoInternalType(t *testing.T) {
	t.Parallel()
	for _, pkg := range publicPackages {
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			for _, leak := range internalInAPI(t, filepath.Join("..", "..", pkg)) {
				t.Errorf("%s: %s", pkg, leak)
			}
		})
	}
}

// TestInternalInAPIFindsLeaks: the check itself sees an internal type in
// each place the exported API can carry one, and nothing in the places it
// cannot.
func TestInternalInAPIFindsLeaks(t *testing.T) {
	t.Parallel()
	src := `package p
import (
	"example.com/m/internal/x"
	y "example.com/m/internal/y"
	"strings"
)
type Exported struct {
	Field  *x.T
	hidden x.T
}
type hidden struct{ F x.T }
type Alias = y.T
type Iface interface{ M(y.T) }
func F(a x.T) (strings.Builder, error) { return strings.Builder{}, nil }
func G() y.T { var v y.T; return v }
func g(a x.T) {}
func (Exported) Method(x.T) {}
func (hidden) Method(x.T) {}
var V x.T
var W = y.New()
var w x.T
const C = x.Name
`
	dir := t.TempDir()
	if err := writeFile(filepath.Join(dir, "p.go"), src); err != nil {
		t.Fatal(err)
	}
	got := internalInAPI(t, dir)
	want := []string{"type Exported field Field", "type Alias", "type Iface", "func F", "func G", "method Exported.Method", "var V", "var W"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("leaks found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// internalInAPI lists the exported declarations of the package in dir
// (test files aside) whose types mention an internal/ package.
func internalInAPI(t *testing.T, dir string) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var leaks []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			internal := map[string]bool{} // import names of internal packages
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if !strings.Contains("/"+path+"/", "/internal/") {
					continue
				}
				name := path[strings.LastIndexByte(path, '/')+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				internal[name] = true
			}
			mentions := func(nodes ...ast.Node) bool {
				found := false
				for _, n := range nodes {
					if n == nil || found {
						continue
					}
					ast.Inspect(n, func(n ast.Node) bool {
						if sel, ok := n.(*ast.SelectorExpr); ok {
							if id, ok := sel.X.(*ast.Ident); ok && internal[id.Name] {
								found = true
							}
						}
						return !found
					})
				}
				return found
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					name := d.Name.Name
					if !ast.IsExported(name) {
						continue
					}
					what := "func " + name
					if d.Recv != nil {
						recv := receiverName(d.Recv.List[0].Type)
						if !ast.IsExported(recv) {
							continue
						}
						what = "method " + recv + "." + name
					}
					if mentions(d.Type) {
						leaks = append(leaks, what)
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.TypeSpec:
							if !ast.IsExported(s.Name.Name) {
								continue
							}
							if st, ok := s.Type.(*ast.StructType); ok {
								for _, fl := range st.Fields.List {
									exported := len(fl.Names) == 0 // embedded
									for _, n := range fl.Names {
										exported = exported || ast.IsExported(n.Name)
									}
									if exported && mentions(fl.Type) {
										leaks = append(leaks, "type "+s.Name.Name+" field "+fieldName(fl))
									}
								}
								continue
							}
							if mentions(s.Type) {
								leaks = append(leaks, "type "+s.Name.Name)
							}
						case *ast.ValueSpec:
							if d.Tok != token.VAR {
								continue // a constant's type is basic: its value may come from anywhere
							}
							for i, n := range s.Names {
								if !ast.IsExported(n.Name) {
									continue
								}
								var value ast.Node
								if i < len(s.Values) {
									value = s.Values[i]
								}
								if mentions(s.Type, value) {
									leaks = append(leaks, "var "+n.Name)
								}
							}
						}
					}
				}
			}
		}
	}
	return leaks
}

func receiverName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverName(e.X)
	case *ast.IndexExpr:
		return receiverName(e.X)
	case *ast.IndexListExpr:
		return receiverName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

func fieldName(fl *ast.Field) string {
	if len(fl.Names) > 0 {
		return fl.Names[0].Name
	}
	return "(embedded)"
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
