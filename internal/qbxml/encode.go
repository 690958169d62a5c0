package qbxml

import (
	"encoding"
	"encoding/xml"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A back-fill marshals one request per posting, and encoding/xml spent
// most of that time finding out, field by field and value by value, what
// it already knew from the previous request of the same type (Marshaler
// and TextMarshaler checks, tag lookups, a bufio.Writer per call). The
// request encoder here compiles each request type once into the little of
// encoding/xml's rules its fields use, and writes the request into a byte
// slice in one pass, checking the lengths and characters lengthsOK checks
// as it goes.
//
// It writes exactly what xml.Marshal writes, or nothing: a type using any
// feature it does not compile (embedded structs, namespaces, a>b paths,
// MarshalXML, a pointer-receiver MarshalText, ...), and any request with a
// value it does not pass (an over-long text, a MarshalText error, a Ref with
// both IDs), goes the way it always went, through lengthsOK, validate and
// xml.Marshal, so every error and every byte is encoding/xml's own.

// errNotFast says the fast encoder cannot vouch for a request; MarshalRequest
// then marshals it the encoding/xml way.
var errNotFast = errors.New("qbxml: not for the fast encoder")

type xmlKind uint8

const (
	xkString xmlKind = iota // a string kind without MarshalText
	xkBool
	xkInt
	xkText // a value-receiver encoding.TextMarshaler
	xkPtr
	xkSlice
	xkStruct
)

// xmlCodec is how values of one Go type are written.
type xmlCodec struct {
	kind xmlKind
	// str says the underlying kind is string, so lengthsOK checks the
	// value's characters (named string types with MarshalText included).
	str  bool
	elem *xmlCodec // xkPtr, xkSlice
	// xkStruct: the element name from an XMLName tag (top level only), the
	// name encoding/xml falls back to (the type's), the attributes and the
	// child elements and character data in field order.
	xmlName  string
	typeName string
	nameIdx  int // index of the XMLName field, -1 without one
	attrs    []xmlField
	fields   []xmlField
	isRef    bool
	// text is the MarshalText of an xkText type; known qbxml types call
	// their method directly rather than boxing the value in an interface.
	text func(reflect.Value) ([]byte, error)
}

// xmlField is one struct field as encoding/xml writes it.
type xmlField struct {
	index    int
	name     string
	omit     bool
	chardata bool
	max      int // noMax without a max tag
	c        *xmlCodec
}

var (
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	marshalerType     = reflect.TypeFor[xml.Marshaler]()
	attrMarshalerType = reflect.TypeFor[xml.MarshalerAttr]()
	xmlNameType       = reflect.TypeFor[xml.Name]()
)

var (
	codecs   sync.Map // reflect.Type → *xmlCodec, nil when the type is not for the fast encoder
	codecsMu sync.Mutex
)

// codecFor returns the compiled top-level codec of t, or nil when requests
// of type t go through encoding/xml.
func codecFor(t reflect.Type) *xmlCodec {
	if c, ok := codecs.Load(t); ok {
		return c.(*xmlCodec)
	}
	codecsMu.Lock()
	defer codecsMu.Unlock()
	if c, ok := codecs.Load(t); ok {
		return c.(*xmlCodec)
	}
	b := &codecBuilder{done: map[reflect.Type]*xmlCodec{}}
	c := b.codec(t, true)
	if b.bad || c == nil || (c.kind != xkStruct && !(c.kind == xkPtr && c.elem.kind == xkStruct)) {
		c = nil
	}
	codecs.Store(t, c)
	return c
}

// codecBuilder compiles the codecs of one request type; bad is set by the
// first feature it does not handle.
type codecBuilder struct {
	done map[reflect.Type]*xmlCodec
	bad  bool
}

func (b *codecBuilder) codec(t reflect.Type, top bool) *xmlCodec {
	if b.bad {
		return nil
	}
	if c, ok := b.done[t]; ok {
		return c
	}
	// Any MarshalXML, and a MarshalText only a pointer has (encoding/xml
	// uses it only for addressable values), is encoding/xml's business.
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		(!t.Implements(textMarshalerType) && reflect.PointerTo(t).Implements(textMarshalerType)) {
		b.bad = true
		return nil
	}
	c := &xmlCodec{str: t.Kind() == reflect.String, nameIdx: -1}
	b.done[t] = c
	if t.Implements(textMarshalerType) {
		c.kind = xkText
		c.text = textFunc(t)
		return c
	}
	switch t.Kind() {
	case reflect.String:
		c.kind = xkString
	case reflect.Bool:
		c.kind = xkBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.kind = xkInt
	case reflect.Pointer:
		c.kind = xkPtr
		c.elem = b.codec(t.Elem(), top)
		if c.elem != nil && (c.elem.kind == xkPtr || c.elem.kind == xkSlice) {
			b.bad = true
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			b.bad = true
			return nil
		}
		c.kind = xkSlice
		c.elem = b.codec(t.Elem(), false)
		if c.elem != nil && c.elem.kind == xkSlice {
			b.bad = true
		}
	case reflect.Struct:
		c.kind = xkStruct
		b.structCodec(c, t, top)
	default:
		b.bad = true
	}
	return c
}

func (b *codecBuilder) structCodec(c *xmlCodec, t reflect.Type, top bool) {
	if t == xmlNameType {
		b.bad = true
		return
	}
	c.isRef = t == refType
	c.typeName = t.Name()
	if c.typeName == "" || strings.ContainsRune(c.typeName, '[') {
		b.bad = true
		return
	}
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			b.bad = true
			return
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("xml")
		if tag == "-" || strings.ContainsAny(tag, " >") {
			b.bad = true
			return
		}
		name, flags, _ := strings.Cut(tag, ",")
		if f.Name == "XMLName" {
			// Only a request's own element may be named by XMLName: a
			// nested one would override, or conflict with, its field's tag.
			if !top || f.Type != xmlNameType || name == "" || flags != "" {
				b.bad = true
				return
			}
			c.xmlName, c.nameIdx = name, i
			continue
		}
		if name == "" {
			name = f.Name
		}
		fd := xmlField{index: i, name: name, max: noMax}
		if m := f.Tag.Get("max"); m != "" {
			limit, err := strconv.Atoi(m)
			if err != nil || limit < 0 {
				b.bad = true // lengthsOK refuses such a request
				return
			}
			fd.max = limit
		}
		attr := false
		switch flags {
		case "":
		case "omitempty":
			fd.omit = true
		case "attr":
			attr = true
		case "attr,omitempty", "omitempty,attr":
			attr, fd.omit = true, true
		case "chardata":
			fd.chardata = true
		default:
			b.bad = true
			return
		}
		fd.c = b.codec(f.Type, false)
		if b.bad {
			return
		}
		switch {
		case fd.chardata:
			if fd.c.kind != xkString {
				b.bad = true
				return
			}
			c.fields = append(c.fields, fd)
		case attr:
			if k := fd.c.kind; k != xkString && k != xkText && k != xkBool && k != xkInt || f.Type.Implements(attrMarshalerType) {
				b.bad = true
				return
			}
			if seen["attr "+name] {
				b.bad = true // encoding/xml's conflict rules are its own
				return
			}
			seen["attr "+name] = true
			c.attrs = append(c.attrs, fd)
		default:
			if seen[name] {
				b.bad = true
				return
			}
			seen[name] = true
			c.fields = append(c.fields, fd)
		}
	}
	if c.xmlName == "" && top {
		c.xmlName = c.typeName
	}
}

// textFunc returns t's MarshalText, called directly for qbxml's own value
// types so that no value is boxed.
func textFunc(t reflect.Type) func(reflect.Value) ([]byte, error) {
	switch t {
	case reflect.TypeFor[Amount]():
		return func(v reflect.Value) ([]byte, error) { return Amount(v.Int()).MarshalText() }
	case reflect.TypeFor[Decimal]():
		return func(v reflect.Value) ([]byte, error) { return Decimal(v.String()).MarshalText() }
	case reflect.TypeFor[Date]():
		return func(v reflect.Value) ([]byte, error) { return Date(v.String()).MarshalText() }
	case reflect.TypeFor[DateTime]():
		return func(v reflect.Value) ([]byte, error) { return DateTime(v.String()).MarshalText() }
	case reflect.TypeFor[GUID]():
		return func(v reflect.Value) ([]byte, error) { return GUID(v.String()).MarshalText() }
	}
	return func(v reflect.Value) ([]byte, error) {
		return v.Interface().(encoding.TextMarshaler).MarshalText()
	}
}

// xmlEncoder writes one request.
type xmlEncoder struct{ b []byte }

var encoders = sync.Pool{New: func() any { return &xmlEncoder{b: make([]byte, 0, 2048)} }}

// fastRequest writes r wrapped as MarshalRequest wraps it, or fails with
// errNotFast when r is to go through encoding/xml.
func fastRequest(r Request, name string) (string, error) {
	v := reflect.ValueOf(r)
	c := codecFor(v.Type())
	if c == nil {
		return "", errNotFast
	}
	if c.kind == xkPtr {
		v, c = v.Elem(), c.elem // MarshalRequest refused a nil pointer
	}
	e := encoders.Get().(*xmlEncoder)
	defer encoders.Put(e)
	e.b = e.b[:0]
	wrap := c.xmlName != name
	if wrap {
		e.open(name)
	}
	if err := e.structValue(v, c, c.xmlName); err != nil {
		return "", err
	}
	if wrap {
		e.close(name)
	}
	return string(e.b), nil
}

func (e *xmlEncoder) open(name string) {
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
	e.b = append(e.b, '>')
}

func (e *xmlEncoder) close(name string) {
	e.b = append(e.b, "</"...)
	e.b = append(e.b, name...)
	e.b = append(e.b, '>')
}

// value is encoding/xml's marshalValue for the compiled kinds: name is the
// field's element name, omit its omitempty flag.
func (e *xmlEncoder) value(v reflect.Value, c *xmlCodec, name string, omit bool) error {
	if omit && emptyValue(v) {
		return nil
	}
	switch c.kind {
	case xkPtr:
		if v.IsNil() {
			return nil
		}
		return e.value(v.Elem(), c.elem, name, false)
	case xkSlice:
		for i, n := 0, v.Len(); i < n; i++ {
			if err := e.value(v.Index(i), c.elem, name, omit); err != nil {
				return err
			}
		}
		return nil
	case xkStruct:
		return e.structValue(v, c, name)
	}
	e.open(name)
	if err := e.simple(v, c); err != nil {
		return err
	}
	e.close(name)
	return nil
}

// simple writes a string, bool, int or MarshalText value, escaped.
func (e *xmlEncoder) simple(v reflect.Value, c *xmlCodec) error {
	switch c.kind {
	case xkText:
		text, err := c.text(v)
		if err != nil {
			return errNotFast
		}
		e.escapeBytes(text)
	case xkString:
		e.escapeString(v.String())
	case xkBool:
		e.b = strconv.AppendBool(e.b, v.Bool())
	case xkInt:
		e.b = strconv.AppendInt(e.b, v.Int(), 10)
	default:
		return errNotFast
	}
	return nil
}

// Ref's fields, for the check that not both are set.
var refListID, refFullName = refField("ListID"), refField("FullName")

func refField(name string) int {
	f, ok := refType.FieldByName(name)
	if !ok {
		panic("qbxml: Ref has no field " + name)
	}
	return f.Index[0]
}

func (e *xmlEncoder) structValue(v reflect.Value, c *xmlCodec, name string) error {
	if c.nameIdx >= 0 && !v.Field(c.nameIdx).IsZero() {
		return errNotFast // lengthsOK would read its texts; encoding/xml ignores it
	}
	if c.isRef && v.Field(refListID).Len() != 0 && v.Field(refFullName).Len() != 0 {
		return errNotFast
	}
	if c.xmlName != "" {
		name = c.xmlName
	}
	if name == "" {
		name = c.typeName
	}
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
	for i := range c.attrs {
		f := &c.attrs[i]
		fv := v.Field(f.index)
		if err := checkField(fv, f); err != nil {
			return err
		}
		if f.omit && emptyValue(fv) {
			continue
		}
		e.b = append(e.b, ' ')
		e.b = append(e.b, f.name...)
		e.b = append(e.b, `="`...)
		if err := e.simple(fv, f.c); err != nil {
			return err
		}
		e.b = append(e.b, '"')
	}
	e.b = append(e.b, '>')
	for i := range c.fields {
		f := &c.fields[i]
		fv := v.Field(f.index)
		if err := checkField(fv, f); err != nil {
			return err
		}
		if f.chardata {
			e.escapeString(fv.String())
			continue
		}
		if err := e.value(fv, f.c, f.name, f.omit); err != nil {
			return err
		}
	}
	e.close(name)
	return nil
}

// checkField does lengthsOK's checks of the texts directly in a field: its
// max tag, or the characters of a string. Texts further down are checked
// where they are written.
func checkField(v reflect.Value, f *xmlField) error {
	if f.max >= 0 {
		if !maxOK(v, f.max) {
			return errNotFast
		}
		return nil
	}
	if f.c.str && !charsetOK(v.String()) {
		return errNotFast
	}
	if f.c.kind == xkSlice && f.c.elem.str {
		for i, n := 0, v.Len(); i < n; i++ {
			if !charsetOK(v.Index(i).String()) {
				return errNotFast
			}
		}
	}
	if f.c.kind == xkPtr && f.c.elem.str && !v.IsNil() && !charsetOK(v.Elem().String()) {
		return errNotFast
	}
	return nil
}

// emptyValue is encoding/xml's omitempty test for the compiled kinds: a
// struct is never empty.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// escapeString appends s escaped as xml.EscapeText escapes it; text
// needing no escape, nearly all of it, is copied as it is.
func (e *xmlEncoder) escapeString(s string) {
	if plainXMLText(s) {
		e.b = append(e.b, s...)
		return
	}
	_ = xml.EscapeText(appendWriter{e}, []byte(s)) // appending cannot fail
}

// escapeBytes is escapeString for a MarshalText result.
func (e *xmlEncoder) escapeBytes(s []byte) {
	if plainASCIIText(s) {
		e.b = append(e.b, s...)
		return
	}
	_ = xml.EscapeText(appendWriter{e}, s)
}

type appendWriter struct{ e *xmlEncoder }

func (w appendWriter) Write(p []byte) (int, error) {
	w.e.b = append(w.e.b, p...)
	return len(p), nil
}

// plainXMLText reports whether xml.EscapeText would copy s unchanged: no
// markup characters, quotes, tabs, line ends or other controls, and only
// valid UTF-8 in XML's character range.
func plainXMLText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !plainASCII[c] {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !xmlCharacter(r) {
			return false
		}
		i += size
	}
	return true
}

// plainASCIIText is plainXMLText for a MarshalText result, which for
// qbxml's types is ASCII; anything else is left to xml.EscapeText.
func plainASCIIText(s []byte) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf || !plainASCII[c] {
			return false
		}
	}
	return true
}

// plainASCII marks the ASCII bytes xml.EscapeText copies unchanged.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune(`"'&<>`, rune(c))
	}
	return t
}()

// xmlCharacter is XML 1.0's Char production above ASCII.
func xmlCharacter(r rune) bool {
	return r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
