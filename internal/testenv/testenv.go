// Package testenv finds what tests need outside the module: the shared
// reference folder (qbXML XSDs, Shopify schemas) and tools such as xmllint.
// The shared folder is test data owned by the project's steering repo; it is
// read in place, never copied into this module.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// SharedDir returns the shared reference folder: $SHOPQB_SHARED_DIR, or
// ../shared beside the repository. It fails the test when it is missing,
// because a spec test that silently skips cannot fail.
func SharedDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("SHOPQB_SHARED_DIR")
	if dir == "" {
		dir = filepath.Join(RepoRoot(tb), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "qbxml")); err != nil {
		tb.Fatalf("testenv: shared folder not found at %s (set SHOPQB_SHARED_DIR): %v", dir, err)
	}
	return dir
}

// QBXMLSchema returns the path of the qbXML 13.0 root schema.
func QBXMLSchema(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(SharedDir(tb), "qbxml", "13.0", "qbxmlops130.xsd")
}

// ShopifySchema returns the path of a gzipped Admin GraphQL schema, e.g. "2026-10" or "unstable".
func ShopifySchema(tb testing.TB, version string) string {
	tb.Helper()
	return filepath.Join(SharedDir(tb), "shopify", "admin_"+version+".graphql.gz")
}

// Xmllint returns the path of xmllint and fails the test when it is missing:
// the README's test command installs it, so absence is a set-up error.
func Xmllint(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		tb.Fatal("testenv: xmllint not found; run the README's test command, which installs libxml2-utils")
	}
	return p
}
