package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// KeyEnvVar names the environment variable holding the base64 box key. When
// set it wins over the key file, so a container can take its key from a
// secret store instead of a volume.
const KeyEnvVar = "SHOPQB_SECRET_KEY"

// KeySize is the box key length: 32 bytes, for AES-256.
const KeySize = 32

// sealVersion is the first byte of every sealed value, so the format can
// change (a new cipher, a key identifier) without guessing at old data.
const sealVersion byte = 1

// aadPrefix separates shopqb's sealed secrets from anything else the same key
// might ever authenticate.
const aadPrefix = "shopqb/secret/v1\x00"

// ErrOpen is returned by Open for every failure to authenticate a sealed
// value: wrong key, wrong aad, truncation or tampering. They are
// deliberately indistinguishable.
var ErrOpen = errors.New("secret: cannot open sealed value (wrong key, wrong binding, or damaged data)")

// Box encrypts secrets at rest with AES-256-GCM. Each Seal draws a fresh
// random 96-bit nonce; at the volumes shopqb seals (a few secrets per shop,
// re-sealed on rotation) the chance of a nonce repeating under one key is
// negligible. A Box is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// NewKey returns a fresh random key, base64-encoded, for OpenBox or the key
// file.
func NewKey() string {
	k := make([]byte, KeySize)
	_, _ = rand.Read(k) // crypto/rand.Read never fails (it aborts the process instead)
	return base64.StdEncoding.EncodeToString(k)
}

// OpenBox makes a Box from a base64 key of 32 bytes. Standard and URL-safe
// alphabets, with or without padding, are accepted, because keys are pasted
// from many tools.
func OpenBox(keyB64 string) (*Box, error) {
	keyB64 = strings.TrimSpace(keyB64)
	var key []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		key, err = enc.DecodeString(keyB64)
		if err == nil {
			break
		}
	}
	if err != nil {
		return nil, errors.New("secret: the box key is not valid base64")
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("secret: the box key is %d bytes; it must be %d (AES-256)", len(key), KeySize)
	}
	return newBox(key)
}

func newBox(key []byte) (*Box, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: make cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: make GCM: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Bind builds an aad that ties a sealed value to one shop and one secret
// name. The shop part is length-prefixed so no choice of names can make two
// different (shop, name) pairs produce the same binding.
func Bind(shop, name string) string {
	return strconv.Itoa(len(shop)) + ":" + shop + "/" + name
}

// Seal encrypts plaintext bound to aad. The aad is not stored; Open needs the
// same one, so a sealed value copied to another shop's row (whose aad
// differs) fails to open instead of leaking one shop's secret to another.
// Use Bind(shop, name) for aad. Output: version byte, nonce, ciphertext+tag.
func (b *Box) Seal(plaintext []byte, aad string) ([]byte, error) {
	if aad == "" {
		return nil, errors.New("secret: seal needs a binding (aad), e.g. Bind(shop, name)")
	}
	ns := b.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+b.aead.Overhead())
	out[0] = sealVersion
	_, _ = rand.Read(out[1 : 1+ns]) // crypto/rand.Read never fails (it aborts the process instead)
	return b.aead.Seal(out, out[1:1+ns], plaintext, []byte(aadPrefix+aad)), nil
}

// Open decrypts a value made by Seal with the same key and aad. Any mismatch
// returns ErrOpen.
func (b *Box) Open(ciphertext []byte, aad string) ([]byte, error) {
	ns := b.aead.NonceSize()
	if len(ciphertext) < 1+ns+b.aead.Overhead() || ciphertext[0] != sealVersion {
		return nil, ErrOpen
	}
	pt, err := b.aead.Open(nil, ciphertext[1:1+ns], ciphertext[1+ns:], []byte(aadPrefix+aad))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// LoadOrCreateKey opens the Box whose base64 key is in the file at path,
// creating the file (mode 0600, a fresh key) when it does not exist. The file
// is created atomically, so two processes starting together agree on one
// key. An existing key file readable by group or others is refused, as ssh
// refuses such private keys: a key anyone on the machine can read protects
// nothing. It does not consult KeyEnvVar; LoadBox does.
func LoadOrCreateKey(path string) (*Box, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := createKeyFile(path); err != nil {
			return nil, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("secret: read key file %s: %w", path, err)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("secret: stat key file %s: %w", path, err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, fmt.Errorf("secret: key file %s has mode %v; it must be readable by its owner only (chmod 600 %s)", path, fi.Mode().Perm(), path)
		}
	}
	box, err := OpenBox(string(data))
	if err != nil {
		return nil, fmt.Errorf("secret: key file %s: %w", path, err)
	}
	return box, nil
}

// createKeyFile writes a new key to a temporary file and links it into
// place; the link fails if another process got there first, in which case
// that process's key is kept.
func createKeyFile(path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".shopqb-key-*")
	if err != nil {
		return fmt.Errorf("secret: create key file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("secret: create key file %s: %w", path, err)
	}
	if _, err := tmp.WriteString(NewKey() + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("secret: write key file %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("secret: write key file %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("secret: write key file %s: %w", path, err)
	}
	err = os.Link(tmpName, path)
	if err == nil || errors.Is(err, os.ErrExist) {
		return nil
	}
	// Some file systems have no hard links; exclusive create is the next
	// best guard against two processes writing different keys.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("secret: create key file %s: %w", path, err)
	}
	if _, err := f.WriteString(NewKey() + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("secret: write key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("secret: write key file %s: %w", path, err)
	}
	return nil
}

// LoadBox opens the Box from KeyEnvVar when it is set, and otherwise from
// the key file at path (created if missing).
func LoadBox(path string) (*Box, error) {
	if k, ok := os.LookupEnv(KeyEnvVar); ok && strings.TrimSpace(k) != "" {
		box, err := OpenBox(k)
		if err != nil {
			return nil, fmt.Errorf("secret: %s: %w", KeyEnvVar, err)
		}
		return box, nil
	}
	return LoadOrCreateKey(path)
}
