package qbxml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Request is one qbXML request. RequestName is the request element's name,
// e.g. "SalesReceiptAddRq".
type Request interface {
	RequestName() string
}

// validator is implemented by requests with rules the struct tags cannot say:
// required fields and xsd:choice groups where exactly one branch may be set.
type validator interface {
	validate() error
}

// MarshalRequest returns the request element without a requestID, e.g.
// <SalesReceiptAddRq><SalesReceiptAdd>…</SalesReceiptAdd></SalesReceiptAddRq>
// for an Add, or <CustomerQueryRq iterator="Start">…</CustomerQueryRq> for a
// query. MsgSet.Build adds the requestID when the request is sent. It fails,
// naming the field, on a missing required field, an over-long text or a value
// outside its qbXML type, so a bad posting is caught before QuickBooks sees it.
func MarshalRequest(r Request) (string, error) {
	if r == nil {
		return "", errors.New("qbxml: nil request")
	}
	if rv := reflect.ValueOf(r); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return "", errors.New("qbxml: nil request")
	}
	name := r.RequestName()
	if s, err := fastRequest(r, name); err == nil {
		// The fast encoder passed the texts lengthsOK checks and wrote what
		// xml.Marshal writes; the rules the tags cannot say are left.
		if v, ok := r.(validator); ok {
			if err := v.validate(); err != nil {
				return "", fmt.Errorf("%s: %w", name, err)
			}
		}
		return s, nil
	}
	return marshalStd(r, name)
}

// marshalStd is MarshalRequest through encoding/xml: the way for requests
// the fast encoder does not vouch for, and what its tests compare it with.
func marshalStd(r Request, name string) (string, error) {
	if !lengthsOK(reflect.ValueOf(r)) {
		if err := checkLengths(reflect.ValueOf(r), strings.TrimSuffix(name, "Rq")); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	if v, ok := r.(validator); ok {
		if err := v.validate(); err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
	}
	body, err := xml.Marshal(r)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	s := string(body)
	if strings.HasPrefix(s, "<"+name+">") || strings.HasPrefix(s, "<"+name+" ") {
		return s, nil
	}
	return "<" + name + ">" + s + "</" + name + ">", nil
}

// checkLengths walks v and reports the first string longer than its max tag
// allows (QuickBooks counts characters, so runes are counted, not bytes) or
// holding a character QuickBooks cannot store.
func checkLengths(v reflect.Value, path string) error {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if r, ok := v.Interface().(Ref); ok && r.ListID != "" && r.FullName != "" {
			return fmt.Errorf("%s: set ListID or FullName, not both", path)
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			fv := v.Field(i)
			p := path + "." + f.Name
			if f.Anonymous {
				p = path
			}
			if m := f.Tag.Get("max"); m != "" {
				limit, err := strconv.Atoi(m)
				if err != nil {
					return fmt.Errorf("%s: bad max tag %q", p, m)
				}
				if err := checkMax(fv, p, limit); err != nil {
					return err
				}
				continue
			}
			if err := checkLengths(fv, p); err != nil {
				return err
			}
		}
	case reflect.String:
		return checkCharset(v.String(), path)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if err := checkLengths(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkMax(v reflect.Value, path string, limit int) error {
	switch v.Kind() {
	case reflect.String:
		if err := checkCharset(v.String(), path); err != nil {
			return err
		}
		if n := utf8.RuneCountInString(v.String()); n > limit {
			return fmt.Errorf("%s is %d characters, QuickBooks allows %d", path, n, limit)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if err := checkMax(v.Index(i), fmt.Sprintf("%s[%d]", path, i), limit); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkCharset refuses text QuickBooks Desktop (US) cannot store: it keeps
// ISO-8859-1 only and turns anything else into "?", and control characters
// break its XML parser. Refusing here, rather than letting "?" reach the
// books, makes the caller clean the text (CleanText, CleanName) on purpose.
func checkCharset(s, path string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", path)
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			return fmt.Errorf("%s contains control character U+%04X; clean it with CleanText", path, r)
		case r > 0xff:
			return fmt.Errorf("%s contains %q (U+%04X), which QuickBooks cannot store (ISO-8859-1 only); clean it with CleanText or CleanName", path, r, r)
		}
	}
	return nil
}

// choice reports an error unless at most one branch of an xsd:choice is set
// (exactly one when required). QuickBooks rejects a request with two branches
// of a choice as an XML error without saying which.
func choice(what string, required bool, branches map[string]bool) error {
	names := make([]string, 0, len(branches))
	set := 0
	for name, ok := range branches {
		names = append(names, name)
		if ok {
			set++
		}
	}
	sort.Strings(names)
	switch {
	case set > 1:
		return fmt.Errorf("%s: set only one of %s", what, strings.Join(names, ", "))
	case set == 0 && required:
		return fmt.Errorf("%s: one of %s is required", what, strings.Join(names, ", "))
	}
	return nil
}

// refSet reports whether r names a list entry.
func refSet(r *Ref) bool { return r != nil && (r.ListID != "" || r.FullName != "") }

// requireRef returns an error naming field when r does not name anything.
func requireRef(field string, r *Ref) error {
	if !refSet(r) {
		return fmt.Errorf("%s is required", field)
	}
	if r.ListID != "" && r.FullName != "" {
		return fmt.Errorf("%s: set ListID or FullName, not both", field)
	}
	return nil
}

// optionalRef checks an optional reference: absent, or exactly one of its IDs.
func optionalRef(field string, r *Ref) error {
	if r == nil {
		return nil
	}
	return requireRef(field, r)
}

// requireText returns an error naming field when s is empty.
func requireText(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s is required", field)
	}
	return nil
}

// fmtUnknown reports an enumeration value the schema does not list.
func fmtUnknown(field, value string) error {
	return fmt.Errorf("%s %q is not a value QuickBooks knows", field, value)
}
