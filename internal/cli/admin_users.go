package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/webauth"
)

// Users of the self-hosted pages (/console): who may log in and which
// shops each sees. Passwords are read from standard input only, never from
// a flag (flags end up in shell history and process lists).

func adminUserAdd(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin user-add --email EMAIL --password-stdin [--shop D1,D2] [--operator]",
		"Adds a user of the self-hosted pages (/console). The password is read from standard input\n(e.g. `printf %s \"$PW\" | shopqb admin user-add --email kim@example.com --password-stdin --shop kim.myshopify.com`).")
	db := fs.databaseFlag()
	keyFile := fs.String("key-file", "", "file holding the key that encrypts secrets (SHOPQB_SECRET_KEY wins)")
	email := fs.String("email", "", "the user's e-mail, the login name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input (required)")
	shops := fs.String("shop", "", "comma-separated shop domains the user sees")
	operator := fs.Bool("operator", false, "the user sees every shop (the deployment's operator)")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	if *email == "" || !*fromStdin {
		fs.Usage()
		return errUsage
	}
	password, err := readPassword(m.stdin())
	if err != nil {
		return err
	}
	a, err := openAdmin(ctx, *db, *keyFile)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	ids, err := shopIDs(ctx, a, *shops)
	if err != nil {
		return err
	}
	u, err := webauth.AddUser(ctx, a.Store, *email, password, *operator, ids...)
	if errors.Is(err, shopqb.ErrConflict) {
		return fmt.Errorf("a user with e-mail %s already exists; grant shops with `shopqb admin user-grant`", strings.ToLower(*email))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "user %s added (%s)\n", u.Email, describeAccess(u.Operator, *shops))
	return nil
}

func adminUserGrant(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin user-grant --email EMAIL --shop D1,D2", "Lets a user of the self-hosted pages see more shops.")
	db := fs.databaseFlag()
	keyFile := fs.String("key-file", "", "file holding the key that encrypts secrets (SHOPQB_SECRET_KEY wins)")
	email := fs.String("email", "", "the user's e-mail")
	shops := fs.String("shop", "", "comma-separated shop domains to grant")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	if *email == "" || *shops == "" {
		fs.Usage()
		return errUsage
	}
	a, err := openAdmin(ctx, *db, *keyFile)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	u, err := a.Store.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user %s: add one with `shopqb admin user-add`: %w", *email, err)
	}
	ids, err := shopIDs(ctx, a, *shops)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := a.Store.GrantShop(ctx, u.ID, id); err != nil {
			return err
		}
	}
	fmt.Fprintf(m.Stdout, "user %s now sees %s\n", u.Email, *shops)
	return nil
}

func adminLoginLink(ctx context.Context, m *Main, args []string) error {
	fs := m.newFlagSet("admin login-link --email EMAIL [--url BASE]",
		fmt.Sprintf("Prints a one-time login link for a user of the self-hosted pages, valid for %d minutes.", int(webauth.LoginLinkTTL.Minutes())))
	db := fs.databaseFlag()
	keyFile := fs.String("key-file", "", "file holding the key that encrypts secrets (SHOPQB_SECRET_KEY wins)")
	email := fs.String("email", "", "the user's e-mail")
	base := fs.String("url", "http://127.0.0.1:8080", "the server's public base URL")
	if err := fs.parse(args, false); err != nil {
		return err
	}
	if *email == "" {
		fs.Usage()
		return errUsage
	}
	a, err := openAdmin(ctx, *db, *keyFile)
	if err != nil {
		return err
	}
	defer a.Close(context.Background())
	u, err := a.Store.UserByEmail(ctx, *email)
	if err != nil {
		return fmt.Errorf("no user %s: add one with `shopqb admin user-add`: %w", *email, err)
	}
	link, err := a.Standalone.NewLoginLink(ctx, u.ID, *base)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, link)
	return nil
}

// readPassword reads one line (the password) from r.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, webauth.CheckPasswordStrength(pw)
}

// shopIDs resolves a comma-separated list of shop domains.
func shopIDs(ctx context.Context, a *app.App, list string) ([]int64, error) {
	var ids []int64
	for _, d := range strings.Split(list, ",") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		s, err := a.Store.ShopByDomain(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("shop %s: %w (list shops with `shopqb admin shops`)", d, err)
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

func describeAccess(operator bool, shops string) string {
	switch {
	case operator:
		return "operator: sees every shop"
	case shops == "":
		return "no shops yet: grant some with `shopqb admin user-grant`"
	}
	return "sees " + shops
}

func (m *Main) stdin() io.Reader {
	if m.Stdin != nil {
		return m.Stdin
	}
	return os.Stdin
}
