package planner

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// externalGUID derives the ExternalGUID stored on a QuickBooks record from the
// company file and the posting key, as a name-based (version 5 style) UUID in
// qbXML's GUIDTYPE form "{8-4-4-4-12}". The same key in the same file always
// gets the same GUID, which is how an in-doubt posting is recognised later.
func externalGUID(fileID, key string) string {
	h := sha1.Sum([]byte("shopqb\x00" + strings.ToUpper(fileID) + "\x00" + key))
	b := h[:16]
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	x := strings.ToUpper(hex.EncodeToString(b))
	return fmt.Sprintf("{%s-%s-%s-%s-%s}", x[0:8], x[8:12], x[12:16], x[16:20], x[20:32])
}

// planHash fingerprints a request so a re-plan that changes a done posting
// is noticed (and becomes an adjustment, never an edit).
func planHash(request string) string {
	h := sha256.Sum256([]byte(request))
	return hex.EncodeToString(h[:])
}
