package qbwc

import (
	"bytes"
	"encoding/xml"
	"math/rand/v2"
	"testing"
)

// TestEscapeTextMatchesEncodingXML: the fast escaper writes exactly what
// xml.EscapeText writes, for qbXML as for text with every kind of
// character it treats apart.
func TestEscapeTextMatchesEncodingXML(t *testing.T) {
	cases := []string{
		"",
		"plain",
		`<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError"><CustomerAddRq requestID='1'><Name>Ann &amp; Bo</Name></CustomerAddRq></QBXMLMsgsRq></QBXML>`,
		"line\nbreaks\r\nand\ttabs",
		"ünïcødé – “quotes” and 😀",
		"bad \xff byte",
		"control \x01 char",
		"non-characters \uFFFE \uFFFF and \uFFFD",
		"ends with <",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "<", ">", "&", "'", `"`, "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "é", "\xe2\x82", "\uFFFE", "😀", " "}
	for range 2000 {
		var s string
		for range rng.IntN(20) {
			s += alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		var want, got bytes.Buffer
		_ = xml.EscapeText(&want, []byte(s))
		got.WriteString("prefix")
		escapeText(&got, s)
		if g := got.String()[len("prefix"):]; g != want.String() {
			t.Fatalf("escapeText(%q) = %q, want %q", s, g, want.String())
		}
	}
}
