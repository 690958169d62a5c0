package shopifysim

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// versionPattern accepts Shopify's version names: YYYY-MM or "unstable".
// Checking it before touching the file system keeps a request path from
// naming an arbitrary file.
var versionPattern = regexp.MustCompile(`^(\d{4}-\d{2}|unstable)$`)

// schemaCache loads each API version's SDL the first time a request uses it
// (a schema costs about 0.1 s and 30 MB) and keeps it.
type schemaCache struct {
	dir string
	mu  sync.Mutex
	m   map[string]*schemaEntry
}

type schemaEntry struct {
	once   sync.Once
	schema *ast.Schema
	err    error
}

var (
	cachesMu sync.Mutex
	caches   = map[string]*schemaCache{}
)

// newSchemaCache returns the process-wide cache for a folder: schemas are
// immutable once loaded, so simulators (and tests) over the same folder
// share them instead of parsing 3 MB of SDL each.
func newSchemaCache(dir string) *schemaCache {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	cachesMu.Lock()
	defer cachesMu.Unlock()
	if c := caches[abs]; c != nil {
		return c
	}
	c := &schemaCache{dir: abs, m: map[string]*schemaEntry{}}
	caches[abs] = c
	return c
}

// errUnknownVersion means no schema file exists for the requested version;
// Shopify answers such paths with 404.
type errUnknownVersion struct{ version string }

func (e errUnknownVersion) Error() string {
	return fmt.Sprintf("API version %q is not available in this simulator", e.version)
}

func (c *schemaCache) get(version string) (*ast.Schema, error) {
	if !versionPattern.MatchString(version) {
		return nil, errUnknownVersion{version}
	}
	path := filepath.Join(c.dir, "admin_"+version+".graphql.gz")
	if _, err := os.Stat(path); err != nil {
		return nil, errUnknownVersion{version}
	}
	c.mu.Lock()
	e := c.m[version]
	if e == nil {
		e = &schemaEntry{}
		c.m[version] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.schema, e.err = loadSchemaFile(path) })
	return e.schema, e.err
}

func loadSchemaFile(path string) (*ast.Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load schema %s: %w", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("load schema %s: %w", path, err)
	}
	sdl, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("load schema %s: %w", path, err)
	}
	s, err := gqlparser.LoadSchema(&ast.Source{Name: filepath.Base(path), Input: string(sdl)})
	if err != nil {
		return nil, fmt.Errorf("load schema %s: %w", path, err)
	}
	return s, nil
}
