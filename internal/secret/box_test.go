package secret

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func mustBox(t *testing.T) *Box {
	t.Helper()
	b, err := OpenBox(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBoxSealOpen(t *testing.T) {
	box := mustBox(t)
	secret := []byte("shpat_0123456789abcdef")
	aad := Bind("shop-1", "shopify-token")
	c1, err := box.Seal(secret, aad)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := box.Seal(secret, aad)
	if bytes.Equal(c1, c2) {
		t.Fatal("two seals of the same secret are identical: nonce not random")
	}
	if bytes.Contains(c1, secret) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := box.Open(c1, aad)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	empty, err := box.Seal(nil, aad)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(empty, aad); err != nil || len(got) != 0 {
		t.Fatalf("empty secret: %q %v", got, err)
	}
	if _, err := box.Seal(secret, ""); err == nil {
		t.Fatal("Seal without a binding accepted")
	}
}

func TestBoxRefuses(t *testing.T) {
	box := mustBox(t)
	aad := Bind("shop-1", "shopify-token")
	sealed, err := box.Seal([]byte("s3cret"), aad)
	if err != nil {
		t.Fatal(err)
	}
	tamper := func(i int) []byte {
		c := bytes.Clone(sealed)
		c[i] ^= 0x01
		return c
	}
	tests := []struct {
		name string
		box  *Box
		data []byte
		aad  string
	}{
		{"wrong key", mustBox(t), sealed, aad},
		{"another shop", box, sealed, Bind("shop-2", "shopify-token")},
		{"another secret name", box, sealed, Bind("shop-1", "stocky-key")},
		{"binding shifted between shop and name", box, sealed, Bind("shop-1/shopify", "token")},
		{"tampered version", box, tamper(0), aad},
		{"tampered nonce", box, tamper(1), aad},
		{"tampered ciphertext", box, tamper(14), aad},
		{"tampered tag", box, tamper(len(sealed) - 1), aad},
		{"truncated", box, sealed[:len(sealed)-1], aad},
		{"too short", box, sealed[:5], aad},
		{"empty", box, nil, aad},
	}
	for _, tc := range tests {
		if pt, err := tc.box.Open(tc.data, tc.aad); !errors.Is(err, ErrOpen) || pt != nil {
			t.Errorf("%s: Open = %q, %v; want ErrOpen", tc.name, pt, err)
		}
	}
}

func TestBindIsUnambiguous(t *testing.T) {
	if Bind("a/b", "c") == Bind("a", "b/c") {
		t.Fatal("Bind collides across the separator")
	}
}

func TestOpenBoxKeys(t *testing.T) {
	raw := bytes.Repeat([]byte{0xfb}, 32) // encodes differently in std and URL alphabets
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		k := enc.EncodeToString(raw)
		if _, err := OpenBox(" " + k + "\n"); err != nil {
			t.Errorf("key %q refused: %v", k, err)
		}
	}
	a, _ := OpenBox(base64.StdEncoding.EncodeToString(raw))
	b, _ := OpenBox(base64.RawURLEncoding.EncodeToString(raw))
	sealed, _ := a.Seal([]byte("x"), "k")
	if _, err := b.Open(sealed, "k"); err != nil {
		t.Fatal("the same key in two alphabets gave different boxes")
	}
	for _, bad := range []string{"", "not base64!!", base64.StdEncoding.EncodeToString(raw[:16]), base64.StdEncoding.EncodeToString(append(raw, 1))} {
		_, err := OpenBox(bad)
		if err == nil {
			t.Errorf("key %q accepted", bad)
			continue
		}
		if bad != "" && strings.Contains(err.Error(), bad) {
			t.Errorf("error repeats the key: %v", err)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret.key")
	box1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	sealed, _ := box1.Seal([]byte("token"), "a")
	box2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box2.Open(sealed, "a"); err != nil || string(got) != "token" {
		t.Fatalf("reloaded key does not open: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}

	if runtime.GOOS != "windows" {
		if err := os.Chmod(path, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Fatalf("world-readable key accepted: %v", err)
		}
	}

	garbage := filepath.Join(dir, "garbage.key")
	if err := os.WriteFile(garbage, []byte("nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(garbage); err == nil {
		t.Fatal("garbage key file accepted")
	}
	if _, err := LoadOrCreateKey(filepath.Join(dir, "missing-dir", "k")); err == nil {
		t.Fatal("key file in a missing directory accepted")
	}
}

func TestLoadOrCreateKeyConcurrentStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	const n = 8
	boxes := make([]*Box, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			boxes[i], errs[i] = LoadOrCreateKey(path)
		}(i)
	}
	wg.Wait()
	sealed, err := mustNoErr(t, errs, boxes[0]).Seal([]byte("x"), "k")
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range boxes {
		if _, err := b.Open(sealed, "k"); err != nil {
			t.Fatalf("process %d got a different key", i)
		}
	}
}

func mustNoErr(t *testing.T, errs []error, b *Box) *Box {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestLoadBoxEnvWins(t *testing.T) {
	key := NewKey()
	t.Setenv(KeyEnvVar, key)
	path := filepath.Join(t.TempDir(), "secret.key")
	box, err := LoadBox(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("key file created although the environment holds the key")
	}
	want, _ := OpenBox(key)
	sealed, _ := want.Seal([]byte("x"), "k")
	if _, err := box.Open(sealed, "k"); err != nil {
		t.Fatal("LoadBox did not use the environment key")
	}
	t.Setenv(KeyEnvVar, "short")
	if _, err := LoadBox(path); err == nil || !strings.Contains(err.Error(), KeyEnvVar) {
		t.Fatalf("bad env key: %v", err)
	}
	t.Setenv(KeyEnvVar, "")
	if _, err := LoadBox(path); err != nil {
		t.Fatalf("empty env should fall back to the file: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("key file not created on fallback: %v", err)
	}
}
