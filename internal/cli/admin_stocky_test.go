package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
)

func TestAdminStockyKey(t *testing.T) {
	t.Setenv(secret.KeyEnvVar, "")
	dir := t.TempDir()
	db, keyFile := filepath.Join(dir, "shopqb.db"), filepath.Join(dir, "shopqb.key")
	const domain = "stocky-cli.myshopify.com"
	if code, out, errOut := run(t, "admin", "shop-add", "--database", db, "--key-file", keyFile, "--shop", domain, "--time-zone", "UTC"); code != 0 {
		t.Fatalf("shop-add: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := run(t, "admin", "stocky-key", "--database", db, "--key-file", keyFile, "--shop", domain); code != 2 {
		t.Errorf("stocky-key without --key: exit %d, want 2 (usage)", code)
	}
	code, out, errOut := run(t, "admin", "stocky-key", "--database", db, "--key-file", keyFile, "--shop", domain, "--key", "stocky-cli-key", "--store-name", "Corner Store")
	if code != 0 || strings.Contains(out+errOut, "stocky-cli-key") {
		t.Fatalf("stocky-key: exit %d\n%s%s", code, out, errOut)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	shop, err := st.ShopByDomain(ctx, domain)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.LoadBox(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := st.Secret(ctx, shop.ID, shopadmin.SecretStockyKey)
	if err != nil {
		t.Fatal(err)
	}
	if key, err := box.Open(ct, secret.Bind(domain, shopadmin.SecretStockyKey)); err != nil || string(key) != "stocky-cli-key" {
		t.Errorf("stored key %q, %v", key, err)
	}
	if name, err := st.KV(ctx, shop.ID, shopadmin.KVStockyStore); err != nil || string(name) != "Corner Store" {
		t.Errorf("stored store name %q, %v", name, err)
	}
}
