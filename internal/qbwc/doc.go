// Package qbwc is the server side of the QuickBooks Web Connector protocol:
// the SOAP 1.1 endpoint the Web Connector polls (NewHandler), the WSDL it
// can fetch, and the .qwc file a merchant adds to the Web Connector (QWC).
//
// The package owns only the wire. What a call means — who may sync, which
// qbXML goes next, what a response changes — belongs to a Service, so the
// protocol can be tested against a fake and the engine without SOAP.
package qbwc
