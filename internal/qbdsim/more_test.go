package qbdsim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/money"
)

func TestHierarchyAndPartialQueries(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	parent := ok(t, c, `<CustomerAddRq><CustomerAdd><Name>Acme</Name></CustomerAdd></CustomerAddRq>`)
	job := ok(t, c, `<CustomerAddRq><CustomerAdd><Name>Store 2</Name><ParentRef><FullName>Acme</FullName></ParentRef></CustomerAdd></CustomerAddRq>`)
	if job.text("FullName") != "Acme:Store 2" || job.text("Sublevel") != "1" {
		t.Errorf("job: %s", job)
	}
	// Renaming the parent renames the job's full name.
	ok(t, c, `<CustomerModRq><CustomerMod><ListID>`+parent.text("ListID")+`</ListID><EditSequence>`+parent.text("EditSequence")+`</EditSequence><Name>Acme Inc</Name></CustomerMod></CustomerModRq>`)
	rs := send(t, c, `<CustomerQueryRq><FullName>Acme Inc:Store 2</FullName><FullName>Nobody</FullName></CustomerQueryRq>`)[0]
	if code, _ := rs.attr("statusCode"); code != "500" || len(rs.children("CustomerRet")) != 1 {
		t.Errorf("partial query: status %s, %d results", code, len(rs.children("CustomerRet")))
	}
	cur := send(t, c, `<CustomerQueryRq><ListID>`+parent.text("ListID")+`</ListID></CustomerQueryRq>`)[0].child("CustomerRet")
	self := `<CustomerModRq><CustomerMod><ListID>` + parent.text("ListID") + `</ListID><EditSequence>` + cur.text("EditSequence") + `</EditSequence><ParentRef><FullName>Acme Inc:Store 2</FullName></ParentRef></CustomerMod></CustomerModRq>`
	if code := status(t, c, self); code != stInvalidValue {
		t.Errorf("moving a customer under its own job: status %d, want %d", code, stInvalidValue)
	}
}

func TestListKindsAndItemQuery(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	ok(t, c, `<ClassAddRq><ClassAdd><Name>Online</Name></ClassAdd></ClassAddRq>`)
	ok(t, c, `<PaymentMethodAddRq><PaymentMethodAdd><Name>Shop Pay</Name><PaymentMethodType>OtherCreditCard</PaymentMethodType></PaymentMethodAdd></PaymentMethodAddRq>`)
	ok(t, c, `<ItemSubtotalAddRq><ItemSubtotalAdd><Name>Subtotal</Name><ItemDesc>Subtotal</ItemDesc></ItemSubtotalAdd></ItemSubtotalAddRq>`)
	ok(t, c, `<ItemNonInventoryAddRq><ItemNonInventoryAdd><Name>Apparel</Name><SalesOrPurchase><Desc>Summary apparel</Desc><AccountRef><FullName>Sales</FullName></AccountRef></SalesOrPurchase></ItemNonInventoryAdd></ItemNonInventoryAddRq>`)
	ok(t, c, `<OtherNameAddRq><OtherNameAdd><Name>Shopify</Name></OtherNameAdd></OtherNameAddRq>`)
	ok(t, c, `<EmployeeAddRq><EmployeeAdd><FirstName>Jo</FirstName><LastName>Park</LastName></EmployeeAdd></EmployeeAddRq>`)
	if code := status(t, c, `<VendorAddRq><VendorAdd><Name>jo park</Name></VendorAdd></VendorAddRq>`); code != stNameInUse {
		t.Errorf("vendor named like an employee: %d, want 3100", code)
	}
	rs := send(t, c, `<ItemQueryRq><ActiveStatus>All</ActiveStatus></ItemQueryRq>`)[0]
	kinds := map[string]int{}
	for _, k := range rs.Kids {
		kinds[k.Name]++
	}
	for _, want := range []string{"ItemInventoryRet", "ItemSalesTaxRet", "ItemDiscountRet", "ItemOtherChargeRet", "ItemPaymentRet", "ItemSubtotalRet", "ItemNonInventoryRet"} {
		if kinds[want] == 0 {
			t.Errorf("ItemQuery returned no %s: %v", want, kinds)
		}
	}
	inv := send(t, c, `<ItemInventoryQueryRq><FullName>Mug</FullName><OwnerID>0</OwnerID></ItemInventoryQueryRq>`)[0].child("ItemInventoryRet")
	if inv.text("QuantityOnHand") != "10" || inv.text("AverageCost") != "4" || inv.text("ExternalGUID") != "{6B29FC40-CA47-1067-B31D-00DD010662DA}" {
		t.Errorf("inventory item: %s", inv)
	}
	uf := send(t, c, `<AccountQueryRq><FullName>Undeposited Funds</FullName></AccountQueryRq>`)[0].child("AccountRet")
	if uf.text("SpecialAccountType") != "UndepositedFunds" {
		t.Errorf("Undeposited Funds: %s", uf)
	}
	if n := len(send(t, c, `<ClassQueryRq/>`)[0].children("ClassRet")); n != 1 {
		t.Errorf("classes: %d", n)
	}
	if code, _ := send(t, c, `<InventorySiteQueryRq/>`)[0].attr("statusCode"); code != "3250" {
		t.Errorf("InventorySiteQuery without Advanced Inventory: %s, want 3250", code)
	}
	rep := c.Report()
	if rep.Lists["Class"] != 1 || rep.Lists["ItemInventory"] != 1 || rep.Lists["Employee"] != 1 {
		t.Errorf("list counts %v", rep.Lists)
	}
	b, err := json.Marshal(rep)
	if err != nil || !strings.Contains(string(b), `"totalDebits":"40.00"`) {
		t.Errorf("report JSON (%v): %s", err, b)
	}
}

func TestOpeningBalancesAndPaymentApplication(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	ok(t, c, `<CustomerAddRq><CustomerAdd><Name>Wholesale Co</Name><OpenBalance>100.00</OpenBalance><OpenBalanceDate>2026-11-01</OpenBalanceDate></CustomerAdd></CustomerAddRq>`)
	ok(t, c, `<VendorAddRq><VendorAdd><Name>Old Supplier</Name><OpenBalance>50.00</OpenBalance></VendorAdd></VendorAddRq>`)
	mustBalance(t, c)
	if balance(c, "Accounts Receivable") != money.MustParse("100.00") || balance(c, "Accounts Payable") != money.MustParse("-50.00") {
		t.Fatalf("opening balances: A/R %s A/P %s", balance(c, "Accounts Receivable"), balance(c, "Accounts Payable"))
	}
	inv := ok(t, c, `<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Wholesale Co</FullName></CustomerRef><TxnDate>2026-11-10</TxnDate><RefNumber>W-2</RefNumber>
<InvoiceLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>5</Quantity><Rate>10.00</Rate></InvoiceLineAdd></InvoiceAdd></InvoiceAddRq>`)
	cm := ok(t, c, `<CreditMemoAddRq><CreditMemoAdd><CustomerRef><FullName>Wholesale Co</FullName></CustomerRef><TxnDate>2026-11-11</TxnDate>
<CreditMemoLineAdd><ItemRef><FullName>Shipping</FullName></ItemRef><Amount>5.00</Amount></CreditMemoLineAdd></CreditMemoAdd></CreditMemoAddRq>`)
	// Pay W-2 with 40.00 cash, a 5.00 credit and a 5.00 early-payment discount.
	pay := ok(t, c, `<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>Wholesale Co</FullName></CustomerRef><TxnDate>2026-11-12</TxnDate><TotalAmount>40.00</TotalAmount>
<AppliedToTxnAdd><TxnID>`+inv.text("TxnID")+`</TxnID><PaymentAmount>40.00</PaymentAmount><SetCredit><CreditTxnID>`+cm.text("TxnID")+`</CreditTxnID><AppliedAmount>5.00</AppliedAmount></SetCredit>
<DiscountAmount>5.00</DiscountAmount><DiscountAccountRef><FullName>Sales Discounts</FullName></DiscountAccountRef></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>`)
	mustBalance(t, c)
	if got := pay.child("AppliedToTxnRet").text("BalanceRemaining"); got != "0.00" {
		t.Errorf("invoice balance after payment %s, want 0.00", got)
	}
	// The opening-balance invoice is paid by auto-apply.
	ok(t, c, `<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>Wholesale Co</FullName></CustomerRef><TxnDate>2026-11-12</TxnDate><TotalAmount>100.00</TotalAmount><IsAutoApply>true</IsAutoApply></ReceivePaymentAdd></ReceivePaymentAddRq>`)
	mustBalance(t, c)
	cust := send(t, c, `<CustomerQueryRq><FullName>Wholesale Co</FullName></CustomerQueryRq>`)[0].child("CustomerRet")
	if cust.text("Balance") != "0.00" {
		t.Errorf("customer balance %s, want 0.00", cust.text("Balance"))
	}
	if balance(c, "Undeposited Funds") != money.MustParse("140.00") || balance(c, "Sales Discounts") != money.MustParse("5.00") {
		t.Errorf("UF %s discounts %s", balance(c, "Undeposited Funds"), balance(c, "Sales Discounts"))
	}
}

func TestReadQWC(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := `<?xml version="1.0"?>
<QBWCXML><AppName>shopqb - Test Shop</AppName><AppID></AppID><AppURL>https://shopqb.example.com/qbwc</AppURL>
<AppDescription>Shopify sync</AppDescription><AppSupport>https://shopqb.example.com/support</AppSupport><UserName>shop-1</UserName>
<OwnerID>{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}</OwnerID><FileID>{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}</FileID><QBType>QBFS</QBType>
<Scheduler><RunEveryNMinutes>15</RunEveryNMinutes></Scheduler><IsReadOnly>false</IsReadOnly></QBWCXML>`
	p := filepath.Join(dir, "shop.qwc")
	if err := os.WriteFile(p, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	q, err := ReadQWC(p)
	if err != nil {
		t.Fatal(err)
	}
	if q.UserName != "shop-1" || q.AppURL != "https://shopqb.example.com/qbwc" || q.RunEverySeconds() != 900 || q.FileID == "" {
		t.Errorf("parsed %+v", q)
	}
	for name, bad := range map[string]string{
		"http remote":  strings.Replace(good, "https://shopqb.example.com/qbwc", "http://shopqb.example.com/qbwc", 1),
		"no braces":    strings.Replace(good, "{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}", "57F3B9B1-86F1-4fcc-B1EE-566DE1813D20", 1),
		"no user":      strings.Replace(good, "<UserName>shop-1</UserName>", "", 1),
		"support host": strings.Replace(good, "https://shopqb.example.com/support", "https://help.example.org/", 1),
	} {
		if _, err := ParseQWC([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	local := strings.Replace(strings.Replace(good, "https://shopqb.example.com/qbwc", "http://localhost:8080/qbwc", 1), "https://shopqb.example.com/support", "http://localhost:8080/support", 1)
	if _, err := ParseQWC([]byte(local)); err != nil {
		t.Errorf("http://localhost refused: %v", err)
	}
}

func TestRefusedRequestChangesNothing(t *testing.T) {
	t.Parallel()
	c := newCo(t, func(o *CompanyOptions) { o.ClosingDate = "2026-06-30" })
	setupShop(t, c)
	before := c.Report()
	code := status(t, c, `<SalesReceiptAddRq><SalesReceiptAdd><TxnDate>2026-11-19</TxnDate>
<SalesReceiptLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>4</Quantity></SalesReceiptLineAdd>
<SalesReceiptLineAdd><Desc>no item</Desc><Amount>2.00</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`)
	if code != stMissingElement {
		t.Fatalf("status %d, want 3150", code)
	}
	code = status(t, c, `<ItemInventoryAddRq><ItemInventoryAdd><Name>Old Stock</Name><IncomeAccountRef><FullName>Sales</FullName></IncomeAccountRef>
<COGSAccountRef><FullName>Cost of Goods Sold</FullName></COGSAccountRef><AssetAccountRef><FullName>Inventory Asset</FullName></AssetAccountRef>
<QuantityOnHand>5</QuantityOnHand><TotalValue>10.00</TotalValue><InventoryDate>2026-01-01</InventoryDate></ItemInventoryAdd></ItemInventoryAddRq>`)
	if code != stClosedPeriod {
		t.Fatalf("opening stock in a closed period: status %d, want 3171", code)
	}
	after := c.Report()
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Errorf("refused requests changed the company:\n%s\n%s", b1, b2)
	}
}

func TestHostCapacityAndFileID(t *testing.T) {
	t.Parallel()
	c := newCo(t, func(o *CompanyOptions) { o.Edition = Premier })
	host := send(t, c, `<HostQueryRq><IncludeListMetaData><IncludeMaxCapacity>true</IncludeMaxCapacity></IncludeListMetaData></HostQueryRq>`)[0].child("HostRet")
	meta := host.child("ListMetaData")
	if meta.child("EntityMetaData").text("MaxCapacity") != "14500" || meta.child("ItemMetaData").text("MaxCapacity") != "14500" {
		t.Errorf("Premier capacities: %s", meta)
	}
	owner, file := "{57F3B9B1-86F1-4FCC-B1EE-566DE1813D20}", "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}"
	if err := c.RegisterFileID(owner, file); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterFileID(owner, "{00000000-0000-0000-0000-000000000001}"); err != nil {
		t.Fatal(err)
	}
	co := send(t, c, `<CompanyQueryRq><OwnerID>`+owner+`</OwnerID></CompanyQueryRq>`)[0].child("CompanyRet")
	if ext := co.child("DataExtRet"); ext == nil || ext.text("DataExtName") != "FileID" || ext.text("DataExtValue") != file {
		t.Errorf("FileID data extension: %s", co)
	}
	if c.RegisterFileID("not-a-guid", file) == nil {
		t.Error("bad OwnerID accepted")
	}
}
