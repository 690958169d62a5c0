package qbxml_test

import (
	"fmt"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/qbxml"
)

// A Shopify POS sale becomes a sales receipt; the outbox stores the request
// element, and a Web Connector session sends it in a message set under the
// posting's id.
func ExampleMsgSet_Build() {
	receipt := qbxml.SalesReceiptAdd{
		CustomerRef:         qbxml.ByName("Shopify POS"),
		TxnDate:             "2026-11-20",
		RefNumber:           "#1042",
		DepositToAccountRef: qbxml.ByName("Shopify Payments Clearing"),
		ExternalGUID:        "{6F9619FF-8B86-D011-B42D-00C04FC964FF}",
		Lines: []qbxml.SalesLine{
			{ItemRef: qbxml.ByName("TSHIRT-BLK-M"), Quantity: qbxml.Qty(2), Rate: qbxml.Price(money.MustParse("24.99")), Amount: qbxml.Amt(money.MustParse("49.98"))},
			{ItemRef: qbxml.ByName("IL State Tax"), Amount: qbxml.Amt(money.MustParse("3.12"))},
		},
	}
	stored, err := qbxml.MarshalRequest(receipt)
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, err := qbxml.MsgSet{NewMessageSetID: "ms-7"}.Build([]qbxml.Raw{{RequestID: "42", XML: stored}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc)
	// Output:
	// <?xml version="1.0" encoding="utf-8"?>
	// <?qbxml version="13.0"?>
	// <QBXML><QBXMLMsgsRq onError="continueOnError" newMessageSetID="ms-7"><SalesReceiptAddRq requestID="42"><SalesReceiptAdd><CustomerRef><FullName>Shopify POS</FullName></CustomerRef><TxnDate>2026-11-20</TxnDate><RefNumber>#1042</RefNumber><DepositToAccountRef><FullName>Shopify Payments Clearing</FullName></DepositToAccountRef><ExternalGUID>{6F9619FF-8B86-D011-B42D-00C04FC964FF}</ExternalGUID><SalesReceiptLineAdd><ItemRef><FullName>TSHIRT-BLK-M</FullName></ItemRef><Quantity>2</Quantity><Rate>24.99</Rate><Amount>49.98</Amount></SalesReceiptLineAdd><SalesReceiptLineAdd><ItemRef><FullName>IL State Tax</FullName></ItemRef><Amount>3.12</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq></QBXMLMsgsRq></QBXML>
}
