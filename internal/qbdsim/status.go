package qbdsim

import "fmt"

// statusError is a qbXML statusCode answer for one request. Codes and their
// meaning follow Intuit's status table (reference qbd.md §5.1).
type statusError struct {
	Code int
	Msg  string
}

func (e *statusError) Error() string { return fmt.Sprintf("status %d: %s", e.Code, e.Msg) }

func stErr(code int, format string, args ...any) *statusError {
	return &statusError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// Codes used by the simulator.
const (
	stOK             = 0
	stNoMatch        = 1
	stPartial        = 500
	stUnsupportedMsg = 1030
	stInvalidID      = 3000
	stBadBool        = 3010
	stBadDate        = 3020
	stTooLong        = 3070
	stNameInUse      = 3100
	stNotFound       = 3120
	stBadRef         = 3140
	stMissingElement = 3150
	stModifyError    = 3170
	stClosedPeriod   = 3171
	stSaveError      = 3175
	stInUse          = 3176
	stGeneralSave    = 3180
	stEditSequence   = 3200
	stInvalidValue   = 3210
	stFeatureOff     = 3250
)

// severity maps a status code to statusSeverity: 0–499 Info, 500–999 Warn,
// everything else Error.
func severity(code int) string {
	switch {
	case code < 500:
		return "Info"
	case code < 1000:
		return "Warn"
	}
	return "Error"
}

// HRESULTError is what QBXMLRP2's ProcessRequest throws instead of answering:
// the request never reached QuickBooks' business logic (bad XML, QuickBooks
// busy). The Web Connector passes Code and Message to receiveResponseXML.
type HRESULTError struct {
	Code    string
	Message string
}

func (e *HRESULTError) Error() string { return e.Code + ": " + e.Message }

// HRESULTs from reference qbd.md §5.2.
var (
	errParse = &HRESULTError{Code: "0x80040400", Message: "QuickBooks found an error when parsing the provided XML text stream."}
	// errBusy is the modal-dialog HRESULT; the reference marks 0x80040414 as
	// unverified, it is the closest documented "QuickBooks is in use" code.
	errBusy = &HRESULTError{Code: "0x80040414", Message: "A modal dialog box is showing in the QuickBooks user interface. Your application cannot access QuickBooks until the user dismisses the dialog box."}
)
