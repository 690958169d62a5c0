package qbdsim

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopqb/shopqb/internal/money"
)

// Field limits for QBD US (qbd.md §6.1). Name and RefNumber depend on the
// object and are handled in checkLengths.
var fieldLimits = map[string]int{
	"Memo": 4095, "Desc": 4095, "SalesDesc": 4095, "PurchaseDesc": 4095, "ItemDesc": 4095, "Notes": 4095,
	"CompanyName": 41, "Salutation": 15, "FirstName": 25, "MiddleName": 5, "LastName": 25, "JobTitle": 41,
	"PrintAs": 41, "NameOnCheck": 41, "Phone": 21, "Mobile": 21, "Pager": 21, "AltPhone": 21, "Fax": 21,
	"Email": 1023, "Cc": 1023, "Contact": 41, "AltContact": 41, "Addr1": 41, "Addr2": 41, "Addr3": 41,
	"Addr4": 41, "Addr5": 41, "City": 31, "State": 21, "PostalCode": 13, "Country": 31, "Note": 41,
	"AccountNumber": 99, "ResaleNumber": 15, "VendorTaxIdent": 15, "CheckNumber": 25, "PONumber": 25,
	"FOB": 13, "VendorMsg": 99, "Other": 29, "Other1": 29, "Other2": 29, "BarCodeValue": 50,
	"ManufacturerPartNumber": 31, "LotNumber": 40, "SerialNumber": 4095, "TxnID": 36, "ListID": 36,
	"EditSequence": 16, "BankNumber": 25, "UnitOfMeasure": 31, "OverrideMemo": 4095,
}

// refFullNameLimits are FullName limits that differ from the usual 159.
var refFullNameLimits = map[string]int{
	"CustomerRef": 209, "SalesTaxCodeRef": 3, "CustomerSalesTaxCodeRef": 3, "PurchaseTaxCodeRef": 3,
	"SalesRepRef": 5, "TermsRef": 31, "PriceLevelRef": 31, "TemplateRef": 31, "ItemSalesTaxRef": 31,
	"ShipMethodRef": 15, "CustomerMsgRef": 101,
}

// refNumberLimit is 20 on payments, bills and item receipts, 11 elsewhere.
func refNumberLimit(object string) int {
	switch object {
	case "ReceivePayment", "Bill", "ItemReceipt":
		return 20
	}
	return 11
}

// nameLimit is 41 for names, 31 for items, accounts and other lists.
func nameLimit(kind string) int {
	if entityKinds[kind] {
		return 41
	}
	if kind == "SalesTaxCode" {
		return 3
	}
	return 31
}

// checkLengths answers 3070 for the first field longer than QuickBooks allows.
func checkLengths(n *node, object string, top bool, parent string) error {
	for _, k := range n.Kids {
		if len(k.Kids) > 0 {
			if err := checkLengths(k, object, false, k.Name); err != nil {
				return err
			}
			continue
		}
		limit, ok := fieldLimits[k.Name]
		switch {
		case k.Name == "Name" && top:
			limit, ok = nameLimit(object), true
		case k.Name == "RefNumber":
			limit, ok = refNumberLimit(object), true
		case k.Name == "FullName":
			limit, ok = 159, true
			if l, found := refFullNameLimits[parent]; found {
				limit = l
			}
		}
		if ok && len([]rune(k.Text)) > limit {
			return stErr(stTooLong, "The string \"%s\" in the field \"%s\" is too long.", k.Text, k.Name)
		}
	}
	return nil
}

// toLatin1 replaces what US QuickBooks cannot store (anything outside
// ISO-8859-1) with '?', which is what it saves (qbd.md §6.3).
func toLatin1(s string) string {
	ok := true
	for _, r := range s {
		if r > 0xFF {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r > 0xFF {
			b.WriteByte('?')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func latin1Tree(n *node) {
	n.Text = toLatin1(n.Text)
	for _, k := range n.Kids {
		latin1Tree(k)
	}
}

var guidPattern = regexp.MustCompile(`^(0|\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\})$`)

// checkGUID enforces GUIDTYPE: "0" or a braced GUID (qbd.md §3.4).
func checkGUID(s string) error {
	if !guidPattern.MatchString(s) {
		return stErr(stInvalidValue, "There is an invalid value \"%s\" in the field \"ExternalGUID\": a GUID must look like {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}.", s)
	}
	return nil
}

func parseBoolField(field, s string) (bool, error) {
	switch s {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, stErr(stBadBool, "There is an invalid boolean value \"%s\" in the field \"%s\".", s, field)
}

func parseDateField(field, s string) (string, error) {
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return "", stErr(stBadDate, "There is an invalid date \"%s\" in the field \"%s\".", s, field)
	}
	return s, nil
}

// parseDateTimeField reads DATETIMETYPE, with or without an offset.
func parseDateTimeField(field, s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05-07:00", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, stErr(stBadDate, "There is an invalid date \"%s\" in the field \"%s\".", s, field)
}

var amountPattern = regexp.MustCompile(`^-?[0-9]{1,13}(\.[0-9]{2})?$`)

// parseAmountField reads AMTTYPE: no decimals or exactly two.
func parseAmountField(field, s string) (money.Cents, error) {
	if !amountPattern.MatchString(s) {
		return 0, stErr(stInvalidValue, "There is an invalid amount \"%s\" in the field \"%s\".", s, field)
	}
	return money.Parse(s)
}

// dec5 is a decimal with five places (PRICETYPE, QUANTYPE, PERCENTTYPE),
// held as an integer so quantities and rates never go through floats.
const dec5Scale = 100000

var dec5Pattern = regexp.MustCompile(`^-?[0-9]{0,10}(\.[0-9]{0,5})?$`)

func parseDec5(field, s string) (int64, error) {
	if s == "" || s == "-" || s == "." || !dec5Pattern.MatchString(s) {
		return 0, stErr(stInvalidValue, "There is an invalid number \"%s\" in the field \"%s\".", s, field)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	for len(frac) < 5 {
		frac += "0"
	}
	w, _ := strconv.ParseInt("0"+whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*dec5Scale + f
	if neg {
		v = -v
	}
	return v, nil
}

// formatDec5 prints a dec5 without trailing zeros ("2", "1.5").
func formatDec5(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.FormatInt(v/dec5Scale, 10)
	if f := v % dec5Scale; f != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(dec5Scale+f, 10)[1:], "0")
	}
	return sign + s
}

// mulDivRound returns round(a*b/d) half away from zero, exactly.
func mulDivRound(a, b, d int64) int64 {
	if d == 0 {
		return 0
	}
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	den := big.NewInt(d)
	q, r := new(big.Int).QuoRem(p, den, new(big.Int))
	r2 := new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2))
	if r2.Cmp(new(big.Int).Abs(den)) >= 0 {
		if (p.Sign() < 0) != (den.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// qtyTimesRate is the line amount QuickBooks computes: quantity × rate,
// rounded to the cent. Both are dec5; rate is in currency units.
func qtyTimesRate(qty, rate int64) money.Cents {
	return money.Cents(mulDivRound(qty, rate, dec5Scale*dec5Scale/100))
}

// percentOf is amount × percent / 100 with percent in dec5.
func percentOf(amount money.Cents, pct int64) money.Cents {
	return money.Cents(mulDivRound(int64(amount), pct, 100*dec5Scale))
}
