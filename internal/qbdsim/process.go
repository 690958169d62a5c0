package qbdsim

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// supportedVersions are the qbXML versions this QuickBooks accepts (US 13.0).
var supportedVersions = []string{"1.0", "1.1", "2.0", "2.1", "3.0", "4.0", "4.1", "5.0", "6.0", "7.0", "8.0", "9.0", "10.0", "11.0", "12.0", "13.0"}

// ProcessRequest answers one qbXML request document, like QBXMLRP2's
// ProcessRequest. Malformed or schema-invalid XML and a busy QuickBooks are
// reported as *HRESULTError; every other outcome is a qbXML response with
// per-request status codes.
func (c *Company) ProcessRequest(request string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fault.account(c.fault.cfg.PerRoundTripLatency)
	if c.fault.draw(c.fault.cfg.BusyRate) {
		return "", errBusy
	}
	doc, err := parseQBXML(request)
	if err != nil {
		return "", errParse
	}
	if !versionSupported(doc.Version) {
		return "", &HRESULTError{Code: "0x80040400", Message: errParse.Message + " The qbXML version " + doc.Version + " is not supported."}
	}
	if c.xsd != nil {
		if err := c.xsd(request); err != nil {
			return "", errParse
		}
	}
	if doc.Root.Name != "QBXML" {
		return "", errParse
	}
	msgs := doc.Root.child("QBXMLMsgsRq")
	if msgs == nil || len(doc.Root.Kids) != 1 {
		return "", errParse
	}
	onError, ok := msgs.attr("onError")
	if !ok || (onError != "stopOnError" && onError != "continueOnError" && onError != "rollbackOnError") {
		return "", errParse
	}
	rs := &node{Name: "QBXMLMsgsRs"}
	newID, _ := msgs.attr("newMessageSetID")
	oldID, hasOld := msgs.attr("oldMessageSetID")
	if hasOld {
		// Error recovery: a message set QuickBooks processed is answered
		// from its saved response and the new requests are not run; an
		// unknown one gets messageSetStatusCode 600 ("the oldMessageSetID
		// does not match any stored IDs") and the requests are processed
		// normally.
		if saved, found := c.st.MsgSets[oldID]; found {
			return strings.Replace(saved, "<QBXMLMsgsRs", `<QBXMLMsgsRs messageSetStatusCode="0"`, 1), nil
		}
		rs.setAttr("messageSetStatusCode", "600")
	}
	includeNone := false
	if v, _ := msgs.attr("responseData"); v == "includeNone" {
		includeNone = true
	}
	for _, rq := range msgs.Kids {
		c.fault.account(c.fault.cfg.PerRequestLatency)
		out := c.processOne(rq)
		if includeNone {
			out.Kids = nil
		}
		rs.add(out)
		code, _ := out.attr("statusCode")
		if onError != "continueOnError" && code != "" && severity(atoiSafe(code)) == "Error" {
			break
		}
	}
	if newID != "" {
		rs.setAttr("newMessageSetID", newID)
	}
	resp := writeMsgsRs(rs)
	if newID != "" {
		c.rememberMessageSet(newID, resp)
	}
	return resp, nil
}

func writeMsgsRs(rs *node) string {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" ?>\n<QBXML>\n")
	rs.write(&b, 1)
	b.WriteString("</QBXML>\n")
	return b.String()
}

// ClearErrorRecovery drops every saved message-set answer, as the SDK's
// ClearErrorRecovery does (and as a company file restored from a backup has
// none): an oldMessageSetID asked afterwards gets status 600, and the
// application must find out by queries what the lost set committed.
func (c *Company) ClearErrorRecovery() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st.MsgSets = map[string]string{}
	c.st.MsgOrder = nil
}

// asksExternalGUID reports whether a query asked for ExternalGUIDs, which
// QuickBooks leaves out of query answers otherwise: by naming it in
// IncludeRetElement, or with OwnerID 0.
func asksExternalGUID(rq *node) bool {
	for _, k := range rq.children("IncludeRetElement") {
		if strings.TrimSpace(k.Text) == "ExternalGUID" {
			return true
		}
	}
	for _, o := range rq.children("OwnerID") {
		if strings.TrimSpace(o.Text) == "0" {
			return true
		}
	}
	return false
}

func versionSupported(v string) bool {
	for _, s := range supportedVersions {
		if s == v {
			return true
		}
	}
	return false
}

func atoiSafe(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// rememberMessageSet keeps the response for error recovery, oldest dropped first.
func (c *Company) rememberMessageSet(id, resp string) {
	if _, ok := c.st.MsgSets[id]; !ok {
		c.st.MsgOrder = append(c.st.MsgOrder, id)
	}
	c.st.MsgSets[id] = resp
	for len(c.st.MsgOrder) > maxStoredMessageSets {
		delete(c.st.MsgSets, c.st.MsgOrder[0])
		c.st.MsgOrder = c.st.MsgOrder[1:]
	}
}

// processOne answers one …Rq element with its …Rs element.
func (c *Company) processOne(rq *node) *node {
	name := strings.TrimSuffix(rq.Name, "Rq")
	rs := &node{Name: name + "Rs"}
	if id, ok := rq.attr("requestID"); ok {
		rs.setAttr("requestID", id)
		if len(id) > 50 {
			return withStatus(rs, stErr(1060, "The requestID \"%s\" is longer than 50 characters.", id))
		}
	}
	if !strings.HasSuffix(rq.Name, "Rq") {
		return withStatus(rs, stErr(stUnsupportedMsg, "The request \"%s\" is not supported.", rq.Name))
	}
	if isWrite(name) && c.fault.draw(c.fault.cfg.LockErrorRate) {
		return withStatus(rs, c.fault.lockError(name))
	}
	c.undo = nil
	kids, extra, err := c.dispatch(name, rq)
	if err != nil {
		c.rollback()
	}
	c.undo = nil
	var partial *partialError
	if errors.As(err, &partial) {
		setStatus(rs, stPartial, partial.Error())
		return rs.add(kids...)
	}
	if err != nil {
		return withStatus(rs, err)
	}
	for _, a := range extra {
		rs.setAttr(a.Name, a.Value)
	}
	setStatus(rs, stOK, "Status OK")
	if len(kids) == 0 && isQuery(name) {
		setStatus(rs, stNoMatch, "A query request did not find a matching object in QuickBooks")
	}
	if isQuery(name) && !asksExternalGUID(rq) {
		for _, k := range kids {
			k.remove("ExternalGUID")
		}
	}
	if only := rq.children("IncludeRetElement"); len(only) > 0 {
		keep := map[string]bool{}
		for _, k := range only {
			keep[strings.TrimSpace(k.Text)] = true
		}
		for _, k := range kids {
			kept := k.Kids[:0]
			for _, f := range k.Kids {
				if keep[f.Name] {
					kept = append(kept, f)
				}
			}
			k.Kids = kept
		}
	}
	rs.add(kids...)
	return rs
}

func isQuery(name string) bool { return strings.HasSuffix(name, "Query") }

func isWrite(name string) bool {
	return strings.HasSuffix(name, "Add") || strings.HasSuffix(name, "Mod") || name == "TxnDel" || name == "ListDel"
}

func setStatus(rs *node, code int, msg string) {
	rs.setAttr("statusCode", fmt.Sprint(code))
	rs.setAttr("statusSeverity", severity(code))
	rs.setAttr("statusMessage", msg)
}

func withStatus(rs *node, err error) *node {
	se, ok := err.(*statusError)
	if !ok {
		se = stErr(1000, "QuickBooks found an internal error: %v", err)
	}
	setStatus(rs, se.Code, se.Msg)
	return rs
}

// listAdds and listMods are the list requests handled generically.
var listAdds = map[string]bool{
	"Account": true, "Customer": true, "Vendor": true, "Employee": true, "OtherName": true, "PaymentMethod": true,
	"Class": true, "ItemInventory": true, "ItemNonInventory": true, "ItemService": true, "ItemOtherCharge": true,
	"ItemDiscount": true, "ItemSalesTax": true, "ItemPayment": true, "ItemSubtotal": true, "SalesTaxCode": true,
}

// dispatch runs one request; it returns the Ret elements and any extra
// response attributes (iterator state).
func (c *Company) dispatch(name string, rq *node) ([]*node, []attr, error) {
	one := func(n *node, err error) ([]*node, []attr, error) {
		if err != nil {
			return nil, nil, err
		}
		return []*node{n}, nil, nil
	}
	switch {
	case strings.HasSuffix(name, "Add") && listAdds[strings.TrimSuffix(name, "Add")]:
		return one(c.listAdd(strings.TrimSuffix(name, "Add"), rq))
	case strings.HasSuffix(name, "Mod") && listAdds[strings.TrimSuffix(name, "Mod")]:
		return one(c.listMod(strings.TrimSuffix(name, "Mod"), rq))
	}
	switch name {
	case "SalesReceiptAdd":
		return one(c.salesForm("SalesReceipt", rq, 1))
	case "InvoiceAdd":
		return one(c.salesForm("Invoice", rq, 1))
	case "CreditMemoAdd":
		return one(c.salesForm("CreditMemo", rq, -1))
	case "ReceivePaymentAdd":
		return one(c.receivePayment(rq))
	case "ARRefundCreditCardAdd":
		return one(c.arRefund(rq))
	case "JournalEntryAdd":
		return one(c.journalEntry(rq))
	case "DepositAdd":
		return one(c.deposit(rq))
	case "PurchaseOrderAdd":
		return one(c.purchase("PurchaseOrder", rq))
	case "ItemReceiptAdd":
		return one(c.purchase("ItemReceipt", rq))
	case "BillAdd":
		return one(c.purchase("Bill", rq))
	case "InventoryAdjustmentAdd":
		return one(c.inventoryAdjustment(rq))
	case "TxnDel":
		n, err := c.txnDel(rq)
		if err != nil {
			return nil, nil, err
		}
		return n.Kids, nil, nil
	case "ListDel":
		n, err := c.listDel(rq)
		if err != nil {
			return nil, nil, err
		}
		return n.Kids, nil, nil
	case "HostQuery":
		return []*node{c.hostRet(rq.child("IncludeListMetaData").text("IncludeMaxCapacity") == "true")}, nil, nil
	case "CompanyQuery":
		var owners []string
		for _, o := range rq.children("OwnerID") {
			owners = append(owners, strings.TrimSpace(o.Text))
		}
		return []*node{c.companyRet(owners)}, nil, nil
	case "PreferencesQuery":
		return []*node{c.preferencesRet()}, nil, nil
	case "TxnDeletedQuery":
		kids, err := c.txnDeletedQuery(rq)
		return kids, nil, err
	case "InventorySiteQuery":
		return nil, nil, stErr(stFeatureOff, "Advanced Inventory (multiple inventory sites) is not enabled in this company file.")
	}
	if strings.HasSuffix(name, "Query") {
		return c.query(strings.TrimSuffix(name, "Query"), rq)
	}
	return nil, nil, stErr(stUnsupportedMsg, "The request \"%sRq\" is not supported by this QuickBooks company.", name)
}
