package webauth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are argon2id's costs. They are written into every hash
// (PHC string form), so raising them later still verifies old hashes, and
// NeedsRehash tells when a stored hash is weaker than the current setting.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultArgon2 follows RFC 9106 §4's second recommendation for memory
// that is not abundant: 64 MiB, 3 passes, here 2 lanes (a small self-hosted
// server has few cores), a 16-byte salt and a 32-byte key. About a tenth of
// a second per login on one core.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// minPasswordLen is the shortest password accepted (NIST SP 800-63B: at least 8).
const minPasswordLen = 10

// maxPasswordLen bounds the work one login can ask for.
const maxPasswordLen = 1024

// HashPassword returns the argon2id hash of password in PHC form:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key> (unpadded base64).
func HashPassword(password string, p Argon2Params) (string, error) {
	if err := CheckPasswordStrength(password); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPasswordStrength refuses passwords too short to resist guessing, or
// long enough to be a denial of service.
func CheckPasswordStrength(password string) error {
	switch n := len([]rune(password)); {
	case n < minPasswordLen:
		return fmt.Errorf("the password must have at least %d characters (it has %d)", minPasswordLen, n)
	case len(password) > maxPasswordLen:
		return fmt.Errorf("the password must have at most %d bytes", maxPasswordLen)
	}
	return nil
}

// errBadHash is a stored hash shopqb cannot read.
var errBadHash = errors.New("stored password hash is not an argon2id PHC string")

// parseHash splits a PHC argon2id string.
func parseHash(encoded string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 4*1024*1024 || p.Time > 100 {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches the PHC hash, comparing
// the keys in constant time with the hash's own parameters.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > maxPasswordLen {
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether a stored hash uses weaker parameters than p.
func NeedsRehash(encoded string, p Argon2Params) bool {
	h, _, _, err := parseHash(encoded)
	return err != nil || h.Memory < p.Memory || h.Time < p.Time || h.KeyLen < p.KeyLen || h.SaltLen < p.SaltLen
}
