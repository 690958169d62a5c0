package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/webauth"
)

func TestConsoleLoginMakesTheDemoUserOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, err := app.Open(ctx, app.Config{DatabaseURL: filepath.Join(dir, "db"), KeyFile: filepath.Join(dir, "key")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	a.URL = "http://127.0.0.1:8080"
	reg, err := a.Admin.Register(ctx, shopadmin.Registration{Domain: demoDomain, Name: "Demo", TimeZone: "America/New_York"}, demoActor)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := printConsoleLogin(ctx, &out, a, reg.Shop); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "http://127.0.0.1:8080/console/ (user demo@shopqb.test, password ") || !strings.Contains(s, "http://127.0.0.1:8080/console/login/link?token=") {
		t.Fatalf("printed %q", s)
	}
	u, err := a.Store.UserByEmail(ctx, demoUser)
	if err != nil {
		t.Fatal(err)
	}
	pw := s[strings.Index(s, "password ")+9 : strings.Index(s, ")")]
	if ok, _ := webauth.VerifyPassword(u.PasswordHash, pw); !ok {
		t.Fatal("printed password does not log in")
	}
	if ok, _ := a.Store.UserCanSee(ctx, u.ID, reg.Shop.ID); !ok {
		t.Fatal("demo user does not see the demo shop")
	}
	// A second run on the same database keeps the user and prints a new link, no password.
	out.Reset()
	if err := printConsoleLogin(ctx, &out, a, reg.Shop); err != nil || strings.Contains(out.String(), "password") {
		t.Fatalf("second run: %q %v", out.String(), err)
	}
}
