package qbwc

import (
	"strings"

	"github.com/shopqb/shopqb/internal/plainxml"
)

// plainSOAP is decodeSOAP's fast path for the envelopes the Web Connector
// sends: an optional <?xml?> declaration, Envelope, Body, one operation
// and its text parameters, nothing else. The response parameter carries a
// whole qbXML answer escaped as text, which encoding/xml reads a byte at a
// time; this reads it in a few passes. Anything else — a Header, comments,
// attributes on a parameter, an unknown operation or parameter, anything
// decodeSOAP would refuse — returns false, and decodeSOAP reads the
// envelope with encoding/xml to accept it or say what is wrong.
// FuzzPlainSOAPMatchesDecoder holds the two to the same result.
func plainSOAP(doc string) (soapCall, bool) {
	const (
		beforeEnvelope = iota
		inEnvelope
		inBody
		inMethod
		inParam
		afterMethod
		afterBody
		afterEnvelope
	)
	z := plainxml.NewScanner(doc)
	z.Prefixed = true
	var ns []nsBinding
	var call soapCall
	var spec methodSpec
	var param string
	var text strings.Builder
	state := beforeEnvelope
	for {
		if !z.Next() {
			return soapCall{}, false
		}
		switch z.Kind {
		case plainxml.EOF:
			return call, state == afterEnvelope
		case plainxml.Decl:
			if z.Name != "xml" || state != beforeEnvelope || !utf8Declared(z.Text) {
				return soapCall{}, false
			}
		case plainxml.Text:
			if state == inParam {
				text.WriteString(z.Text)
			} else if strings.TrimSpace(z.Text) != "" {
				return soapCall{}, false
			}
		case plainxml.Start:
			depth := z.Depth()
			hasAttrs := false
			for _, a := range z.Attrs {
				prefix, isNS := strings.CutPrefix(a.Name, "xmlns")
				if !isNS || (prefix != "" && prefix[0] != ':') {
					hasAttrs = true
					continue
				}
				if a.Value == "" {
					return soapCall{}, false // undeclaring a namespace: left to encoding/xml
				}
				ns = append(ns, nsBinding{depth: depth, prefix: strings.TrimPrefix(prefix, ":"), uri: a.Value})
			}
			space, local, ok := resolve(ns, z.Name)
			if !ok {
				return soapCall{}, false
			}
			switch {
			case state == beforeEnvelope && space == soap11NS && local == "Envelope":
				state = inEnvelope
			case state == inEnvelope && space == soap11NS && local == "Body":
				state = inBody
			case state == inBody && space == IntuitNS:
				s, known := methods[local]
				if !known {
					return soapCall{}, false
				}
				spec, call.Method, call.Params = s, local, make(map[string]string, len(s.params))
				state = inMethod
			case state == inMethod && (space == IntuitNS || space == "") && !hasAttrs && spec.accepts(local):
				if _, dup := call.Params[local]; dup {
					return soapCall{}, false
				}
				param = local
				text.Reset()
				state = inParam
			default:
				return soapCall{}, false
			}
		case plainxml.End:
			for len(ns) > 0 && ns[len(ns)-1].depth > z.Depth() {
				ns = ns[:len(ns)-1]
			}
			switch state {
			case inParam:
				call.Params[param] = text.String()
				state = inMethod
			case inMethod:
				state = afterMethod
			case afterMethod:
				state = afterBody
			case afterBody:
				state = afterEnvelope
			default:
				return soapCall{}, false
			}
		}
	}
}

// nsBinding is a namespace prefix ("" for the default namespace) declared
// on an element at depth, in scope until that element ends.
type nsBinding struct {
	depth       int
	prefix, uri string
}

// resolve splits a name as written into its namespace and local name, the
// innermost binding of its prefix winning. An unbound prefix is left to
// encoding/xml, which has rules of its own for it.
func resolve(ns []nsBinding, name string) (space, local string, ok bool) {
	prefix, local, prefixed := strings.Cut(name, ":")
	if !prefixed {
		prefix, local = "", name
	}
	for i := len(ns) - 1; i >= 0; i-- {
		if ns[i].prefix == prefix {
			return ns[i].uri, local, true
		}
	}
	return "", local, !prefixed
}

// utf8Declared reports whether an <?xml?> declaration's content names no
// encoding or UTF-8, the only one decodeSOAP reads.
func utf8Declared(content string) bool {
	switch strings.Count(content, "encoding") {
	case 0:
		return true
	case 1:
	default:
		return false
	}
	_, rest, ok := strings.Cut(content, "encoding=")
	if !ok || rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return false
	}
	value, _, closed := strings.Cut(rest[1:], rest[:1])
	return closed && strings.EqualFold(value, "utf-8")
}
