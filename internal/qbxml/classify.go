package qbxml

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind says what shopqb should do about a QuickBooks answer.
type Kind string

// The kinds of outcome. Each one maps to a different action in the sync
// engine, which is why classification lives next to the wire format.
const (
	// OK: QuickBooks did it (warnings included); record the IDs it returned.
	OK Kind = "ok"
	// NotFound: nothing matched; for a recovery query this means "not posted".
	NotFound Kind = "not_found"
	// RetryLater: a temporary condition (record locked, QuickBooks busy); send again next session.
	RetryLater Kind = "retry_later"
	// MerchantFix: only someone at the QuickBooks company can fix it (closing date, permissions, …).
	MerchantFix Kind = "merchant_fix"
	// Requery: shopqb's copy is stale (edit sequence, ID); read the record again, then retry.
	Requery Kind = "requery"
	// LinkExisting: the name already exists; find that record and link to it instead of creating one.
	LinkExisting Kind = "link_existing"
	// Permanent: the request itself is wrong; sending it again cannot succeed.
	Permanent Kind = "permanent"
)

// Class is a classified QuickBooks status code or HRESULT, with a message a
// merchant can read and the fix to show next to it.
type Class struct {
	Kind    Kind
	Code    string // "3100", "0x80040400", "QBWC1012"
	Message string
	Fix     string
}

// Retryable reports whether sending the same request again may succeed
// without anyone changing anything.
func (c Class) Retryable() bool { return c.Kind == RetryLater }

func (c Class) String() string { return fmt.Sprintf("%s (%s): %s", c.Code, c.Kind, c.Message) }

type classText struct {
	kind         Kind
	message, fix string
}

// statusClasses covers every qbXML status code in the reference (qbd.md §5.1,
// peers.md §3b). Codes not listed fall back to the documented ranges.
var statusClasses = map[int]classText{
	0:    {OK, "QuickBooks accepted the request.", ""},
	1:    {NotFound, "QuickBooks found no matching record.", ""},
	500:  {NotFound, "Some of the requested records do not exist in QuickBooks.", "shopqb will create or re-link the missing records."},
	501:  {Permanent, "This kind of record cannot be read with the qbXML version in use.", "Update QuickBooks Desktop to a release that supports qbXML 13.0."},
	510:  {Permanent, "QuickBooks could not return this record.", "Open the record in QuickBooks to check it is not damaged (File › Utilities › Verify Data)."},
	530:  {OK, "QuickBooks ignored a field it does not support; the rest was saved.", ""},
	531:  {OK, "QuickBooks ignored a value it does not support; the rest was saved.", ""},
	550:  {OK, "QuickBooks saved the record but not its notes.", ""},
	560:  {OK, "QuickBooks saved the record; one field is deprecated.", ""},
	570:  {OK, "QuickBooks saved the record but could not link it to a closed transaction.", "Link the payment by hand in QuickBooks if needed."},
	600:  {NotFound, "QuickBooks holds no saved result for that earlier message set.", "shopqb will look the records up by reference number instead."},
	1000: {RetryLater, "QuickBooks reported an internal error.", "shopqb retries next sync; if it repeats, restart QuickBooks and run File › Utilities › Verify Data."},
	1010: {RetryLater, "QuickBooks is not available right now.", "Make sure QuickBooks is running and not showing a dialog; shopqb retries next sync."},
	1030: {Permanent, "QuickBooks does not support this request.", "Report this to shopqb support with the record's details."},
	1060: {Permanent, "The request ID is invalid (longer than 50 characters).", "Report this to shopqb support; it is a shopqb defect."},
	3000: {Requery, "A QuickBooks ID shopqb used no longer exists.", "shopqb will look the record up again; if it was deleted in QuickBooks it will be re-created."},
	3010: {Permanent, "A yes/no field had an invalid value.", "Report this to shopqb support; it is a shopqb defect."},
	3020: {Permanent, "A date had an invalid value.", "Report this to shopqb support; it is a shopqb defect."},
	3030: {Permanent, "A date range was invalid.", "Report this to shopqb support; it is a shopqb defect."},
	3031: {Permanent, "A text range was invalid.", "Report this to shopqb support; it is a shopqb defect."},
	3035: {Permanent, "A time interval was invalid.", "Report this to shopqb support; it is a shopqb defect."},
	3070: {Permanent, "A text value was longer than QuickBooks allows.", "Report this to shopqb support; shopqb should have shortened it."},
	3100: {LinkExisting, "A record with this name already exists in QuickBooks (names are shared by customers, vendors, employees and other names).", "shopqb will link to the existing record, or rename the new one if it is a different kind."},
	3120: {NotFound, "The record this refers to cannot be found in QuickBooks.", "shopqb will re-create it; if you deleted or merged it on purpose, remap it in shopqb."},
	3140: {MerchantFix, "The transaction refers to a customer, item, account or other list entry that QuickBooks does not have.", "Create or reactivate the entry named in the message in QuickBooks, or remap it in shopqb, then retry."},
	3150: {Permanent, "A required field was missing.", "Report this to shopqb support; it is a shopqb defect."},
	3170: {RetryLater, "QuickBooks could not change the record because someone is editing it.", "Close the record's window in QuickBooks; shopqb retries next sync."},
	3171: {MerchantFix, "The transaction is dated on or before the company's closing date.", "Move the closing date back in QuickBooks (Edit › Preferences › Accounting › Company Preferences), or choose a later posting date in shopqb, then retry."},
	3175: {RetryLater, "QuickBooks could not lock the record because it is in use.", "Close open windows in QuickBooks; shopqb retries next sync."},
	3176: {RetryLater, "The list entry is in use by another user.", "Close open windows in QuickBooks; shopqb retries next sync."},
	3180: {RetryLater, "QuickBooks could not save the record (it was locked or in use).", "Close open windows in QuickBooks; shopqb retries next sync."},
	3200: {Requery, "The record changed in QuickBooks since shopqb last read it.", "shopqb will read it again and re-apply the change."},
	3210: {MerchantFix, "QuickBooks refused a value in the transaction.", "Read QuickBooks' reason in the message, correct it in QuickBooks or shopqb, then retry."},
	3231: {RetryLater, "QuickBooks did not process this request because an earlier one in the batch failed.", "shopqb sends it again next sync."},
	3250: {MerchantFix, "This feature is not turned on or not available in your QuickBooks edition.", "Turn the feature on in QuickBooks preferences, or turn it off in shopqb's settings."},
	3260: {MerchantFix, "The QuickBooks user the Web Connector logs in as lacks permission for this.", "In QuickBooks, as Admin, give that user full access (Company › Users), or choose an admin user in Edit › Preferences › Integrated Applications."},
	3261: {MerchantFix, "shopqb is not allowed to access personal data in this company file.", "In Edit › Preferences › Integrated Applications, open shopqb's properties and allow access to personal data."},
	3290: {Permanent, "Lines were in an order QuickBooks does not accept.", "Report this to shopqb support; it is a shopqb defect."},
}

// Classify returns what to do about a qbXML statusCode. For 3175/3176/3180
// it assumes a record lock; use ClassifyStatus when the status message is at
// hand, because 3180 also carries business errors such as a credit limit.
func Classify(statusCode int) Class { return ClassifyStatus(statusCode, "") }

// ClassifyStatus classifies a status code using QuickBooks' statusMessage to
// tell lock errors (retry) from business errors reported under the same code.
func ClassifyStatus(statusCode int, statusMessage string) Class {
	code := strconv.Itoa(statusCode)
	if t, ok := statusClasses[statusCode]; ok {
		c := Class{Kind: t.kind, Code: code, Message: t.message, Fix: t.fix}
		if (statusCode == 3175 || statusCode == 3176 || statusCode == 3180) && statusMessage != "" && !isLockMessage(statusMessage) {
			c.Kind = MerchantFix
			c.Message = "QuickBooks could not save the record: " + statusMessage
			c.Fix = "Correct the problem QuickBooks describes (for example raise the customer's credit limit), then retry."
		}
		return c
	}
	switch {
	case statusCode >= 0 && statusCode < 500:
		return Class{OK, code, "QuickBooks accepted the request.", ""}
	case statusCode >= 500 && statusCode < 1000:
		return Class{OK, code, "QuickBooks processed the request with a warning.", ""}
	case statusCode >= 9100 && statusCode < 9200:
		return Class{Permanent, code, "A macro (defMacro/useMacro) in the batch was invalid.", "Report this to shopqb support; it is a shopqb defect."}
	case statusCode >= 2000 && statusCode < 3000:
		return Class{Permanent, code, "QuickBooks Desktop does not support this request.", "Report this to shopqb support."}
	default:
		return Class{Permanent, code, "QuickBooks refused the request.", "Read QuickBooks' message; if it does not explain the problem, report it to shopqb support."}
	}
}

// isLockMessage recognises the lock and concurrent-edit wordings QuickBooks
// uses under 3175/3176/3180.
func isLockMessage(msg string) bool {
	m := strings.ToLower(msg)
	for _, w := range []string{"lock", "in use", "being edited", "modified by another user", "another user", "busy"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// hresultClasses covers the HRESULTs and Web Connector codes in the
// reference (qbd.md §5.2, peers.md §3b).
var hresultClasses = map[string]classText{
	"0x80040400": {Permanent, "QuickBooks could not read the request (invalid XML, an element out of order or a character it cannot store).", "Report this to shopqb support; it is a shopqb defect."},
	"0x80040401": {RetryLater, "The Web Connector could not reach QuickBooks.", "Make sure QuickBooks is installed and can start; shopqb retries next sync."},
	"0x80040402": {RetryLater, "QuickBooks hit an unexpected error.", "Restart QuickBooks; if it repeats, send shopqb support the file qbsdklog.txt."},
	"0x80040403": {MerchantFix, "QuickBooks could not open the company file.", "Check the company file still exists at the same path and opens in QuickBooks."},
	"0x80040408": {MerchantFix, "QuickBooks could not start.", "Close any single-user task, log in to Windows as the user who set up the Web Connector, and check the company file was not moved or renamed."},
	"0x80040409": {MerchantFix, "This QuickBooks version cannot open the company file.", "Open the file with the QuickBooks version it was last used with, or update it."},
	"0x8004040A": {MerchantFix, "A different company file is open in QuickBooks.", "Close the other company file (or open this one) and run the Web Connector again."},
	"0x8004040D": {RetryLater, "The Web Connector session ticket was not valid.", "Nothing to do; the next sync starts a new session."},
	"0x80040410": {MerchantFix, "The company file is open in a different mode (for example single-user).", "Switch QuickBooks to multi-user mode or close the company file, then sync again."},
	"0x80040414": {MerchantFix, "A dialog is open in QuickBooks and blocks the Web Connector.", "Close the dialog in QuickBooks (update or backup reminders too), then sync again."},
	"0x80040416": {MerchantFix, "QuickBooks is not running and no company file was named.", "Open the company file in QuickBooks, or let shopqb name it: reconnect the Web Connector while the file is open."},
	"0x80040418": {MerchantFix, "shopqb has not been authorised for this company file yet.", "Open the file as Admin in single-user mode, run the Web Connector and answer \"Yes, always; allow access even if QuickBooks is not running\"."},
	"0x8004041A": {MerchantFix, "shopqb is not authorised to log in to this company file.", "In Edit › Preferences › Integrated Applications, allow shopqb to log in automatically."},
	"0x8004041D": {MerchantFix, "shopqb is not allowed to log in automatically.", "In Edit › Preferences › Integrated Applications, open shopqb's properties and allow it to log in automatically as a user."},
	"0x80040420": {MerchantFix, "The QuickBooks user denied shopqb access.", "In Edit › Preferences › Integrated Applications, re-authorise shopqb and tick \"Allow this application to log in automatically\"."},
	"0x80040422": {MerchantFix, "This task needs the company file in single-user mode.", "Switch the file to single-user mode for this sync, or schedule it when nobody else is working."},
	"0x80040424": {RetryLater, "QuickBooks had not finished starting.", "Nothing to do; shopqb retries next sync."},
	"SDK_E_APP_NOT_SUPPORTED_IN_READONLY_MODE": {MerchantFix, "QuickBooks is in view-only mode because its subscription has lapsed.", "Renew the QuickBooks Desktop subscription, then sync again."},
	"QBWC1010": {MerchantFix, "The Web Connector requires an https address for shopqb (http only works on the same computer).", "Serve shopqb over https with a trusted certificate and add the .qwc file again."},
	"QBWC1012": {MerchantFix, "The Web Connector could not sign in to shopqb.", "Re-enter the shopqb token as the password in the Web Connector; if it persists, check the server's logs."},
	"QBWC1013": {RetryLater, "The Web Connector could not connect to QuickBooks during the update.", "Make sure QuickBooks is running with the company file open and no dialog showing."},
	"QBWC1030": {MerchantFix, "No password is set for shopqb in the Web Connector.", "Paste the shopqb token into the Password column of the Web Connector."},
	"QBWC1033": {MerchantFix, "The Web Connector could not write its log file.", "Check the Web Connector's folder is writable and the disk is not full."},
	"QBWC1039": {MerchantFix, "The Web Connector could not add shopqb (usually \"Unique OwnerID/FileID pair value required\": shopqb was added to this file before).", "Remove the old entry with Intuit's CP3 tool, or download a fresh .qwc file from shopqb."},
	"QBWC1040": {MerchantFix, "The user name or password in the Web Connector is wrong.", "Re-enter the shopqb token as the password, or rotate the token and add the new .qwc file."},
	"QBWC1042": {RetryLater, "The Web Connector could not process shopqb's reply.", "shopqb retries next sync; if it repeats, send shopqb support the last lines of QWCLog.txt."},
	"QBWC1048": {MerchantFix, "The Web Connector could not verify shopqb's certificate.", "Install a certificate from a public authority with its full chain, or trust the certificate in Windows."},
	"QBWC1051": {MerchantFix, "The Web Connector did not add shopqb.", "Use an https address (http only for localhost) and add the .qwc file again."},
	"QBWC1085": {MerchantFix, "The Web Connector has trouble with its log file QWCLog.txt.", "Close the Web Connector, rename QWCLog.txt, and start it again."},
}

// ClassifyHRESULT classifies an HRESULT from connectionError or
// receiveResponseXML, or a Web Connector code such as "QBWC1012". It accepts
// "0x80040400", "80040400" and the signed decimal form "-2147220480".
func ClassifyHRESULT(h string) Class {
	key := normalizeHRESULT(h)
	if t, ok := hresultClasses[key]; ok {
		return Class{Kind: t.kind, Code: key, Message: t.message, Fix: t.fix}
	}
	return Class{Kind: RetryLater, Code: key, Message: "QuickBooks or the Web Connector reported an error (" + key + ").",
		Fix: "Check QuickBooks is open with the company file and no dialog showing; shopqb retries next sync."}
}

func normalizeHRESULT(h string) string {
	s := strings.TrimSpace(h)
	up := strings.ToUpper(s)
	if strings.HasPrefix(up, "QBWC") || strings.HasPrefix(up, "SDK_E_") {
		return up
	}
	hex := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if v, err := strconv.ParseUint(hex, 16, 32); err == nil && (hex != s || len(hex) == 8) {
		return fmt.Sprintf("0x%08X", v)
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil && v >= -(1<<31) && v < 1<<32 {
		return fmt.Sprintf("0x%08X", uint32(v))
	}
	return s
}
