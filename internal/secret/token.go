package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// appTokenBytes is the app token's entropy: 160 bits, comfortably above the
// 128 a guessed token must beat.
const appTokenBytes = 20

// appTokenGroup is how many characters sit between dashes when the token is
// shown, so a person can compare and paste it in pieces.
const appTokenGroup = 4

// NewAppToken makes a shop's app token, the password a merchant pastes into
// the Web Connector, and the SHA-256 hash to store in its place. The token is
// upper-case base32 (A–Z, 2–7) in dash-separated groups of four: URL-safe,
// without the digits 0, 1 and 8 that are confused with O, I and B, and easy
// to read aloud. It is shown once;
// only the hash is kept, so a leaked database does not leak tokens.
func NewAppToken() (token string, hash []byte) {
	raw := make([]byte, appTokenBytes)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails (it aborts the process instead)
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw)
	var b strings.Builder
	for i := 0; i < len(enc); i += appTokenGroup {
		if i > 0 {
			b.WriteByte('-')
		}
		end := min(i+appTokenGroup, len(enc))
		b.WriteString(enc[i:end])
	}
	token = b.String()
	return token, HashAppToken(token)
}

// HashAppToken is the stored form of an app token: SHA-256 of the token with
// dashes and white space removed and letters upper-cased, so a token pasted
// with a stray space, without its dashes or in lower case still matches.
// The token's 160 random bits make a plain hash sufficient; a slow password
// hash would only add cost to every Web Connector call.
func HashAppToken(token string) []byte {
	sum := sha256.Sum256([]byte(canonicalAppToken(token)))
	return sum[:]
}

func canonicalAppToken(token string) string {
	var b strings.Builder
	b.Grow(len(token))
	for _, r := range token {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\r' || r == '\n':
			continue
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CheckAppToken reports whether token matches the stored hash. The
// comparison takes the same time wherever the hashes differ, and an empty
// token never matches, even against a hash of the empty string.
func CheckAppToken(hash []byte, token string) bool {
	if len(hash) != sha256.Size || canonicalAppToken(token) == "" {
		return false
	}
	return subtle.ConstantTimeCompare(hash, HashAppToken(token)) == 1
}

// NewTicket makes a Web Connector session ticket: 128 random bits written
// in GUID shape (8-4-4-4-12 lower-case hex), which is how the Web Connector
// shows tickets in its log. No bits are spent on UUID version markers, so the
// ticket keeps all 128 bits of entropy.
func NewTicket() string {
	var raw [16]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails (it aborts the process instead)
	h := hex.EncodeToString(raw[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
