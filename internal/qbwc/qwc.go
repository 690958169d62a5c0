package qbwc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// AuthFlags is the .qwc AuthFlags bit set: which QuickBooks editions may
// connect. An edition left out gets a connection error from the Web
// Connector, which is the clear, early failure we want for an edition shopqb
// cannot serve.
type AuthFlags uint8

// Edition bits of AuthFlags (QBWC Programmer's Guide, Table 4-1).
const (
	AuthSimpleStart AuthFlags = 0x1
	AuthPro         AuthFlags = 0x2
	AuthPremier     AuthFlags = 0x4
	AuthEnterprise  AuthFlags = 0x8
)

// DefaultAuthFlags admits Pro, Premier and Enterprise and leaves out Simple
// Start. The .qwc default (0x0) admits every edition including Simple Start,
// which lacks the inventory and purchasing features the sync posts into, so
// it would fail later and less clearly than the Web Connector refusing it.
const DefaultAuthFlags = AuthPro | AuthPremier | AuthEnterprise

func (f AuthFlags) String() string { return "0x" + strings.ToUpper(strconv.FormatUint(uint64(f), 16)) }

// Values of the .qwc preference elements.
const (
	QBTypeFinancial = "QBFS"  // QuickBooks financial software (Pro, Premier, Enterprise)
	QBTypePOS       = "QBPOS" // QuickBooks Point of Sale

	PersonalDataNotNeeded = "pdpNotNeeded"
	PersonalDataOptional  = "pdpOptional"
	PersonalDataRequired  = "pdpRequired"

	UnattendedRequired = "umpRequired"
	UnattendedOptional = "umpOptional"
)

// Defaults written when the corresponding QWC field is zero.
const (
	DefaultRunEveryNMinutes   = 15
	DefaultPersonalDataPref   = PersonalDataOptional
	DefaultUnattendedModePref = UnattendedRequired
)

// QWC is the content of a .qwc file, the Web Connector's description of
// one application and one company file. Zero-valued optional fields take the
// package defaults when marshalled:
//
//   - RunEveryNMinutes 15: shopqb's daily syncs start within 15 minutes.
//   - UnattendedModePref umpRequired: scheduled syncs run when nobody has
//     QuickBooks open, so the administrator must grant "allow access even if
//     QuickBooks is not running" when approving the certificate; asking for it
//     up front beats a sync that silently needs someone at the PC.
//   - PersonalDataPref pdpOptional.
//   - AuthFlags DefaultAuthFlags (Pro, Premier, Enterprise).
//   - QBType QBFS.
type QWC struct {
	AppName        string // shown in the Web Connector; unique per company file
	AppID          string // passed to OpenConnection; may be empty
	AppURL         string // the SOAP endpoint: https, or http on localhost
	AppDescription string
	AppSupport     string // support page on the same host as AppURL
	UserName       string // sent as strUserName; the token is typed into the Web Connector, never written here
	OwnerID        string // {GUID}, see StableGUID
	FileID         string // {GUID}, see StableGUID
	// AppUniqueName, when set, makes the Web Connector replace an existing
	// entry rather than add a clone when the file is added again.
	AppUniqueName      string
	QBType             string
	RunEveryNMinutes   int
	IsReadOnly         bool
	PersonalDataPref   string
	UnattendedModePref string
	AuthFlags          AuthFlags
	Notify             bool
}

// withDefaults returns q with zero optional fields set to their defaults.
func (q QWC) withDefaults() QWC {
	if q.QBType == "" {
		q.QBType = QBTypeFinancial
	}
	if q.RunEveryNMinutes == 0 {
		q.RunEveryNMinutes = DefaultRunEveryNMinutes
	}
	if q.PersonalDataPref == "" {
		q.PersonalDataPref = DefaultPersonalDataPref
	}
	if q.UnattendedModePref == "" {
		q.UnattendedModePref = DefaultUnattendedModePref
	}
	if q.AuthFlags == 0 {
		q.AuthFlags = DefaultAuthFlags
	}
	return q
}

var guidPattern = regexp.MustCompile(`^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$`)

// Validate reports every problem that would make the Web Connector reject
// the file or fail to connect, joined into one error.
func (q QWC) Validate() error {
	q = q.withDefaults()
	var errs []error
	if strings.TrimSpace(q.AppName) == "" {
		errs = append(errs, errors.New("AppName is empty"))
	} else if hasControl(q.AppName) {
		errs = append(errs, errors.New("AppName contains control characters"))
	}
	appURL, err := checkQWCURL("AppURL", q.AppURL)
	if err != nil {
		errs = append(errs, err)
	}
	supportURL, err := checkQWCURL("AppSupport", q.AppSupport)
	if err != nil {
		errs = append(errs, err)
	}
	if appURL != nil && supportURL != nil && !strings.EqualFold(appURL.Hostname(), supportURL.Hostname()) {
		errs = append(errs, fmt.Errorf("AppSupport host %q differs from AppURL host %q; the Web Connector requires the same domain", supportURL.Hostname(), appURL.Hostname()))
	}
	if strings.TrimSpace(q.UserName) == "" {
		errs = append(errs, errors.New("UserName is empty"))
	} else if hasControl(q.UserName) {
		errs = append(errs, errors.New("UserName contains control characters"))
	}
	if !guidPattern.MatchString(q.OwnerID) {
		errs = append(errs, fmt.Errorf("OwnerID %q is not a GUID of the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", q.OwnerID))
	}
	if !guidPattern.MatchString(q.FileID) {
		errs = append(errs, fmt.Errorf("FileID %q is not a GUID of the form {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", q.FileID))
	}
	if q.QBType != QBTypeFinancial && q.QBType != QBTypePOS {
		errs = append(errs, fmt.Errorf("QBType %q is neither %s nor %s", q.QBType, QBTypeFinancial, QBTypePOS))
	}
	if q.RunEveryNMinutes < 1 {
		errs = append(errs, fmt.Errorf("RunEveryNMinutes %d is below 1", q.RunEveryNMinutes))
	}
	switch q.PersonalDataPref {
	case PersonalDataNotNeeded, PersonalDataOptional, PersonalDataRequired:
	default:
		errs = append(errs, fmt.Errorf("PersonalDataPref %q is not one of pdpNotNeeded, pdpOptional, pdpRequired", q.PersonalDataPref))
	}
	switch q.UnattendedModePref {
	case UnattendedRequired, UnattendedOptional:
	default:
		errs = append(errs, fmt.Errorf("UnattendedModePref %q is not one of umpRequired, umpOptional", q.UnattendedModePref))
	}
	if q.AuthFlags > AuthSimpleStart|AuthPro|AuthPremier|AuthEnterprise {
		errs = append(errs, fmt.Errorf("AuthFlags %s has bits beyond 0xF", q.AuthFlags))
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid .qwc: %w", errors.Join(errs...))
	}
	return nil
}

// checkQWCURL requires an absolute https URL, or http when the host is this
// machine: the Web Connector refuses plain http to any other host.
func checkQWCURL(field, raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%s is empty", field)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %q is not a URL: %w", field, raw, err)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%s %q has no host", field, raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s must not carry a user name or password", field)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("%s %q uses http; the Web Connector needs https except for localhost, 127.0.0.1 or ::1", field, raw)
		}
	default:
		return nil, fmt.Errorf("%s %q must be an https URL", field, raw)
	}
	return u, nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// qwcXML is the QBWCXML document in the element order of the Programmer's
// Guide's examples. The Web Connector does not depend on the order, but a
// familiar layout is easier for a merchant or supporter to read.
type qwcXML struct {
	XMLName            xml.Name     `xml:"QBWCXML"`
	AppName            string       `xml:"AppName"`
	AppID              string       `xml:"AppID"`
	AppURL             string       `xml:"AppURL"`
	AppDescription     string       `xml:"AppDescription"`
	AppSupport         string       `xml:"AppSupport"`
	AppUniqueName      string       `xml:"AppUniqueName,omitempty"`
	UserName           string       `xml:"UserName"`
	OwnerID            string       `xml:"OwnerID"`
	FileID             string       `xml:"FileID"`
	QBType             string       `xml:"QBType"`
	Scheduler          qwcScheduler `xml:"Scheduler"`
	IsReadOnly         bool         `xml:"IsReadOnly"`
	PersonalDataPref   string       `xml:"PersonalDataPref"`
	UnattendedModePref string       `xml:"UnattendedModePref"`
	AuthFlags          string       `xml:"AuthFlags"`
	Notify             bool         `xml:"Notify"`
}

type qwcScheduler struct {
	RunEveryNMinutes int `xml:"RunEveryNMinutes,omitempty"`
	RunEveryNSeconds int `xml:"RunEveryNSeconds,omitempty"`
}

// Marshal validates q and renders the .qwc file.
func (q QWC) Marshal() ([]byte, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	q = q.withDefaults()
	doc := qwcXML{
		AppName:            q.AppName,
		AppID:              q.AppID,
		AppURL:             q.AppURL,
		AppDescription:     q.AppDescription,
		AppSupport:         q.AppSupport,
		AppUniqueName:      q.AppUniqueName,
		UserName:           q.UserName,
		OwnerID:            q.OwnerID,
		FileID:             q.FileID,
		QBType:             q.QBType,
		Scheduler:          qwcScheduler{RunEveryNMinutes: q.RunEveryNMinutes},
		IsReadOnly:         q.IsReadOnly,
		PersonalDataPref:   q.PersonalDataPref,
		UnattendedModePref: q.UnattendedModePref,
		AuthFlags:          q.AuthFlags.String(),
		Notify:             q.Notify,
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?>` + "\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("marshal .qwc: %w", err)
	}
	b.WriteString("\n")
	return b.Bytes(), nil
}

// ParseQWC reads a .qwc file, as the Web Connector (or shopqb's simulator of
// it) does. Element order is free; a DOCTYPE is refused. Scheduler seconds
// are not represented in QWC, so a file using RunEveryNSeconds gets its
// interval rounded up to whole minutes.
func ParseQWC(data []byte) (QWC, error) {
	if err := refuseDirectives(data); err != nil {
		return QWC{}, fmt.Errorf("parse .qwc: %w", err)
	}
	var doc qwcXML
	if err := xml.Unmarshal(data, &doc); err != nil {
		return QWC{}, fmt.Errorf("parse .qwc: %w", err)
	}
	q := QWC{
		AppName:            doc.AppName,
		AppID:              doc.AppID,
		AppURL:             strings.TrimSpace(doc.AppURL),
		AppDescription:     doc.AppDescription,
		AppSupport:         strings.TrimSpace(doc.AppSupport),
		AppUniqueName:      doc.AppUniqueName,
		UserName:           doc.UserName,
		OwnerID:            strings.TrimSpace(doc.OwnerID),
		FileID:             strings.TrimSpace(doc.FileID),
		QBType:             strings.TrimSpace(doc.QBType),
		RunEveryNMinutes:   doc.Scheduler.RunEveryNMinutes,
		IsReadOnly:         doc.IsReadOnly,
		PersonalDataPref:   strings.TrimSpace(doc.PersonalDataPref),
		UnattendedModePref: strings.TrimSpace(doc.UnattendedModePref),
		Notify:             doc.Notify,
	}
	if q.RunEveryNMinutes == 0 && doc.Scheduler.RunEveryNSeconds > 0 {
		q.RunEveryNMinutes = (doc.Scheduler.RunEveryNSeconds + 59) / 60
	}
	// An absent AuthFlags, like 0x0, means every edition may connect.
	q.AuthFlags = AuthSimpleStart | AuthPro | AuthPremier | AuthEnterprise
	if f := strings.TrimSpace(doc.AuthFlags); f != "" {
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(f), "0x"), 16, 8)
		if err != nil || !strings.HasPrefix(strings.ToLower(f), "0x") {
			return QWC{}, fmt.Errorf("parse .qwc: AuthFlags %q is not a hexadecimal 0x value", f)
		}
		if n != 0 {
			q.AuthFlags = AuthFlags(n)
		}
	}
	return q, nil
}

// refuseDirectives rejects any <!DOCTYPE …> or other declaration, so entity
// definitions never reach the parser.
func refuseDirectives(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if _, ok := tok.(xml.Directive); ok {
			return errors.New("DOCTYPE and other <!...> declarations are not allowed")
		}
	}
}
