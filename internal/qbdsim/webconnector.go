package qbdsim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	soapNS    = "http://developer.intuit.com/"
	wcVersion = "2.3.0.215"
	// maxSOAPBody caps what the client reads from a server.
	maxSOAPBody = 64 << 20
)

// WebConnector is a QuickBooks Web Connector 2.x client: it talks SOAP 1.1
// to a web service (AppURL) and hands the requests to Company.
type WebConnector struct {
	AppURL   string
	UserName string
	Password string
	Company  *Company
	HTTP     *http.Client
	Log      *slog.Logger
	// XSDValidate, when set, checks each request before QuickBooks sees it.
	XSDValidate func(string) error
	// NoOpDelay is the pause after "NoOp" (5 s in the real Web Connector).
	NoOpDelay time.Duration
	// MaxRoundTrips stops a runaway session (0 = 10,000).
	MaxRoundTrips int
	// OwnerID and FileID come from the .qwc; when set, the first connection
	// stores FileID in the company, where CompanyQuery with OwnerID finds it.
	OwnerID string
	FileID  string
}

// SessionResult is what one update did, as the Web Connector's log shows it.
type SessionResult struct {
	ServerVersion      string
	ClientVersionReply string
	// AuthStatus is authenticate's second string: "", a company file, "none", "nvu" or "busy".
	AuthStatus         string
	PostponeSeconds    int
	MinRunEverySeconds int
	RoundTrips         int
	RequestsProcessed  int
	LastError          string
	CloseMessage       string
	ConnectionErrors   int
	LostResponses      int
	Percent            int
}

// RunSession runs one update the way the Web Connector does: serverVersion,
// clientVersion, authenticate, then sendRequestXML/receiveResponseXML until
// 100 % or an error, getLastError where due, and closeConnection. The error
// is non-nil only for transport and SOAP failures.
func (wc *WebConnector) RunSession(ctx context.Context) (SessionResult, error) {
	var res SessionResult
	if wc.Company == nil {
		return res, errors.New("web connector: no QuickBooks company to connect to")
	}
	if err := checkAppURL(wc.AppURL); err != nil {
		return res, fmt.Errorf("web connector: %w", err)
	}
	log := wc.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if sv, err := wc.call(ctx, "serverVersion", nil); err == nil {
		res.ServerVersion = sv.text
	} else if !isSOAPFault(err) {
		return res, err
	}
	cv, err := wc.call(ctx, "clientVersion", []param{{"strVersion", wcVersion}})
	if err != nil && !isSOAPFault(err) {
		return res, err
	}
	if err == nil {
		res.ClientVersionReply = cv.text
		if strings.HasPrefix(cv.text, "E:") || strings.HasPrefix(cv.text, "O:") {
			res.LastError = cv.text
			log.Info("web connector: server refused this version", "reply", cv.text)
			return res, nil
		}
	}
	auth, err := wc.call(ctx, "authenticate", []param{{"strUserName", wc.UserName}, {"strPassword", wc.Password}})
	if err != nil {
		return res, err
	}
	if len(auth.strings) < 2 || len(auth.strings) > 4 {
		res.LastError = fmt.Sprintf("QBWC1012: authentication failed: authenticate returned %d strings", len(auth.strings))
		return res, errors.New(res.LastError)
	}
	ticket, status := auth.strings[0], auth.strings[1]
	res.AuthStatus = status
	if len(auth.strings) > 2 {
		res.PostponeSeconds, _ = strconv.Atoi(auth.strings[2])
	}
	if len(auth.strings) > 3 {
		res.MinRunEverySeconds, _ = strconv.Atoi(auth.strings[3])
	}
	switch strings.ToLower(status) {
	case "nvu":
		res.LastError = "The username or password is not valid (nvu)."
		return res, nil
	case "none":
		res.LastError = "No data exchange required."
		return res, nil
	case "busy":
		res.LastError = "The web service is busy; try again later."
		return res, nil
	}
	if res.PostponeSeconds > 0 {
		res.LastError = "Update postponed by application."
		return res, nil
	}
	// Open QuickBooks: the company file asked for must be the one we hold.
	file := status
	for attempt := 0; ; attempt++ {
		hres, msg := wc.openQuickBooks(file)
		if hres == "" {
			break
		}
		res.ConnectionErrors++
		reply, err := wc.call(ctx, "connectionError", []param{{"ticket", ticket}, {"hresult", hres}, {"message", msg}})
		if err != nil {
			return res, err
		}
		res.LastError = msg
		if reply.text == "done" || attempt >= 2 {
			return res, nil
		}
		file = reply.text
	}
	company := wc.Company
	if wc.OwnerID != "" && wc.FileID != "" {
		if err := company.RegisterFileID(wc.OwnerID, wc.FileID); err != nil {
			return res, fmt.Errorf("web connector: %w", err)
		}
	}
	hcp := company.HCPResponse()
	max := wc.MaxRoundTrips
	if max <= 0 {
		max = 10000
	}
	noops := 0
	for res.RoundTrips < max {
		rq, err := wc.call(ctx, "sendRequestXML", []param{{"ticket", ticket}, {"strHCPResponse", hcp}, {"strCompanyFileName", company.Options().FilePath},
			{"qbXMLCountry", "US"}, {"qbXMLMajorVers", "13"}, {"qbXMLMinorVers", "0"}})
		if err != nil {
			return res, err
		}
		hcp = ""
		if rq.text == "" || rq.text == "NoOp" {
			msg := "NoOp"
			if rq.text == "" {
				le, err := wc.call(ctx, "getLastError", []param{{"ticket", ticket}})
				if err != nil {
					return res, err
				}
				msg = le.text
			}
			if msg == "NoOp" && noops < 12 {
				noops++
				if err := sleepCtx(ctx, wc.noOpDelay()); err != nil {
					return res, err
				}
				continue
			}
			if msg != "NoOp" {
				res.LastError = msg
			}
			break
		}
		res.RoundTrips++
		response, hresult, message := wc.process(rq.text)
		if hresult == "" {
			res.RequestsProcessed += strings.Count(response, "statusCode=")
			if company.drawFault("lose") {
				// QuickBooks committed the work, but the answer never reaches
				// the service: the Web Connector's call fails and the update ends.
				res.LostResponses++
				res.LastError = "receiveResponseXML failed: the connection to the web service was lost"
				log.Info("web connector: response lost", "roundTrip", res.RoundTrips)
				return res, nil
			}
		}
		pr, err := wc.call(ctx, "receiveResponseXML", []param{{"ticket", ticket}, {"response", response}, {"hresult", hresult}, {"message", message}})
		if err != nil {
			return res, err
		}
		pct, err := strconv.Atoi(strings.TrimSpace(pr.text))
		if err != nil {
			return res, fmt.Errorf("receiveResponseXML returned %q, not an integer", pr.text)
		}
		res.Percent = pct
		if pct < 0 {
			le, err := wc.call(ctx, "getLastError", []param{{"ticket", ticket}})
			if err != nil {
				return res, err
			}
			res.LastError = le.text
			break
		}
		if pct >= 100 {
			break
		}
	}
	cl, err := wc.call(ctx, "closeConnection", []param{{"ticket", ticket}})
	if err != nil {
		return res, err
	}
	res.CloseMessage = cl.text
	log.Info("web connector: session closed", "roundTrips", res.RoundTrips, "message", cl.text)
	return res, nil
}

func (wc *WebConnector) noOpDelay() time.Duration {
	if wc.NoOpDelay > 0 {
		return wc.NoOpDelay
	}
	return 5 * time.Second
}

// openQuickBooks is OpenConnection+BeginSession: it fails when QuickBooks
// "is not running" (a fault) or the requested company file is not ours.
func (wc *WebConnector) openQuickBooks(file string) (hresult, message string) {
	if wc.Company.drawFault("connection") {
		if file == "" {
			return "0x80040416", "If QuickBooks is not running, a company data file name must be supplied to BeginSession."
		}
		return "0x80040408", "Could not start QuickBooks."
	}
	if h, m := wc.Company.accessHRESULT(); h != "" {
		return h, m
	}
	if file != "" && !strings.EqualFold(file, wc.Company.Options().FilePath) {
		return "0x80040408", "Could not start QuickBooks: the company file " + file + " is not the one open (" + wc.Company.Options().FilePath + ")."
	}
	return "", ""
}

// process is the request processor: optional schema check, then QuickBooks.
func (wc *WebConnector) process(request string) (response, hresult, message string) {
	if wc.XSDValidate != nil {
		if err := wc.XSDValidate(request); err != nil {
			return "", errParse.Code, errParse.Message
		}
	}
	resp, err := wc.Company.ProcessRequest(request)
	if err != nil {
		var h *HRESULTError
		if errors.As(err, &h) {
			return "", h.Code, h.Message
		}
		return "", "0x80040402", "Unexpected error. Check the qbsdklog.txt file for possible additional information."
	}
	return resp, "", ""
}

// RunEvery runs sessions until ctx is done, waiting interval between them
// (or longer when authenticate asked to postpone or raised the minimum).
func (wc *WebConnector) RunEvery(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return fmt.Errorf("web connector: run interval %v must be positive", interval)
	}
	for {
		res, err := wc.RunSession(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil && wc.Log != nil {
			wc.Log.Warn("web connector: session failed", "err", err)
		}
		wait := interval
		if d := time.Duration(res.PostponeSeconds) * time.Second; d > wait {
			wait = d
		}
		if d := time.Duration(res.MinRunEverySeconds) * time.Second; d > wait {
			wait = d
		}
		if err := sleepCtx(ctx, wait); err != nil {
			return nil
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
