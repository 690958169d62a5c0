package storetest

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/store"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the calling goroutine, as the real one does, without failing the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalRecorder) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func TestUnreachablePostgresFailsWithHowToStartIt(t *testing.T) {
	t.Setenv("SHOPQB_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2")
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		URL(rec, store.Postgres)
	}()
	<-done
	if !strings.Contains(rec.msg, "not reachable") || !strings.Contains(rec.msg, "pg_ctlcluster 15 main start") {
		t.Fatalf("unreachable PostgreSQL gave %q; want a failure saying how to start it", rec.msg)
	}
}

func TestOpenGivesIsolatedDatabases(t *testing.T) {
	ctx := context.Background()
	for _, backend := range Backends() {
		a, b := Open(t, backend), Open(t, backend)
		if a.Dialect() != backend {
			t.Fatalf("Open(%s) gave a %s database", backend, a.Dialect())
		}
		MustShopID(t, a, "same.myshopify.com")
		// The same domain in the other database is no conflict: they are separate.
		MustShopID(t, b, "same.myshopify.com")
		shops, err := b.ListShops(ctx)
		if err != nil || len(shops) != 1 {
			t.Fatalf("%s: second database has %d shops, %v", backend, len(shops), err)
		}
	}
}
