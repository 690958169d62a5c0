package secret

import (
	"fmt"
	"io"
	"log/slog"
)

const redactedText = "[redacted]"

// Redacted holds a secret in a config or a struct that may be logged or
// serialised. Printing it with fmt (any verb, including %#v), logging it
// with slog, or marshalling it to JSON or text shows "[redacted]"; the value
// itself is reached only by the explicit conversion string(r) or Reveal.
// Unmarshalling is untouched, so secrets can still be read from config files.
type Redacted string

// String hides the value from fmt's %v, %s and %q.
func (Redacted) String() string { return redactedText }

// Format hides the value from every fmt verb; without it, a verb that does
// not apply to strings (%d) would print the raw value in its error text.
func (Redacted) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redactedText) }

// GoString hides the value from fmt's %#v.
func (Redacted) GoString() string { return redactedText }

// LogValue hides the value from log/slog.
func (Redacted) LogValue() slog.Value { return slog.StringValue(redactedText) }

// MarshalJSON hides the value from encoding/json.
func (Redacted) MarshalJSON() ([]byte, error) { return []byte(`"` + redactedText + `"`), nil }

// MarshalText hides the value from encoders that use encoding.TextMarshaler.
func (Redacted) MarshalText() ([]byte, error) { return []byte(redactedText), nil }

// Reveal returns the secret, for the one place that must use it.
func (r Redacted) Reveal() string { return string(r) }
