package testenv

import (
	"compress/gzip"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

var (
	schemaMu    sync.Mutex
	schemaCache = map[string]*ast.Schema{}
)

// GraphQLSchema loads a shared Admin API schema ("2026-10", "unstable"),
// once per test binary: parsing one takes most of a second.
func GraphQLSchema(tb testing.TB, version string) *ast.Schema {
	tb.Helper()
	schemaMu.Lock()
	defer schemaMu.Unlock()
	if s, ok := schemaCache[version]; ok {
		return s
	}
	f, err := os.Open(ShopifySchema(tb, version))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	sdl, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatal(err)
	}
	s, gerr := gqlparser.LoadSchema(&ast.Source{Name: "admin_" + version, Input: string(sdl)})
	if gerr != nil {
		tb.Fatalf("load schema %s: %v", version, gerr)
	}
	schemaCache[version] = s
	return s
}
