package qbwc

import "context"

// Service is what the SOAP endpoint asks of the sync engine. The endpoint owns
// the wire (SOAP 1.1, the Web Connector's method names and their argument
// rules); the Service owns the meaning (who may sync, what to send, what a
// response changes). Keeping the two apart lets the protocol be tested against
// a fake Service and the engine be tested without SOAP.
type Service interface {
	// ServerVersion is shown in the Web Connector's "More Information" dialog.
	ServerVersion(ctx context.Context) string
	// ClientVersion answers "" to go on, "W:<text>" to warn, "E:<text>" to refuse.
	ClientVersion(ctx context.Context, version string) string
	// Authenticate checks the user and app token and answers with a ticket and
	// one of: "" (use the open company file), a company-file path, "none"
	// (nothing due), "nvu" (bad user or token) or "busy".
	Authenticate(ctx context.Context, user, password string) (AuthResult, error)
	// SendRequest returns the next qbXML request for the session, or "" when
	// there is nothing more (the Web Connector then calls getLastError).
	SendRequest(ctx context.Context, ticket string, in SendRequestInput) (string, error)
	// ReceiveResponse takes QuickBooks' response and returns the percent done
	// (0–100), or a negative number on error.
	ReceiveResponse(ctx context.Context, ticket string, in ReceiveResponseInput) (int, error)
	// ConnectionError records that the Web Connector could not reach QuickBooks
	// and returns "done" (or a company file to retry with).
	ConnectionError(ctx context.Context, ticket, hresult, message string) (string, error)
	// LastError is a one-line, plain-language message for the Web Connector's status column.
	LastError(ctx context.Context, ticket string) (string, error)
	// CloseConnection ends the session and returns a one-line result.
	CloseConnection(ctx context.Context, ticket string) (string, error)
}

// AuthResult is authenticate's answer. The endpoint turns it into at most four strings.
type AuthResult struct {
	Ticket string
	// Status is "", a company-file path, "none", "nvu" or "busy".
	Status string
	// PostponeSeconds and MinRunEverySeconds are optional (0 = not sent).
	PostponeSeconds    int
	MinRunEverySeconds int
}

// SendRequestInput is sendRequestXML's arguments.
type SendRequestInput struct {
	HCPResponse     string // non-empty on the first call of a session
	CompanyFileName string
	Country         string
	MajorVersion    int
	MinorVersion    int
}

// ReceiveResponseInput is receiveResponseXML's arguments.
type ReceiveResponseInput struct {
	Response string
	HResult  string
	Message  string
}
