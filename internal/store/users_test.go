package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/store/storetest"
)

func TestUsersGrantsAndSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		a := storetest.MustShopID(t, db, "a.myshopify.com")
		b := storetest.MustShopID(t, db, "b.myshopify.com")

		kim := &shopqb.User{Email: " Kim@Example.com ", PasswordHash: "$argon2id$x"}
		if err := db.CreateUser(ctx, kim); err != nil || kim.ID == 0 || kim.Email != "kim@example.com" {
			t.Fatalf("CreateUser: %v %+v", err, kim)
		}
		if err := db.CreateUser(ctx, &shopqb.User{Email: "KIM@example.com", PasswordHash: "h"}); !errors.Is(err, shopqb.ErrConflict) {
			t.Fatalf("same e-mail in another case: %v, want ErrConflict", err)
		}
		op := &shopqb.User{Email: "op@example.com", PasswordHash: "h", Operator: true}
		if err := db.CreateUser(ctx, op); err != nil {
			t.Fatal(err)
		}
		got, err := db.UserByEmail(ctx, "KIM@example.COM")
		if err != nil || got.ID != kim.ID || got.PasswordHash != "$argon2id$x" || got.Operator {
			t.Fatalf("UserByEmail: %+v %v", got, err)
		}
		if _, err := db.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("unknown user: %v", err)
		}
		got.Locale = "ko"
		got.PasswordHash = "$argon2id$y"
		if err := db.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		if u, _ := db.UserByID(ctx, kim.ID); u.Locale != "ko" || u.PasswordHash != "$argon2id$y" {
			t.Fatalf("UpdateUser not kept: %+v", u)
		}

		// Grants: kim sees a only; the operator sees both; nobody sees a shop that does not exist.
		for range 2 {
			if err := db.GrantShop(ctx, kim.ID, a); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			user, shop int64
			want       bool
		}{{kim.ID, a, true}, {kim.ID, b, false}, {op.ID, a, true}, {op.ID, b, true}, {op.ID, 9999, false}, {9999, a, false}} {
			if ok, err := db.UserCanSee(ctx, c.user, c.shop); err != nil || ok != c.want {
				t.Errorf("UserCanSee(%d, %d) = %v, %v; want %v", c.user, c.shop, ok, err, c.want)
			}
		}
		if ids, err := db.UserShopIDs(ctx, kim.ID); err != nil || len(ids) != 1 || ids[0] != a {
			t.Fatalf("UserShopIDs = %v %v", ids, err)
		}
		if refs, n, err := db.VisibleShops(ctx, kim.ID, 0, 10); err != nil || n != 1 || len(refs) != 1 || refs[0].ID != a || refs[0].Domain != "a.myshopify.com" {
			t.Fatalf("VisibleShops(kim) = %v %d %v", refs, n, err)
		}
		if refs, n, err := db.VisibleShops(ctx, op.ID, 1, 10); err != nil || n != 2 || len(refs) != 1 || refs[0].ID != b {
			t.Fatalf("VisibleShops(operator, second page) = %v %d %v", refs, n, err)
		}
		if err := db.RevokeShop(ctx, kim.ID, a); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.UserCanSee(ctx, kim.ID, a); ok {
			t.Fatal("revoked grant still sees the shop")
		}
		db.GrantShop(ctx, kim.ID, b)
		if _, err := db.DeleteShopData(ctx, b, nil); err != nil {
			t.Fatalf("erasing a granted shop: %v", err)
		}
		if ids, _ := db.UserShopIDs(ctx, kim.ID); len(ids) != 0 {
			t.Fatalf("grant of an erased shop survived: %v", ids)
		}

		// Sessions.
		now := time.Now().UTC().Truncate(time.Second)
		s := &shopqb.Session{IDHash: []byte("hash-1"), UserID: kim.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(7 * 24 * time.Hour)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if err := db.TouchSession(ctx, s.IDHash, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		gs, err := db.SessionByHash(ctx, []byte("hash-1"))
		if err != nil || gs.UserID != kim.ID || !gs.LastSeenAt.Equal(now.Add(time.Hour)) || !gs.ExpiresAt.Equal(s.ExpiresAt) {
			t.Fatalf("SessionByHash: %+v %v", gs, err)
		}
		if err := db.DeleteSession(ctx, s.IDHash); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionByHash(ctx, s.IDHash); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("deleted session: %v", err)
		}
		// A session past its absolute end is swept out by the next login.
		old := &shopqb.Session{IDHash: []byte("old"), UserID: kim.ID, CreatedAt: now.Add(-8 * 24 * time.Hour), LastSeenAt: now, ExpiresAt: now.Add(-time.Hour)}
		db.CreateSession(ctx, old)
		db.CreateSession(ctx, &shopqb.Session{IDHash: []byte("new"), UserID: kim.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)})
		if _, err := db.SessionByHash(ctx, []byte("old")); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("expired session not swept: %v", err)
		}
		if err := db.DeleteUserSessions(ctx, kim.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SessionByHash(ctx, []byte("new")); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatal("DeleteUserSessions left a session")
		}
	})
}

func TestLoginFailuresAndLinks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		db := storetest.Open(t, backend)
		now := time.Now().UTC().Truncate(time.Second)
		if n, oldest, err := db.LoginFailuresSince(ctx, "email:kim@example.com", now.Add(-time.Hour)); err != nil || n != 0 || !oldest.IsZero() {
			t.Fatalf("no failures: %d %v %v", n, oldest, err)
		}
		for i := range 3 {
			if err := db.RecordLoginFailure(ctx, now.Add(time.Duration(i)*time.Minute), "ip:192.0.2.1", "email:kim@example.com"); err != nil {
				t.Fatal(err)
			}
		}
		db.RecordLoginFailure(ctx, now, "email:other@example.com")
		n, oldest, err := db.LoginFailuresSince(ctx, "email:kim@example.com", now.Add(-time.Hour))
		if err != nil || n != 3 || !oldest.Equal(now) {
			t.Fatalf("LoginFailuresSince = %d %v %v", n, oldest, err)
		}
		if n, oldest, _ := db.LoginFailuresSince(ctx, "ip:192.0.2.1", now.Add(90*time.Second)); n != 1 || !oldest.Equal(now.Add(2*time.Minute)) {
			t.Fatalf("window start not honoured: %d %v", n, oldest)
		}
		if err := db.ClearLoginFailures(ctx, "email:kim@example.com"); err != nil {
			t.Fatal(err)
		}
		if n, _, _ := db.LoginFailuresSince(ctx, "email:kim@example.com", now.Add(-time.Hour)); n != 0 {
			t.Fatal("failures not cleared")
		}
		if n, _, _ := db.LoginFailuresSince(ctx, "ip:192.0.2.1", now.Add(-time.Hour)); n != 3 {
			t.Fatal("clearing one key cleared another")
		}

		u := &shopqb.User{Email: "kim@example.com", PasswordHash: "h"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateLoginLink(ctx, []byte("link"), u.ID, now.Add(15*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TakeLoginLink(ctx, []byte("link"), now.Add(16*time.Minute)); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("expired link: %v", err)
		}
		if _, err := db.TakeLoginLink(ctx, []byte("link"), now); !errors.Is(err, shopqb.ErrNotFound) {
			t.Fatalf("an expired link that was tried is gone: %v", err)
		}
		db.CreateLoginLink(ctx, []byte("race"), u.ID, now.Add(15*time.Minute))
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 4 {
			wg.Go(func() {
				id, err := db.TakeLoginLink(ctx, []byte("race"), now)
				if err == nil && id == u.ID {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, shopqb.ErrNotFound) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("login link used %d times, want once", wins)
		}
	})
}
