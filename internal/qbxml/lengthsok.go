package qbxml

import (
	"reflect"
	"strconv"
	"sync"
	"unicode/utf8"
)

// lengthsOK reports whether checkLengths would pass v, without building a
// field path for every value or reading struct tags again: the planner
// marshals every posting of a back-fill, and doing that work for requests
// that pass was most of MarshalRequest's cost. When it reports false,
// checkLengths runs and says what is wrong, so the messages are its own.
func lengthsOK(v reflect.Value) bool {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return true
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == refType {
			if r := v.Interface().(Ref); r.ListID != "" && r.FullName != "" {
				return false
			}
		}
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			switch {
			case f.max == badMax:
				return false
			case f.max >= 0:
				if !maxOK(fv, f.max) {
					return false
				}
			case !lengthsOK(fv):
				return false
			}
		}
	case reflect.String:
		return charsetOK(v.String())
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if !lengthsOK(v.Index(i)) {
				return false
			}
		}
	}
	return true
}

func maxOK(v reflect.Value, limit int) bool {
	switch v.Kind() {
	case reflect.String:
		return charsetOK(v.String()) && utf8.RuneCountInString(v.String()) <= limit
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			if !maxOK(v.Index(i), limit) {
				return false
			}
		}
	}
	return true
}

// charsetOK is checkCharset's test without its message.
func charsetOK(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return checkCharset(s, "") == nil // the rare text outside printable ASCII
		}
	}
	return true
}

var refType = reflect.TypeFor[Ref]()

// checkedField is an exported field of a request struct as checkLengths
// reads it: its index and its max tag (noMax without one, badMax when the
// tag is not a number).
type checkedField struct{ index, max int }

const (
	noMax  = -1
	badMax = -2
)

var checkedFields sync.Map // reflect.Type → []checkedField

func fieldsOf(t reflect.Type) []checkedField {
	if fs, ok := checkedFields.Load(t); ok {
		return fs.([]checkedField)
	}
	var fs []checkedField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		cf := checkedField{index: i, max: noMax}
		if m := f.Tag.Get("max"); m != "" {
			if limit, err := strconv.Atoi(m); err == nil && limit >= 0 {
				cf.max = limit
			} else {
				cf.max = badMax
			}
		}
		fs = append(fs, cf)
	}
	checkedFields.Store(t, fs)
	return fs
}
