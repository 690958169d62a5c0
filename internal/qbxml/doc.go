// Package qbxml is shopqb's typed view of qbXML 13.0, the message format the
// QuickBooks Web Connector carries between shopqb and QuickBooks Desktop.
//
// Requests are Go structs whose fields are declared in the order of the XSD's
// xsd:sequence, because QuickBooks rejects an element out of place with a bare
// parse error (HRESULT 0x80040400) and no hint of which field was wrong. The
// value types (Amount, Decimal, Date, DateTime, GUID) refuse to marshal a value
// the schema's patterns would reject, and MarshalRequest checks field lengths,
// so a bad posting fails here with a named field instead of in the merchant's
// QuickBooks.
//
// Responses are parsed leniently: QuickBooks' replies do not always follow its
// own schema, so ParseResponse keeps the common fields typed and everything
// else as a generic element tree.
//
// The package also holds the text rules QuickBooks imposes (ISO-8859-1 only,
// field limits, unique names) and the classification of QuickBooks status
// codes and HRESULTs into what shopqb should do next.
package qbxml
