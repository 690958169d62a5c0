package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/webauth"
)

// demoUser is the self-hosted login the demo creates, granted the demo shop.
const demoUser = "demo@shopqb.test"

// consoleLogin gives `shopqb demo --serve` a way into the self-hosted
// pages: the demo user (made once per database, with a random password)
// and a one-time login link for it.
func consoleLogin(ctx context.Context, a *app.App, shops ...*shopqb.Shop) (password, link string, err error) {
	if len(shops) == 0 {
		return "", "", errors.New("demo user: no shop to grant")
	}
	shop := shops[0]
	u, err := a.Store.UserByEmail(ctx, demoUser)
	if errors.Is(err, shopqb.ErrNotFound) {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return "", "", err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
		u, err = webauth.AddUser(ctx, a.Store, demoUser, password, false, shop.ID)
	} else if err == nil {
		err = a.Store.GrantShop(ctx, u.ID, shop.ID)
	}
	for _, other := range shops[1:] {
		if err == nil {
			err = a.Store.GrantShop(ctx, u.ID, other.ID)
		}
	}
	if err != nil {
		return "", "", fmt.Errorf("demo user: %w", err)
	}
	link, err = a.Standalone.NewLoginLink(ctx, u.ID, a.URL)
	if err != nil {
		return "", "", fmt.Errorf("demo login link: %w", err)
	}
	return password, link, nil
}

func printConsoleLogin(ctx context.Context, out io.Writer, a *app.App, shops ...*shopqb.Shop) error {
	password, link, err := consoleLogin(ctx, a, shops...)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  Merchant pages     %s/console/ (user %s", a.URL, demoUser)
	if password != "" {
		fmt.Fprintf(out, ", password %s", password)
	}
	fmt.Fprintf(out, ")\n  One-time login     %s (valid %d minutes, once)\n", link, int(webauth.LoginLinkTTL.Minutes()))
	return nil
}
