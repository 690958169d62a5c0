package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // to break the store on purpose

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/app"
	"github.com/shopqb/shopqb/internal/secret"
	"github.com/shopqb/shopqb/internal/shopadmin"
	"github.com/shopqb/shopqb/internal/store"
)

const registrationAdminToken = "registration-test-admin-token"

// apiDoor is the JSON admin API of a server on the CLI's database.
type apiDoor struct {
	t *testing.T
	a *app.App
}

func openAPIDoor(t *testing.T, db, keyFile string) *apiDoor {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DatabaseURL: db, KeyFile: keyFile, Listen: "127.0.0.1:0", AdminToken: registrationAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close(context.Background()) })
	return &apiDoor{t: t, a: a}
}

// register posts a registration and returns the status and the error message or app token.
func (d *apiDoor) register(body map[string]string) (status int, errMsg, appToken string) {
	d.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", d.a.URL+"/api/shops", bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+registrationAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Error    string `json:"error"`
		AppToken string `json:"appToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		d.t.Fatal(err)
	}
	return resp.StatusCode, out.Error, out.AppToken
}

var printedToken = regexp.MustCompile(`app token \(shown once[^:]*\): (\S+)`)

// TestRegistrationIsOneActForEveryDoor registers a shop with `shopqb admin
// shop-add` and another with POST /api/shops on the same database and
// compares what each stored: the same validation refuses the same input with
// the same message, and an accepted registration gives the same fields, the
// same sealed token and the same audit.
func TestRegistrationIsOneActForEveryDoor(t *testing.T) {
	t.Setenv(secret.KeyEnvVar, "")
	dir := t.TempDir()
	db, keyFile := filepath.Join(dir, "shopqb.db"), filepath.Join(dir, "shopqb.key")
	if code, out, errOut := run(t, "admin", "shops", "--database", db); code != 0 {
		t.Fatalf("shops: exit %d\n%s%s", code, out, errOut)
	}
	api := openAPIDoor(t, db, keyFile)

	// The same refusals, word for word.
	for _, tc := range []struct {
		name    string
		cli     []string
		api     map[string]string
		mention string
	}{
		{"bad domain", []string{"--shop", "https://x.myshopify.com", "--time-zone", "UTC"}, map[string]string{"domain": "https://x.myshopify.com", "timeZone": "UTC"}, "myshopify.com"},
		{"bad zone", []string{"--shop", "x.myshopify.com", "--time-zone", "Mars/Olympus"}, map[string]string{"domain": "x.myshopify.com", "timeZone": "Mars/Olympus"}, "IANA"},
		{"Local zone", []string{"--shop", "x.myshopify.com", "--time-zone", "Local"}, map[string]string{"domain": "x.myshopify.com", "timeZone": "Local"}, "time zone"},
		{"bad currency", []string{"--shop", "x.myshopify.com", "--time-zone", "UTC", "--currency", "dollars"}, map[string]string{"domain": "x.myshopify.com", "timeZone": "UTC", "currency": "dollars"}, "ISO 4217"},
		{"bad Shopify URL", []string{"--shop", "x.myshopify.com", "--time-zone", "UTC", "--shopify-url", "ftp://x"}, map[string]string{"domain": "x.myshopify.com", "timeZone": "UTC", "shopifyUrl": "ftp://x"}, "Shopify URL"},
		{"pasted token with a space", []string{"--shop", "x.myshopify.com", "--time-zone", "UTC", "--shopify-token", "shpat_a b"}, map[string]string{"domain": "x.myshopify.com", "timeZone": "UTC", "shopifyToken": "shpat_a b"}, "spaces"},
		{"credentials without their auth", []string{"--shop", "x.myshopify.com", "--time-zone", "UTC", "--client-id", "id", "--client-secret", "s"}, map[string]string{"domain": "x.myshopify.com", "timeZone": "UTC", "clientId": "id", "clientSecret": "s"}, "client_credentials"},
	} {
		code, out, errOut := run(t, append([]string{"admin", "shop-add", "--database", db, "--key-file", keyFile}, tc.cli...)...)
		status, msg, tok := api.register(tc.api)
		if code != exitCodes[shopqb.EInvalid] || strings.Contains(out, "app token") || status != http.StatusBadRequest || tok != "" {
			t.Errorf("%s: CLI exit %d %q, API %d %q", tc.name, code, out, status, msg)
			continue
		}
		if !strings.Contains(msg, tc.mention) || !strings.Contains(errOut, msg) {
			t.Errorf("%s: CLI says %q, API says %q; want the same message mentioning %q", tc.name, errOut, msg, tc.mention)
		}
	}

	// The same registration through both doors.
	code, out, errOut := run(t, "admin", "shop-add", "--database", db, "--key-file", keyFile, "--shop", "cli-door.myshopify.com",
		"--name", "Door Shop", "--time-zone", "America/Chicago", "--currency", "CAD", "--shopify-url", "http://127.0.0.1:9", "--shopify-token", "shpat_door")
	if code != 0 {
		t.Fatalf("shop-add: exit %d\n%s%s", code, out, errOut)
	}
	m := printedToken.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("shop-add printed no app token:\n%s", out)
	}
	cliToken := m[1]
	status, msg, apiToken := api.register(map[string]string{"domain": "api-door.myshopify.com", "name": "Door Shop", "timeZone": "America/Chicago",
		"currency": "CAD", "shopifyUrl": "http://127.0.0.1:9", "shopifyToken": "shpat_door"})
	if status != http.StatusCreated || apiToken == "" {
		t.Fatalf("POST /api/shops: %d %s", status, msg)
	}
	if status, msg, _ := api.register(map[string]string{"domain": "cli-door.myshopify.com", "timeZone": "UTC"}); status != http.StatusConflict || !strings.Contains(msg, "already registered") {
		t.Errorf("the API registered the CLI's shop again: %d %s", status, msg)
	}
	if code, _, errOut := run(t, "admin", "shop-add", "--database", db, "--key-file", keyFile, "--shop", "api-door.myshopify.com", "--time-zone", "UTC"); code != exitCodes[shopqb.EConflict] || !strings.Contains(errOut, "already registered") {
		t.Errorf("the CLI registered the API's shop again: exit %d %s", code, errOut)
	}

	// The other acts answer with their code's exit status too.
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"start", "--shop", "cli-door.myshopify.com"}, 6},
		{[]string{"token", "--shop", "nobody.myshopify.com"}, 4},
		{[]string{"settings", "--shop", "cli-door.myshopify.com", "--schedule", "weekly"}, 3},
	} {
		if code, out, errOut := run(t, append(append([]string{"admin"}, tc.args[0], "--database", db, "--key-file", keyFile), tc.args[1:]...)...); code != tc.code {
			t.Errorf("admin %v: exit %d, want %d\n%s%s", tc.args, code, tc.code, out, errOut)
		}
	}

	ctx := context.Background()
	st := api.a.Store
	viaCLI, err := st.ShopByDomain(ctx, "cli-door.myshopify.com")
	if err != nil {
		t.Fatal(err)
	}
	viaAPI, err := st.ShopByDomain(ctx, "api-door.myshopify.com")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(viaCLI.AppTokenHash, secret.HashAppToken(cliToken)) || !bytes.Equal(viaAPI.AppTokenHash, secret.HashAppToken(apiToken)) {
		t.Error("a printed app token is not the one stored")
	}
	if viaCLI.AppTokenCreatedAt == nil || viaAPI.AppTokenCreatedAt == nil {
		t.Error("the app token's creation time was not recorded")
	}
	if got, want := comparable(viaAPI, "api-door"), comparable(viaCLI, "cli-door"); got != want || !strings.Contains(got, `"Currency":"CAD"`) {
		t.Errorf("the doors stored different shops:\nCLI %s\nAPI %s", want, got)
	}
	for _, s := range []*shopqb.Shop{viaCLI, viaAPI} {
		tok, err := api.a.Admin.OpenSecret(ctx, s, shopadmin.SecretShopifyToken)
		if err != nil || string(tok) != "shpat_door" {
			t.Errorf("Shopify token of %s: %q, %v", s.Domain, tok, err)
		}
	}
	if got, want := auditOf(t, st, viaAPI.ID, "api-door"), auditOf(t, st, viaCLI.ID, "cli-door"); got != want {
		t.Errorf("the doors audited differently:\nCLI %s\nAPI %s", want, got)
	}
}

// comparable is a shop with what must differ between two shops (ids, the
// domain and what is derived from it, times, the token) taken out.
func comparable(s *shopqb.Shop, name string) string {
	c := *s
	c.ID, c.AppTokenHash, c.AppTokenCreatedAt = 0, nil, nil
	b, err := json.Marshal(c)
	if err != nil {
		return "not encodable: " + err.Error()
	}
	out := strings.ReplaceAll(string(b), name, "<shop>")
	out = regexp.MustCompile(`"(CreatedAt|UpdatedAt)":"[^"]*"`).ReplaceAllString(out, `"$1":"<t>"`)
	// OwnerID and FileID are GUIDs derived from the domain: present, not equal.
	return regexp.MustCompile(`"(OwnerID|FileID)":"\{[0-9A-F-]{36}\}"`).ReplaceAllString(out, `"$1":"<guid>"`)
}

// auditOf lists a shop's audit without the actor (each door names itself).
func auditOf(t *testing.T, st store.API, shopID int64, name string) string {
	t.Helper()
	entries, err := st.Audit(context.Background(), shopID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.Action + " " + strings.ReplaceAll(e.Detail, name, "<shop>") + "; ")
	}
	return b.String()
}

// TestShopAddPrintsTheAppTokenWhenALaterStepFails: the app token is shown
// once, so when the shop was created but its Shopify token could not be
// stored, the CLI still prints the app token, then the error with the fix.
func TestShopAddPrintsTheAppTokenWhenALaterStepFails(t *testing.T) {
	t.Setenv(secret.KeyEnvVar, "")
	dir := t.TempDir()
	db, keyFile := filepath.Join(dir, "shopqb.db"), filepath.Join(dir, "shopqb.key")
	if code, out, errOut := run(t, "admin", "shops", "--database", db); code != 0 {
		t.Fatalf("shops: exit %d\n%s%s", code, out, errOut)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	// The secrets table refuses every write, as a full disk would.
	if _, err := raw.Exec(`CREATE TRIGGER secrets_full BEFORE INSERT ON secrets BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	code, out, errOut := run(t, "admin", "shop-add", "--database", db, "--key-file", keyFile, "--shop", "half.myshopify.com", "--time-zone", "UTC", "--shopify-token", "shpat_half")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	m := printedToken.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the app token was not printed:\n%s\nstderr: %s", out, errOut)
	}
	if !strings.Contains(errOut, "registered but its Shopify token was not stored") || !strings.Contains(errOut, "shopqb admin shopify-token") || strings.Contains(out+errOut, "shpat_half") {
		t.Errorf("stderr %q", errOut)
	}
	st, err := store.Open(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	shop, err := st.ShopByDomain(context.Background(), "half.myshopify.com")
	if err != nil {
		t.Fatalf("the shop was not kept: %v", err)
	}
	if !bytes.Equal(shop.AppTokenHash, secret.HashAppToken(m[1])) {
		t.Error("the printed app token is not the shop's")
	}
}
