// Package plainxml reads the plain XML that shopqb and QuickBooks write, and
// the Web Connector's SOAP envelopes, several times faster than
// encoding/xml, which otherwise dominates the cost of a Web Connector round
// trip (its SOAP call, its response and every request of a set are read
// once each).
//
// It does not report errors: anything outside the plain subset or not
// well-formed stops it, and the caller reads the input again with
// encoding/xml, which accepts or rejects it and says why. So what it
// accepts must be read exactly as encoding/xml reads it; its callers' fuzz
// tests hold them to that.
package plainxml

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scanner reads elements with ASCII names and quoted attributes, text with
// the five predefined entities and character references, and <?xml?> and
// <?qbxml?> declarations. Comments, CDATA, DOCTYPE, a mismatched end tag or
// an illegal character stop it, and so does a namespace prefix unless
// Prefixed is set.
type Scanner struct {
	s     string
	i     int
	stack []string // names of the open elements

	// Prefixed accepts names with one namespace prefix ("soap:Body"),
	// returned whole: resolving them is the caller's.
	Prefixed bool

	Kind  Kind
	Name  string // start and end tags; a declaration's target
	Attrs []Attr // start tags; reused from token to token
	Text  string // text; a declaration's content after its target
	// pendingEnd is set after a self-closing tag: its end is the next token.
	pendingEnd bool
}

// NewScanner returns a scanner of s.
func NewScanner(s string) *Scanner { return &Scanner{s: s} }

// Depth is the number of elements open after the current token.
func (z *Scanner) Depth() int { return len(z.stack) }

// Kind is what a token is.
type Kind int

// The tokens; a self-closing tag is a Start followed by its End.
const (
	EOF Kind = iota
	Start
	End
	Text
	Decl // <?xml …?> or <?qbxml …?>
)

// Attr is an attribute as written: Name with its prefix, if any.
type Attr struct{ Name, Value string }

// Next reads the next token into z; false means the input is outside the
// plain subset or not well-formed, and z must not be used further. At the
// end of well-formed input the token is EOF.
func (z *Scanner) Next() bool {
	if z.pendingEnd {
		z.pendingEnd = false
		z.Kind, z.Name = End, z.stack[len(z.stack)-1]
		z.stack = z.stack[:len(z.stack)-1]
		return true
	}
	if z.i >= len(z.s) {
		z.Kind = EOF
		return len(z.stack) == 0
	}
	if z.s[z.i] != '<' {
		return z.readText()
	}
	if z.i+1 >= len(z.s) {
		return false
	}
	switch z.s[z.i+1] {
	case '/':
		return z.readEnd()
	case '?':
		return z.readDecl()
	case '!':
		return false // comment, CDATA or DOCTYPE: left to encoding/xml
	}
	return z.readStart()
}

func (z *Scanner) readStart() bool {
	z.i++ // '<'
	name, ok := z.readName()
	if !ok {
		return false
	}
	z.Kind, z.Name, z.Attrs = Start, name, z.Attrs[:0]
	for {
		z.skipSpace()
		if z.i >= len(z.s) {
			return false
		}
		switch z.s[z.i] {
		case '>':
			z.i++
			z.stack = append(z.stack, name)
			return true
		case '/':
			if z.i+1 >= len(z.s) || z.s[z.i+1] != '>' {
				return false
			}
			z.i += 2
			z.stack = append(z.stack, name)
			z.pendingEnd = true
			return true
		}
		an, ok := z.readName()
		if !ok {
			return false
		}
		z.skipSpace()
		if z.i >= len(z.s) || z.s[z.i] != '=' {
			return false
		}
		z.i++
		z.skipSpace()
		if z.i >= len(z.s) || (z.s[z.i] != '"' && z.s[z.i] != '\'') {
			return false
		}
		quote := z.s[z.i]
		z.i++
		end := strings.IndexByte(z.s[z.i:], quote)
		if end < 0 {
			return false
		}
		v, ok := decodePlain(z.s[z.i:z.i+end], true)
		if !ok {
			return false
		}
		z.i += end + 1
		z.Attrs = append(z.Attrs, Attr{an, v})
	}
}

func (z *Scanner) readEnd() bool {
	z.i += 2 // "</"
	name, ok := z.readName()
	if !ok {
		return false
	}
	z.skipSpace()
	if z.i >= len(z.s) || z.s[z.i] != '>' || len(z.stack) == 0 || z.stack[len(z.stack)-1] != name {
		return false
	}
	z.i++
	z.stack = z.stack[:len(z.stack)-1]
	z.Kind, z.Name = End, name
	return true
}

// readDecl accepts the two declarations qbXML documents carry. An <?xml?>
// declaration naming a version other than 1.0 is left to encoding/xml,
// which refuses it.
func (z *Scanner) readDecl() bool {
	z.i += 2 // "<?"
	target, ok := z.readName()
	if !ok || (target != "xml" && target != "qbxml") {
		return false
	}
	end := strings.Index(z.s[z.i:], "?>")
	if end < 0 {
		return false
	}
	content := z.s[z.i : z.i+end]
	if content != "" && !isXMLSpace(content[0]) {
		return false
	}
	for i := 0; i < len(content); i++ {
		if c := content[i]; c >= utf8.RuneSelf || (c < 0x20 && !isXMLSpace(c)) {
			return false
		}
	}
	if target == "xml" && strings.Contains(content, "version") &&
		!strings.Contains(content, `version="1.0"`) && !strings.Contains(content, `version='1.0'`) {
		return false
	}
	if target == "xml" && strings.Count(content, "version") > 1 {
		return false
	}
	z.i += end + 2
	z.Kind, z.Name, z.Text = Decl, target, content
	return true
}

func (z *Scanner) readText() bool {
	end := strings.IndexByte(z.s[z.i:], '<')
	if end < 0 {
		end = len(z.s) - z.i
	}
	t, ok := decodePlain(z.s[z.i:z.i+end], false)
	if !ok {
		return false
	}
	z.i += end
	z.Kind, z.Text = Text, t
	return true
}

// readName reads an element or attribute name of ASCII letters, digits and
// _ . - (starting with a letter or _), the names qbXML and SOAP use, with
// one prefix when Prefixed is set. Anything else stops the scanner.
func (z *Scanner) readName() (string, bool) {
	start, part, colons := z.i, z.i, 0
	for z.i < len(z.s) {
		c := z.s[z.i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_':
		case '0' <= c && c <= '9' || c == '.' || c == '-':
			if z.i == part {
				return "", false
			}
		case c == ':':
			if !z.Prefixed || colons > 0 || z.i == part {
				return "", false
			}
			colons++
			part = z.i + 1
		case c >= utf8.RuneSelf:
			return "", false
		default:
			return z.s[start:z.i], z.i > part
		}
		z.i++
	}
	return z.s[start:z.i], z.i > part
}

func (z *Scanner) skipSpace() {
	for z.i < len(z.s) && isXMLSpace(z.s[z.i]) {
		z.i++
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// decodePlain decodes character data or an attribute value as encoding/xml
// does: entities and character references replaced, "\r\n" and a lone "\r"
// read as "\n". It is a substring of its input unless something had to be
// replaced. inAttr refuses '<', which an attribute value may not hold.
func decodePlain(s string, inAttr bool) (string, bool) {
	if strings.Contains(s, "]]>") {
		return "", false
	}
	// One pass checks every character and, from the first reference or
	// carriage return on, builds the decoded text: an escaped qbXML
	// document (the SOAP call's response) has a reference every few
	// bytes, so checking first and decoding in a second pass would read
	// it twice.
	var b []byte
	run := 0 // start of the text not yet copied to b
	for i := 0; i < len(s); {
		c := s[i]
		if plainByte[c] {
			i++
			continue
		}
		switch {
		case c == '&':
			r, n, ok := reference(s[i:])
			if !ok {
				return "", false
			}
			if b == nil {
				b = make([]byte, 0, len(s))
			}
			b = append(b, s[run:i]...)
			if r < utf8.RuneSelf {
				b = append(b, byte(r))
			} else {
				b = utf8.AppendRune(b, r)
			}
			i += n
			run = i
		case c == '\r':
			if b == nil {
				b = make([]byte, 0, len(s))
			}
			b = append(b, s[run:i]...)
			b = append(b, '\n')
			i++
			if i < len(s) && s[i] == '\n' {
				i++
			}
			run = i
		case c == '<' && inAttr:
			return "", false
		case c < 0x20 && c != '\t' && c != '\n':
			return "", false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r == utf8.RuneError && size == 1) || !isXMLChar(r) {
				return "", false
			}
			i += size
		}
	}
	if b == nil {
		return s, true
	}
	return string(append(b, s[run:]...)), true
}

// reference reads the entity or character reference s starts with (at its
// '&'): the character it stands for and the reference's length. The
// references escaped markup is made of are matched before the general case.
func reference(s string) (rune, int, bool) {
	if len(s) >= 4 && s[2] == 't' && s[3] == ';' {
		switch s[1] {
		case 'l':
			return '<', 4, true
		case 'g':
			return '>', 4, true
		}
	}
	semi := strings.IndexByte(s, ';')
	if semi < 0 {
		return 0, 0, false
	}
	r, ok := entity(s[1:semi])
	return r, semi + 1, ok
}

// plainByte marks the bytes decodePlain passes over as they are: printable
// ASCII but for & and <, and tab and newline. A table keeps the common byte
// to one load and test.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '&' && c != '<'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// entity resolves the name between & and ; — one of the five predefined
// entities or a character reference (&#38; or &#x26;) to a legal character.
func entity(name string) (rune, bool) {
	switch name {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' || len(name) > 10 {
		return 0, false
	}
	digits, base := name[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || n > unicode.MaxRune || !isXMLChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// isXMLChar is XML 1.0's Char production, which encoding/xml enforces.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
