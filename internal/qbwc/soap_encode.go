package qbwc

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// envelopeOpen and envelopeClose frame every response the way .NET SOAP
// services frame theirs, which is the shape the Web Connector was built
// against.
const (
	envelopeOpen = `<?xml version="1.0" encoding="utf-8"?>` +
		`<soap:Envelope xmlns:soap="` + soap11NS + `" xmlns:xsi="` + xsiNS + `" xmlns:xsd="` + xsdNS + `">` +
		`<soap:Body>`
	envelopeClose = `</soap:Body></soap:Envelope>`
)

// soapResult is an operation's answer: exactly one of a string, an int or a
// string array, as the WSDL declares for that operation.
type soapResult struct {
	kind    resultKind
	str     string
	num     int
	strings []string
}

type resultKind int

const (
	resultString resultKind = iota
	resultInt
	resultStrings
)

func stringResult(s string) soapResult     { return soapResult{kind: resultString, str: s} }
func intResult(n int) soapResult           { return soapResult{kind: resultInt, num: n} }
func stringsResult(ss []string) soapResult { return soapResult{kind: resultStrings, strings: ss} }

// encodeResponse writes <methodResponse><methodResult>…</methodResult></methodResponse>.
// Strings are XML-escaped, never embedded as markup: the Web Connector takes
// the qbXML request as the text of sendRequestXMLResult (Guide ch. 5).
func encodeResponse(method string, res soapResult) []byte {
	var b bytes.Buffer
	b.WriteString(envelopeOpen)
	b.WriteString(`<` + method + `Response xmlns="` + IntuitNS + `">`)
	switch res.kind {
	case resultString:
		writeTextElement(&b, method+"Result", res.str)
	case resultInt:
		writeTextElement(&b, method+"Result", strconv.Itoa(res.num))
	case resultStrings:
		b.WriteString(`<` + method + `Result>`)
		for _, s := range res.strings {
			writeTextElement(&b, "string", s)
		}
		b.WriteString(`</` + method + `Result>`)
	}
	b.WriteString(`</` + method + `Response>`)
	b.WriteString(envelopeClose)
	return b.Bytes()
}

// encodeFault writes a SOAP 1.1 Fault. faultcode and faultstring are
// unqualified, as SOAP 1.1 §4.4 specifies.
func encodeFault(f *soapFault) []byte {
	var b bytes.Buffer
	b.WriteString(envelopeOpen)
	b.WriteString(`<soap:Fault>`)
	writeTextElement(&b, "faultcode", f.Code)
	writeTextElement(&b, "faultstring", f.Message)
	b.WriteString(`</soap:Fault>`)
	b.WriteString(envelopeClose)
	return b.Bytes()
}

func writeTextElement(b *bytes.Buffer, name, text string) {
	if text == "" {
		b.WriteString(`<` + name + ` />`)
		return
	}
	b.WriteString(`<` + name + `>`)
	escapeText(b, text)
	b.WriteString(`</` + name + `>`)
}

// escapeText writes text as xml.EscapeText does: <, >, &, quotes and
// \t \n \r escaped, so line breaks in qbXML survive the trip, and
// characters XML cannot carry replaced. A qbXML request set is most of a
// sendRequestXML answer: markup every few bytes, with plain runs between.
// Each byte is classed by a table (escapeClass), and runs and escapes are
// appended to the buffer's spare capacity (grown once) rather than written
// call by call. Text with a character to replace (which the endpoint
// refuses before answering, see checkResult) goes to xml.EscapeText.
func escapeText(b *bytes.Buffer, text string) {
	b.Grow(len(text) + len(text)/4)
	dst := b.AvailableBuffer()
	last := 0
	for i := 0; i < len(text); {
		switch escapeClass[text[i]] {
		case plainByte:
			i++
			continue
		case escapedByte:
			dst = append(dst, text[last:i]...)
			dst = append(dst, escapes[text[i]]...)
			i++
			last = i
		case multiByte:
			r, size := utf8.DecodeRuneInString(text[i:])
			if (r == utf8.RuneError && size == 1) || !xmlChar(r) {
				b.Write(dst)
				escapeSlow(b, text, last)
				return
			}
			i += size
		default: // a control character XML cannot carry
			b.Write(dst)
			escapeSlow(b, text, last)
			return
		}
	}
	dst = append(dst, text[last:]...)
	b.Write(dst)
}

// The classes of escapeClass.
const (
	plainByte   = iota // copied as it is
	escapedByte        // replaced by escapes[c]
	multiByte          // starts (or continues) a UTF-8 sequence, checked whole
	badByte            // a control character xml.EscapeText replaces
)

// escapes are the replacements of the escaped bytes, as xml.EscapeText
// writes them.
var escapes = [utf8.RuneSelf]string{
	'<': "&lt;", '>': "&gt;", '&': "&amp;", '\'': "&#39;", '"': "&#34;",
	'\t': "&#x9;", '\n': "&#xA;", '\r': "&#xD;",
}

// escapeClass classes every byte value for escapeText.
var escapeClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = multiByte
		case escapes[c] != "":
			t[c] = escapedByte
		case c < 0x20:
			t[c] = badByte
		}
	}
	return t
}()

// escapeSlow writes text[from:] with xml.EscapeText, the part before from
// having been written already.
func escapeSlow(b *bytes.Buffer, text string, from int) {
	_ = xml.EscapeText(b, []byte(text[from:])) // a bytes.Buffer write never fails
}

// xmlChar is XML 1.0's Char production above ASCII, as encoding/xml
// checks it.
func xmlChar(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// checkXMLText reports the first character in s that XML 1.0 cannot carry
// (control characters other than tab, CR and LF; invalid UTF-8; U+FFFE and
// U+FFFF). encoding/xml would silently replace it, which would change a qbXML
// request behind the Service's back, so the endpoint refuses instead.
func checkXMLText(s string) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Errorf("invalid UTF-8 at byte %d", i)
			}
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return fmt.Errorf("character %U at byte %d cannot appear in XML", r, i)
		}
	}
	return nil
}

// checkResult applies checkXMLText to every string in a result.
func checkResult(res soapResult) error {
	switch res.kind {
	case resultString:
		return checkXMLText(res.str)
	case resultStrings:
		for i, s := range res.strings {
			if err := checkXMLText(s); err != nil {
				return fmt.Errorf("string %d: %w", i, err)
			}
		}
	}
	return nil
}
