package qbxml

import (
	"testing"

	"github.com/shopqb/shopqb/internal/testenv"
)

// ValidateXSD fails the test when doc (a complete qbXML document, as built by
// MsgSet.Build) does not validate against the real qbXML 13.0 schema.
func ValidateXSD(t testing.TB, doc string) {
	t.Helper()
	if err := Validate(testenv.Xmllint(t), testenv.QBXMLSchema(t), doc); err != nil {
		t.Fatalf("%v\n--- message ---\n%s", err, doc)
	}
}
