package qbxml

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// plainScanner reads the plain XML that shopqb and QuickBooks write —
// elements with ASCII names and quoted attributes, text with the five
// predefined entities and character references, an <?xml?> and <?qbxml?>
// declaration — several times faster than encoding/xml, which dominates the
// Web Connector's round trips otherwise (a response and every request of a
// set are read once each). It does not report errors: anything outside that
// subset or not well-formed (comments, CDATA, DOCTYPE, namespaces, a
// mismatched end tag, an illegal character) stops it, and the caller reads
// the input again with encoding/xml, which accepts or rejects it and says
// why. So what it accepts is read exactly as encoding/xml reads it
// (FuzzPlainMatchesEncodingXML holds it to that).
type plainScanner struct {
	s     string
	i     int
	stack []string // names of the open elements

	kind  plainKind
	name  string      // start and end tags; a declaration's target
	attrs []plainAttr // start tags; reused from token to token
	text  string      // text
	// pendingEnd is set after a self-closing tag: its end is the next token.
	pendingEnd bool
}

type plainKind int

const (
	plainEOF plainKind = iota
	plainStart
	plainEnd
	plainText
	plainDecl // <?xml …?> or <?qbxml …?>
)

type plainAttr struct{ name, value string }

// next reads the next token into z; false means the input is outside the
// plain subset or not well-formed, and z must not be used further. At the
// end of well-formed input the token is plainEOF.
func (z *plainScanner) next() bool {
	if z.pendingEnd {
		z.pendingEnd = false
		z.kind, z.name = plainEnd, z.stack[len(z.stack)-1]
		z.stack = z.stack[:len(z.stack)-1]
		return true
	}
	if z.i >= len(z.s) {
		z.kind = plainEOF
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

func (z *plainScanner) readStart() bool {
	z.i++ // '<'
	name, ok := z.readName()
	if !ok {
		return false
	}
	z.kind, z.name, z.attrs = plainStart, name, z.attrs[:0]
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
		z.attrs = append(z.attrs, plainAttr{an, v})
	}
}

func (z *plainScanner) readEnd() bool {
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
	z.kind, z.name = plainEnd, name
	return true
}

// readDecl accepts the two declarations qbXML documents carry. An <?xml?>
// declaration naming a version other than 1.0 is left to encoding/xml,
// which refuses it.
func (z *plainScanner) readDecl() bool {
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
	z.kind, z.name = plainDecl, target
	return true
}

func (z *plainScanner) readText() bool {
	end := strings.IndexByte(z.s[z.i:], '<')
	if end < 0 {
		end = len(z.s) - z.i
	}
	t, ok := decodePlain(z.s[z.i:z.i+end], false)
	if !ok {
		return false
	}
	z.i += end
	z.kind, z.text = plainText, t
	return true
}

// readName reads an element or attribute name of ASCII letters, digits and
// _ . - (starting with a letter or _), the names qbXML uses. A colon (a
// namespace prefix) or a non-ASCII letter stops the scanner.
func (z *plainScanner) readName() (string, bool) {
	start := z.i
	for z.i < len(z.s) {
		c := z.s[z.i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || (z.i > start && ('0' <= c && c <= '9' || c == '.' || c == '-')) {
			z.i++
			continue
		}
		if c == ':' || c >= utf8.RuneSelf || '0' <= c && c <= '9' || c == '.' || c == '-' {
			return "", false
		}
		break
	}
	return z.s[start:z.i], z.i > start
}

func (z *plainScanner) skipSpace() {
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
	plain := true
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '&' || c == '\r':
			plain = false
			i++
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
	if plain {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\r':
			b.WriteByte('\n')
			i++
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case '&':
			semi := strings.IndexByte(s[i:], ';')
			if semi < 0 {
				return "", false
			}
			r, ok := entity(s[i+1 : i+semi])
			if !ok {
				return "", false
			}
			b.WriteRune(r)
			i += semi + 1
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), true
}

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

// plainTree is parseTree's fast path: the same Nodes, or false when the
// input must be read by encoding/xml (see plainScanner).
func plainTree(s string) ([]*Node, bool) {
	z := plainScanner{s: s}
	var roots, stack []*Node
	var texts []string // the text gathered so far in each open element
	for {
		if !z.next() {
			return nil, false
		}
		switch z.kind {
		case plainEOF:
			return roots, true
		case plainStart:
			if len(stack) >= maxDepth {
				return nil, false
			}
			n := &Node{Name: z.name}
			if len(z.attrs) > 0 {
				n.Attrs = make(map[string]string, len(z.attrs))
				for _, a := range z.attrs {
					n.Attrs[a.name] = a.value
				}
			}
			if len(stack) == 0 {
				roots = append(roots, n)
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
			texts = append(texts, "")
		case plainEnd:
			stack[len(stack)-1].Text = strings.TrimSpace(texts[len(texts)-1])
			stack, texts = stack[:len(stack)-1], texts[:len(texts)-1]
		case plainText:
			if len(texts) == 0 {
				continue
			}
			// Leading space is trimmed in the end anyway; leaving it out
			// keeps an element holding only children from gathering the
			// whitespace between them.
			if t := &texts[len(texts)-1]; *t == "" {
				*t = strings.TrimLeftFunc(z.text, unicode.IsSpace)
			} else {
				*t += z.text
			}
		}
	}
}

// plainRoot is withRequestID's fast path to singleRoot: the name of el's one
// root element and whether it has a requestID attribute, or false when
// singleRoot must read el (to accept it, or to say what is wrong with it).
func plainRoot(el string) (name string, hasRequestID, ok bool) {
	if !strings.HasPrefix(el, "<") {
		return "", false, false
	}
	z := plainScanner{s: el}
	for {
		if !z.next() {
			return "", false, false
		}
		switch z.kind {
		case plainEOF:
			return name, hasRequestID, name != ""
		case plainDecl:
			return "", false, false
		case plainText:
			if len(z.stack) == 0 && strings.TrimSpace(z.text) != "" {
				return "", false, false
			}
		case plainStart:
			if len(z.stack) == 1 { // the root, just opened
				if name != "" {
					return "", false, false
				}
				name = z.name
				for _, a := range z.attrs {
					hasRequestID = hasRequestID || a.name == "requestID"
				}
			}
		}
	}
}
