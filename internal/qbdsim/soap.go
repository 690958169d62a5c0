package qbdsim

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// defaultHTTP bounds each call so a stuck web service ends the session
// instead of hanging it.
var defaultHTTP = &http.Client{Timeout: 2 * time.Minute}

// param is one SOAP argument, written in the order given.
type param struct{ name, value string }

// soapResult is a method's result: a string, or an ArrayOfString.
type soapResult struct {
	text    string
	strings []string
}

// SOAPFault is a fault returned by the web service.
type SOAPFault struct {
	Method string
	Code   string
	String string
}

func (f *SOAPFault) Error() string {
	return fmt.Sprintf("%s: SOAP fault %s: %s", f.Method, f.Code, f.String)
}

func isSOAPFault(err error) bool {
	var f *SOAPFault
	return errors.As(err, &f)
}

// call performs one document/literal SOAP 1.1 call with the Web
// Connector's element names and SOAPAction.
func (wc *WebConnector) call(ctx context.Context, method string, params []param) (soapResult, error) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`)
	b.WriteString(`<soap:Body><` + method + ` xmlns="` + soapNS + `">`)
	for _, p := range params {
		b.WriteString("<" + p.name + ">")
		xmlEscape(&b, p.value)
		b.WriteString("</" + p.name + ">")
	}
	b.WriteString(`</` + method + `></soap:Body></soap:Envelope>`)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wc.AppURL, &b)
	if err != nil {
		return soapResult{}, fmt.Errorf("%s: %w", method, err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"`+soapNS+method+`"`)
	req.Header.Set("User-Agent", "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)")
	client := wc.HTTP
	if client == nil {
		client = defaultHTTP
	}
	resp, err := client.Do(req)
	if err != nil {
		return soapResult{}, fmt.Errorf("%s: %w", method, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSOAPBody))
	if err != nil {
		return soapResult{}, fmt.Errorf("%s: read response: %w", method, err)
	}
	out, err := parseSOAPResponse(method, body)
	if err != nil {
		return soapResult{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return soapResult{}, fmt.Errorf("%s: HTTP %s", method, resp.Status)
	}
	return out, nil
}

// parseSOAPResponse reads <methodResponse><methodResult>…</methodResult>, or a Fault.
func parseSOAPResponse(method string, body []byte) (soapResult, error) {
	var env struct {
		Body struct {
			Fault *struct {
				Code   string `xml:"faultcode"`
				String string `xml:"faultstring"`
			} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault"`
			Inner []byte `xml:",innerxml"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return soapResult{}, fmt.Errorf("%s: response is not a SOAP envelope: %w", method, err)
	}
	if f := env.Body.Fault; f != nil {
		return soapResult{}, &SOAPFault{Method: method, Code: f.Code, String: f.String}
	}
	var r struct {
		XMLName xml.Name
		Kids    []struct {
			XMLName xml.Name
			Text    string   `xml:",chardata"`
			Strings []string `xml:"string"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(env.Body.Inner, &r); err != nil {
		return soapResult{}, fmt.Errorf("%s: bad SOAP body: %w", method, err)
	}
	if r.XMLName.Local != method+"Response" || r.XMLName.Space != soapNS {
		return soapResult{}, fmt.Errorf("%s: expected {%s}%sResponse, got {%s}%s", method, soapNS, method, r.XMLName.Space, r.XMLName.Local)
	}
	for _, k := range r.Kids {
		if k.XMLName.Local == method+"Result" {
			return soapResult{text: k.Text, strings: k.Strings}, nil
		}
	}
	// A missing result element is a null string (e.g. clientVersion "go on").
	return soapResult{}, nil
}
