package qbxml

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopqb/shopqb/internal/money"
)

// Ref points at a QuickBooks list entry (account, item, customer, …) by
// ListID or by FullName. Set exactly one: MarshalRequest refuses a Ref with
// both, since which one QuickBooks would honour is not documented.
type Ref struct {
	ListID   string `xml:"ListID,omitempty" max:"36"`
	FullName string `xml:"FullName,omitempty" max:"209"`
}

// ByName refers to a list entry by its full name ("Parent:Child" for sub-entries).
func ByName(fullName string) *Ref { return &Ref{FullName: fullName} }

// Address is qbXML's AddressData group, used for bill-to, ship-to and vendor
// addresses. Lengths are QuickBooks Desktop US limits.
type Address struct {
	Addr1      string `xml:"Addr1,omitempty" max:"41"`
	Addr2      string `xml:"Addr2,omitempty" max:"41"`
	Addr3      string `xml:"Addr3,omitempty" max:"41"`
	Addr4      string `xml:"Addr4,omitempty" max:"41"`
	Addr5      string `xml:"Addr5,omitempty" max:"41"`
	City       string `xml:"City,omitempty" max:"31"`
	State      string `xml:"State,omitempty" max:"21"`
	PostalCode string `xml:"PostalCode,omitempty" max:"13"`
	Country    string `xml:"Country,omitempty" max:"31"`
	Note       string `xml:"Note,omitempty" max:"41"`
}

// Bool returns a pointer to b, for the optional BOOLTYPE fields: a nil pointer
// leaves the element out so QuickBooks keeps its default.
func Bool(b bool) *bool { return &b }

// Amount is money as qbXML's AMTTYPE: always printed with exactly two decimals
// (QuickBooks rejects "10.5") and at most 13 integer digits.
type Amount money.Cents

// Amt returns a pointer to c as an Amount, for optional amount fields. A nil
// *Amount leaves the element out; Amt(0) sends "0.00".
func Amt(c money.Cents) *Amount {
	a := Amount(c)
	return &a
}

// Cents returns the amount as money.Cents.
func (a Amount) Cents() money.Cents { return money.Cents(a) }

// maxAmountCents is 10^13 units in cents: AMTTYPE allows 13 integer digits.
const maxAmountCents = 1_000_000_000_000_000

// MarshalText prints the amount with two decimals, refusing amounts QuickBooks
// cannot hold rather than letting them be truncated on the other side.
func (a Amount) MarshalText() ([]byte, error) {
	if a >= maxAmountCents || a <= -maxAmountCents {
		return nil, fmt.Errorf("amount %s has more than 13 integer digits", money.Cents(a))
	}
	return []byte(money.Cents(a).String()), nil
}

// UnmarshalText reads an AMTTYPE value ("12.34", "-5", "0.00").
func (a *Amount) UnmarshalText(b []byte) error {
	c, err := money.Parse(string(b))
	if err != nil {
		return err
	}
	*a = Amount(c)
	return nil
}

// Decimal is a quantity, price, rate or percentage: qbXML's QUANTYPE,
// PRICETYPE and PERCENTTYPE, which allow up to 10 integer digits and up to 5
// decimals. It is kept as text so that no value passes through a float.
type Decimal string

// validDecimal reports whether s matches ^[+-]?[0-9]{1,10}(\.[0-9]{1,5})?$,
// without a regular expression: a back-fill checks one per line.
func validDecimal(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	return digitsBetween(whole, 1, 10) && (!dot || digitsBetween(frac, 1, 5))
}

// digitsBetween reports whether s is lo to hi ASCII digits.
func digitsBetween(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MarshalText refuses values the schema pattern rejects, e.g. "1e3" or six decimals.
func (d Decimal) MarshalText() ([]byte, error) {
	if !validDecimal(string(d)) {
		return nil, fmt.Errorf("%q is not a qbXML decimal (up to 10 digits and 5 decimals)", string(d))
	}
	return []byte(d), nil
}

// Qty returns a whole quantity as a Decimal.
func Qty(n int64) Decimal { return Decimal(fmt.Sprint(n)) }

// Price returns a money amount as a Decimal with two decimals, for Rate,
// SalesPrice, PurchaseCost and the like.
func Price(c money.Cents) Decimal { return Decimal(c.String()) }

// Date is qbXML's DATETYPE, YYYY-MM-DD. Transactions are dated in the shop's
// own time zone, so callers convert before calling DateOf.
type Date string

// DateOf formats t's calendar date (in t's location).
func DateOf(t time.Time) Date { return Date(t.Format(time.DateOnly)) }

// MarshalText refuses anything that is not a real calendar date.
func (d Date) MarshalText() ([]byte, error) {
	if _, err := time.Parse(time.DateOnly, string(d)); err != nil {
		return nil, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", string(d))
	}
	return []byte(d), nil
}

// DateTime is qbXML's DATETIMETYPE, YYYY-MM-DDThh:mm:ss with an optional
// ±hh:mm offset. QuickBooks reports some offsets wrongly during daylight saving
// time, so filters built from its own timestamps should reuse them verbatim.
type DateTime string

var dateTimePattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(T[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2}([+-][0-9]{1,2}:[0-9]{1,2})?)?)?)?$`)

// DateTimeOf formats t with its UTC offset, the form QuickBooks returns.
func DateTimeOf(t time.Time) DateTime { return DateTime(t.Format("2006-01-02T15:04:05-07:00")) }

// MarshalText refuses values outside the schema pattern.
func (d DateTime) MarshalText() ([]byte, error) {
	if !dateTimePattern.MatchString(string(d)) {
		return nil, fmt.Errorf("%q is not a qbXML date-time (YYYY-MM-DDThh:mm:ss[+hh:mm])", string(d))
	}
	return []byte(d), nil
}

// GUID is qbXML's GUIDTYPE, used for ExternalGUID and OwnerID: "0" or a GUID
// in braces, {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}.
type GUID string

// GUIDOf formats 16 bytes (e.g. a name-based UUID) the way QuickBooks stores GUIDs.
func GUIDOf(b [16]byte) GUID {
	return GUID(strings.ToUpper(fmt.Sprintf("{%x-%x-%x-%x-%x}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])))
}

// Valid reports whether g matches GUIDTYPE, the pattern
// ^(0|\{[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\})$ (checked
// without a regular expression: every posting has one).
func (g GUID) Valid() bool {
	s := string(g)
	if s == "0" {
		return true
	}
	if len(s) != 38 || s[0] != '{' || s[37] != '}' {
		return false
	}
	for i := 1; i < 37; i++ {
		c := s[i]
		if i == 9 || i == 14 || i == 19 || i == 24 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// MarshalText refuses a GUID without braces, a common mistake QuickBooks
// answers with a parse error.
func (g GUID) MarshalText() ([]byte, error) {
	if !g.Valid() {
		return nil, fmt.Errorf("%q is not a qbXML GUID ({8-4-4-4-12} in braces, or 0)", string(g))
	}
	return []byte(g), nil
}

// MacroTxnID is a transaction ID that can instead name a macro defined earlier
// in the same message set (defMacro="TxnID:…"), so a deposit can refer to the
// sales receipt posted just before it.
type MacroTxnID struct {
	UseMacro string `xml:"useMacro,attr,omitempty"`
	TxnID    string `xml:",chardata"`
}

func (m MacroTxnID) set() bool { return m.TxnID != "" || m.UseMacro != "" }

// TxnIDFromMacro refers to the transaction an earlier request in the same
// message set defined with DefMacro: name is the part after "TxnID:".
func TxnIDFromMacro(name string) MacroTxnID { return MacroTxnID{UseMacro: "TxnID:" + name} }

// LinkToTxn links a line to a line of another transaction: an item receipt
// or bill line to the purchase-order line it receives. In qbXML 13.0 its
// TxnID and TxnLineID are plain IDTYPE elements: unlike the TxnID of
// RefundAppliedToTxnAdd they take no useMacro attribute (the request would
// not parse), and QuickBooks has no macro for a line ID at all. A link to a
// transaction that is not posted yet is therefore written with LinkToPending
// as reference text, which the sender must replace with the IDs QuickBooks
// returned before the request goes out.
type LinkToTxn struct {
	TxnID     PendingID `xml:"TxnID" max:"36"`
	TxnLineID PendingID `xml:"TxnLineID" max:"36"`
}

// PendingID is a TxnID or TxnLineID, or a reference to one QuickBooks has
// not assigned yet: "TxnID:<key>" or "TxnLineID:<key>#<line>", where key
// names the transaction as the caller knows it and line counts its lines
// from 1. QuickBooks IDs never contain a colon, so the two cannot be confused.
type PendingID string

// Prefixes of pending references.
const (
	PendingTxnPrefix  = "TxnID:"
	PendingLinePrefix = "TxnLineID:"
)

// LinkToPending links to line (from 1) of the transaction the caller knows
// as key. It fails when the reference would not fit the 36 characters of an
// ID, so the request stays valid qbXML until it is resolved.
func LinkToPending(key string, line int) (*LinkToTxn, error) {
	if key == "" || line < 1 {
		return nil, fmt.Errorf("qbxml: link to line %d of %q: need a key and a line from 1", line, key)
	}
	l := &LinkToTxn{TxnID: PendingID(PendingTxnPrefix + key), TxnLineID: PendingID(PendingLinePrefix + key + "#" + strconv.Itoa(line))}
	if n := utf8.RuneCountInString(string(l.TxnLineID)); n > 36 {
		return nil, fmt.Errorf("qbxml: link to line %d of %q: the reference is %d characters, an ID holds 36", line, key, n)
	}
	return l, nil
}

// Pending reports whether the ID is still a reference to resolve.
func (id PendingID) Pending() bool {
	s := string(id)
	return strings.HasPrefix(s, PendingTxnPrefix) || strings.HasPrefix(s, PendingLinePrefix)
}
