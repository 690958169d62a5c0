package qbwc

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// shopqbGUIDNamespace is the fixed namespace under which StableGUID hashes a
// namespace string that is not itself a GUID. Changing it would change every
// OwnerID and FileID shopqb has ever written, so it never changes.
var shopqbGUIDNamespace = [16]byte{0x5e, 0x0c, 0x4b, 0x2a, 0x91, 0x3d, 0x4f, 0x6e, 0x8a, 0x17, 0xc2, 0x55, 0x0b, 0x9f, 0x3e, 0x71}

// StableGUID derives a GUID from a namespace and a name the way a version-5
// (SHA-1, name-based) UUID is derived, formatted for a .qwc as
// {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}. The same inputs always give the same
// GUID, so regenerating a shop's .qwc keeps its OwnerID and FileID, and the
// Web Connector keeps recognising the company file it stamped with them.
//
// A namespace that is itself a GUID (braces optional) is used as the UUID
// namespace directly, making the result a standard UUIDv5; any other string
// is first turned into a namespace by the same derivation under a fixed
// shopqb namespace.
func StableGUID(namespace, name string) string {
	ns, ok := parseGUID(namespace)
	if !ok {
		ns = uuidV5(shopqbGUIDNamespace, namespace)
	}
	return formatGUID(uuidV5(ns, name))
}

func uuidV5(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

func parseGUID(s string) ([16]byte, bool) {
	var u [16]byte
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	hexDigits := strings.ReplaceAll(s, "-", "")
	if len(hexDigits) != 32 {
		return u, false
	}
	if _, err := hex.Decode(u[:], []byte(hexDigits)); err != nil {
		return u, false
	}
	return u, true
}

func formatGUID(u [16]byte) string {
	h := strings.ToUpper(hex.EncodeToString(u[:]))
	return "{" + h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32] + "}"
}
