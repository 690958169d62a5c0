package shopify

import (
	"bytes"
	"errors"

	// encoding/json's Unmarshal, same semantics (its options reproduce v1
	// behaviour, and it runs encoding/json's own tests), on the json/v2
	// engine that the Go project stages here for encoding/json/v2.
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// DecodeStored decodes an order, payout or other model document as a
// snapshot stores it, or a bulk file's rebuilt root, exactly as
// encoding/json.Unmarshal would. encoding/json scans a document twice (it
// checks the whole of it, then decodes it) and decodes members through
// reflection on every call; the json/v2 engine reads it once. Decoding
// orders was the largest part of a back-fill's CPU: each order is decoded
// when read and again by every plan of it, and this halves each decode
// (an order of the bench: 115 µs -> 58 µs).
//
// An Order, the most decoded by far, is read by hand (decodeOrder) when
// it can be, and by the engine when not: the engine spent most of an
// order's decoding walking its type tables.
func DecodeStored(body []byte, v any) error {
	if o, ok := v.(*Order); ok && o != nil && isZeroOrder(o) {
		if decodeOrder(body, o) {
			return nil
		}
		*o = Order{} // what decodeOrder left, which the engine would merge into
	}
	return jsonv1.Unmarshal(body, v)
}

// DecodeStoredMembers decodes into v only the named members of the JSON
// object body, as DecodeStored(body, v) would when v's type has no others:
// the members' values are picked out by a scan of the object's top level
// and the rest is never decoded. Reading a few fields of every stored
// order (the days it books on) cost nearly as much as decoding it whole,
// since a decoder checks every string it skips. Names match as
// encoding/json matches them (any case, the last duplicate winning). The
// scan checks only the object's structure, not the values it skips: body
// must be a document shopqb stored (json.Marshal output), or one decoded
// whole (so checked) before anything is made of it.
func DecodeStoredMembers(body []byte, v any, names ...string) error {
	var picked []byte
	err := eachMember(body, func(key, value []byte) {
		// A key with an escape or beyond ASCII is kept whatever it says,
		// for the decoder to match as it would in the whole document.
		odd := bytes.ContainsFunc(key, func(r rune) bool { return r == '\\' || r >= 0x80 })
		for _, n := range names {
			if odd || bytes.EqualFold(key, []byte(n)) {
				if picked == nil {
					picked = append(make([]byte, 0, 256), '{')
				} else {
					picked = append(picked, ',')
				}
				picked = append(picked, '"')
				picked = append(picked, key...)
				picked = append(picked, '"', ':')
				picked = append(picked, value...)
				return
			}
		}
	})
	if err != nil {
		return err
	}
	if picked == nil {
		picked = []byte("{}")
	} else {
		picked = append(picked, '}')
	}
	return DecodeStored(picked, v)
}

// eachMember calls fn with the raw key (between its quotes) and value of
// every member of the JSON object b.
func eachMember(b []byte, fn func(key, value []byte)) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errors.New("stored document: not a JSON object")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return errors.New("stored document: malformed object")
		}
		kEnd, err := stringEnd(b, i)
		if err != nil {
			return err
		}
		key := b[i+1 : kEnd-1]
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return errors.New("stored document: malformed object")
		}
		i = skipSpace(b, i+1)
		vEnd, err := valueEnd(b, i)
		if err != nil {
			return err
		}
		fn(key, b[i:vEnd])
		i = skipSpace(b, vEnd)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			return nil
		default:
			return errors.New("stored document: malformed object")
		}
	}
}
