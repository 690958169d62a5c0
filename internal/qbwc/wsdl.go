package qbwc

import (
	"bytes"
	"encoding/xml"
	"sort"
	"strings"
)

// wsdlParamTypes gives each parameter's XML Schema type; everything not
// listed is a string.
var wsdlParamTypes = map[string]string{
	"qbXMLMajorVers": "s:int",
	"qbXMLMinorVers": "s:int",
}

// wsdlResultTypes gives each operation's result type; everything not listed
// returns a string.
var wsdlResultTypes = map[string]string{
	"authenticate":       "tns:ArrayOfString",
	"receiveResponseXML": "s:int",
}

// wsdlDocument describes the endpoint: document/literal SOAP 1.1 in the
// Intuit namespace, one operation per entry of the methods table, so the
// description cannot drift from what the decoder accepts. location is the
// address written into soap:address.
func wsdlDocument(location string) string {
	names := make([]string, 0, len(methods))
	for name := range methods {
		names = append(names, name)
	}
	sort.Strings(names)

	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s="` + xsdNS + `" xmlns:tns="` + IntuitNS + `" targetNamespace="` + IntuitNS + `">` + "\n")

	b.WriteString(`<wsdl:types>` + "\n")
	b.WriteString(`<s:schema elementFormDefault="qualified" targetNamespace="` + IntuitNS + `">` + "\n")
	for _, name := range names {
		b.WriteString(`<s:element name="` + name + `"><s:complexType><s:sequence>`)
		for _, p := range methods[name].params {
			typ := wsdlParamTypes[p]
			if typ == "" {
				typ = "s:string"
				b.WriteString(`<s:element minOccurs="0" maxOccurs="1" name="` + p + `" type="` + typ + `"/>`)
				continue
			}
			b.WriteString(`<s:element minOccurs="1" maxOccurs="1" name="` + p + `" type="` + typ + `"/>`)
		}
		b.WriteString(`</s:sequence></s:complexType></s:element>` + "\n")
		res := wsdlResultTypes[name]
		occurs := `minOccurs="0"`
		switch res {
		case "":
			res = "s:string"
		case "s:int":
			occurs = `minOccurs="1"`
		}
		b.WriteString(`<s:element name="` + name + `Response"><s:complexType><s:sequence><s:element ` + occurs + ` maxOccurs="1" name="` + name + `Result" type="` + res + `"/></s:sequence></s:complexType></s:element>` + "\n")
	}
	b.WriteString(`<s:complexType name="ArrayOfString"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" name="string" nillable="true" type="s:string"/></s:sequence></s:complexType>` + "\n")
	b.WriteString(`</s:schema>` + "\n")
	b.WriteString(`</wsdl:types>` + "\n")

	for _, name := range names {
		b.WriteString(`<wsdl:message name="` + name + `SoapIn"><wsdl:part name="parameters" element="tns:` + name + `"/></wsdl:message>` + "\n")
		b.WriteString(`<wsdl:message name="` + name + `SoapOut"><wsdl:part name="parameters" element="tns:` + name + `Response"/></wsdl:message>` + "\n")
	}

	b.WriteString(`<wsdl:portType name="QBWebConnectorSvcSoap">` + "\n")
	for _, name := range names {
		b.WriteString(`<wsdl:operation name="` + name + `"><wsdl:input message="tns:` + name + `SoapIn"/><wsdl:output message="tns:` + name + `SoapOut"/></wsdl:operation>` + "\n")
	}
	b.WriteString(`</wsdl:portType>` + "\n")

	b.WriteString(`<wsdl:binding name="QBWebConnectorSvcSoap" type="tns:QBWebConnectorSvcSoap">` + "\n")
	b.WriteString(`<soap:binding transport="http://schemas.xmlsoap.org/soap/http"/>` + "\n")
	for _, name := range names {
		b.WriteString(`<wsdl:operation name="` + name + `"><soap:operation soapAction="` + IntuitNS + name + `" style="document"/>` +
			`<wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation>` + "\n")
	}
	b.WriteString(`</wsdl:binding>` + "\n")

	b.WriteString(`<wsdl:service name="QBWebConnectorSvc">` + "\n")
	b.WriteString(`<wsdl:port name="QBWebConnectorSvcSoap" binding="tns:QBWebConnectorSvcSoap"><soap:address location="` + xmlAttr(location) + `"/></wsdl:port>` + "\n")
	b.WriteString(`</wsdl:service>` + "\n")
	b.WriteString(`</wsdl:definitions>` + "\n")
	return b.String()
}

func xmlAttr(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // a bytes.Buffer write never fails
	return b.String()
}
