package qbdsim

import (
	"strings"
	"testing"

	"github.com/shopqb/shopqb/internal/money"
)

const (
	rqClearing = `<AccountAddRq requestID="a1"><AccountAdd><Name>Shopify Clearing</Name><AccountType>OtherCurrentAsset</AccountType></AccountAdd></AccountAddRq>`
	rqMug      = `<ItemInventoryAddRq><ItemInventoryAdd><Name>Mug</Name>` + `<SalesTaxCodeRef><FullName>Tax</FullName></SalesTaxCodeRef>` +
		`<SalesDesc>Coffee mug</SalesDesc><SalesPrice>12.00</SalesPrice><IncomeAccountRef><FullName>Merchandise Sales</FullName></IncomeAccountRef>` +
		`<PurchaseCost>4.00</PurchaseCost><COGSAccountRef><FullName>Cost of Goods Sold</FullName></COGSAccountRef>` +
		`<AssetAccountRef><FullName>Inventory Asset</FullName></AssetAccountRef><QuantityOnHand>10</QuantityOnHand><TotalValue>40.00</TotalValue>` +
		`<ExternalGUID>{6B29FC40-CA47-1067-B31D-00DD010662DA}</ExternalGUID></ItemInventoryAdd></ItemInventoryAddRq>`
	rqCATax    = `<ItemSalesTaxAddRq><ItemSalesTaxAdd><Name>CA Tax</Name><ItemDesc>California</ItemDesc><TaxRate>7.25</TaxRate><TaxVendorRef><FullName>State Tax Agency</FullName></TaxVendorRef></ItemSalesTaxAdd></ItemSalesTaxAddRq>`
	rqDiscount = `<ItemDiscountAddRq><ItemDiscountAdd><Name>Discount</Name><ItemDesc>Order discount</ItemDesc><AccountRef><FullName>Sales Discounts</FullName></AccountRef></ItemDiscountAdd></ItemDiscountAddRq>`
	rqShipping = `<ItemOtherChargeAddRq><ItemOtherChargeAdd><Name>Shipping</Name><SalesOrPurchase><Desc>Shipping</Desc><AccountRef><FullName>Shipping and Delivery Income</FullName></AccountRef></SalesOrPurchase></ItemOtherChargeAdd></ItemOtherChargeAddRq>`
	rqPayItem  = `<ItemPaymentAddRq><ItemPaymentAdd><Name>Shopify Payments</Name><ItemDesc>Paid by card</ItemDesc><DepositToAccountRef><FullName>Shopify Clearing</FullName></DepositToAccountRef><PaymentMethodRef><FullName>Visa</FullName></PaymentMethodRef></ItemPaymentAdd></ItemPaymentAddRq>`
	rqWalkIn   = `<CustomerAddRq><CustomerAdd><Name>Walk-in</Name></CustomerAdd></CustomerAddRq>`
	rqVendor   = `<VendorAddRq><VendorAdd><Name>Acme Supply</Name></VendorAdd></VendorAddRq>`
)

func setupShop(t *testing.T, c *Company) {
	t.Helper()
	for _, rq := range []string{rqClearing, rqMug, rqCATax, rqDiscount, rqShipping, rqPayItem, rqWalkIn, rqVendor} {
		ok(t, c, rq)
	}
	mustBalance(t, c)
}

const rqSale = `<SalesReceiptAddRq requestID="s1"><SalesReceiptAdd><CustomerRef><FullName>Walk-in</FullName></CustomerRef>
<TxnDate>2026-11-19</TxnDate><RefNumber>#1001</RefNumber>
<ExternalGUID>{11111111-2222-3333-4444-555555555555}</ExternalGUID>
<SalesReceiptLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>3</Quantity><Rate>12.00</Rate></SalesReceiptLineAdd>
<SalesReceiptLineAdd><ItemRef><FullName>Discount</FullName></ItemRef><Amount>-6.00</Amount></SalesReceiptLineAdd>
<SalesReceiptLineAdd><ItemRef><FullName>Shipping</FullName></ItemRef><Amount>5.00</Amount><SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef></SalesReceiptLineAdd>
<SalesReceiptLineAdd><ItemRef><FullName>CA Tax</FullName></ItemRef><Amount>2.54</Amount></SalesReceiptLineAdd>
<SalesReceiptLineAdd><ItemRef><FullName>Shopify Payments</FullName></ItemRef><Amount>-20.00</Amount></SalesReceiptLineAdd>
</SalesReceiptAdd></SalesReceiptAddRq>`

func TestSalesReceiptPostsLikeQuickBooks(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	if got := balance(c, "Inventory Asset"); got != money.MustParse("40.00") {
		t.Fatalf("opening inventory value = %s, want 40.00", got)
	}
	ret := ok(t, c, rqSale)
	if got := ret.text("TotalAmount"); got != "17.54" {
		t.Errorf("TotalAmount = %s, want 17.54", got)
	}
	if got := ret.text("ExternalGUID"); got != "{11111111-2222-3333-4444-555555555555}" {
		t.Errorf("ExternalGUID = %q", got)
	}
	mustBalance(t, c)
	for acct, want := range map[string]string{
		"Undeposited Funds": "17.54", "Shopify Clearing": "20.00", "Merchandise Sales": "-36.00", "Sales Discounts": "6.00",
		"Shipping and Delivery Income": "-5.00", "Sales Tax Payable": "-2.54", "Cost of Goods Sold": "12.00", "Inventory Asset": "28.00",
	} {
		if got := balance(c, acct); got != money.MustParse(want) {
			t.Errorf("%s = %s, want %s", acct, got, want)
		}
	}
	rep := c.Report()
	var caTax money.Cents
	for _, l := range rep.SalesTax {
		if l.Item == "CA Tax" {
			caTax = l.Amount
		}
	}
	if caTax != money.MustParse("2.54") {
		t.Errorf("sales tax liability for CA Tax = %s, want 2.54", caTax)
	}
	if len(rep.Inventory) != 1 || rep.Inventory[0].Quantity != "7" || rep.Inventory[0].Value != money.MustParse("28.00") {
		t.Errorf("inventory = %+v, want Mug 7 at 28.00", rep.Inventory)
	}

	// Deposit the receipt's undeposited part less a fee line; then undo it.
	txnID := ret.text("TxnID")
	dep := ok(t, c, `<DepositAddRq><DepositAdd><TxnDate>2026-11-20</TxnDate><DepositToAccountRef><FullName>Checking</FullName></DepositToAccountRef>
<DepositLineAdd><PaymentTxnID>`+txnID+`</PaymentTxnID></DepositLineAdd>
<DepositLineAdd><AccountRef><FullName>Merchant Account Fees</FullName></AccountRef><Amount>-0.50</Amount></DepositLineAdd></DepositAdd></DepositAddRq>`)
	mustBalance(t, c)
	if got := balance(c, "Checking"); got != money.MustParse("17.04") {
		t.Errorf("Checking = %s, want 17.04", got)
	}
	if got := balance(c, "Undeposited Funds"); got != 0 {
		t.Errorf("Undeposited Funds = %s after deposit, want 0", got)
	}
	if code := status(t, c, `<DepositAddRq><DepositAdd><DepositToAccountRef><FullName>Checking</FullName></DepositToAccountRef><DepositLineAdd><PaymentTxnID>`+txnID+`</PaymentTxnID></DepositLineAdd></DepositAdd></DepositAddRq>`); code != stInvalidValue {
		t.Errorf("depositing a payment twice: status %d, want %d", code, stInvalidValue)
	}
	ok(t, c, `<TxnDelRq><TxnDelType>Deposit</TxnDelType><TxnID>`+dep.text("TxnID")+`</TxnID></TxnDelRq>`)
	mustBalance(t, c)
	if got := balance(c, "Undeposited Funds"); got != money.MustParse("17.54") {
		t.Errorf("Undeposited Funds = %s after deleting the deposit, want 17.54", got)
	}
	// Deleting the sale restores inventory and empties the ledger effects.
	ok(t, c, `<TxnDelRq><TxnDelType>SalesReceipt</TxnDelType><TxnID>`+txnID+`</TxnID></TxnDelRq>`)
	mustBalance(t, c)
	if got := balance(c, "Inventory Asset"); got != money.MustParse("40.00") {
		t.Errorf("Inventory Asset = %s after TxnDel, want 40.00", got)
	}
	if code := status(t, c, `<TxnDelRq><TxnDelType>SalesReceipt</TxnDelType><TxnID>`+txnID+`</TxnID></TxnDelRq>`); code != stNotFound {
		t.Errorf("deleting twice: status %d, want %d", code, stNotFound)
	}
	del := send(t, c, `<TxnDeletedQueryRq><TxnDelType>SalesReceipt</TxnDelType></TxnDeletedQueryRq>`)[0].child("TxnDeletedRet")
	if del == nil || del.text("TxnID") != txnID || del.text("RefNumber") != "#1001" {
		t.Errorf("TxnDeletedQuery: %v", del)
	}
}

func TestHeaderTaxUsesMostCommonTaxItem(t *testing.T) {
	t.Parallel()
	c := newCo(t, func(o *CompanyOptions) { o.DefaultTaxItemZeroRate = false })
	setupShop(t, c)
	ret := ok(t, c, `<SalesReceiptAddRq><SalesReceiptAdd><SalesReceiptLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>1</Quantity></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`)
	// 12.00 × 7.25 % = 0.87 on the default "State Sales Tax" item.
	if ret.text("SalesTaxTotal") != "0.87" || ret.text("TotalAmount") != "12.87" {
		t.Errorf("tax %s total %s, want 0.87 and 12.87", ret.text("SalesTaxTotal"), ret.text("TotalAmount"))
	}
	mustBalance(t, c)
}

func TestInvoicePaymentCreditRefund(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	inv := ok(t, c, `<InvoiceAddRq><InvoiceAdd><CustomerRef><FullName>Walk-in</FullName></CustomerRef><TxnDate>2026-11-19</TxnDate><RefNumber>INV-1</RefNumber>
<InvoiceLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>2</Quantity></InvoiceLineAdd></InvoiceAdd></InvoiceAddRq>`)
	if balance(c, "Accounts Receivable") != money.MustParse("24.00") {
		t.Fatalf("A/R = %s, want 24.00", balance(c, "Accounts Receivable"))
	}
	over := `<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>Walk-in</FullName></CustomerRef><TotalAmount>30.00</TotalAmount>
<AppliedToTxnAdd><TxnID>` + inv.text("TxnID") + `</TxnID><PaymentAmount>30.00</PaymentAmount></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>`
	if code := status(t, c, over); code != stInvalidValue {
		t.Errorf("overpaying an invoice: status %d, want %d", code, stInvalidValue)
	}
	ok(t, c, `<ReceivePaymentAddRq><ReceivePaymentAdd><CustomerRef><FullName>Walk-in</FullName></CustomerRef><TotalAmount>24.00</TotalAmount>
<AppliedToTxnAdd><TxnID>`+inv.text("TxnID")+`</TxnID><PaymentAmount>24.00</PaymentAmount></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>`)
	mustBalance(t, c)
	if balance(c, "Accounts Receivable") != 0 || balance(c, "Undeposited Funds") != money.MustParse("24.00") {
		t.Errorf("after payment A/R %s UF %s", balance(c, "Accounts Receivable"), balance(c, "Undeposited Funds"))
	}
	q := send(t, c, `<InvoiceQueryRq><TxnID>`+inv.text("TxnID")+`</TxnID></InvoiceQueryRq>`)[0]
	if got := q.child("InvoiceRet").text("BalanceRemaining"); got != "0.00" {
		t.Errorf("BalanceRemaining = %s, want 0.00", got)
	}

	cm := ok(t, c, `<CreditMemoAddRq><CreditMemoAdd><CustomerRef><FullName>Walk-in</FullName></CustomerRef><TxnDate>2026-11-20</TxnDate><RefNumber>R-1</RefNumber>
<CreditMemoLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>1</Quantity><Amount>12.00</Amount></CreditMemoLineAdd></CreditMemoAdd></CreditMemoAddRq>`)
	mustBalance(t, c)
	if balance(c, "Accounts Receivable") != money.MustParse("-12.00") {
		t.Errorf("A/R after credit memo = %s, want -12.00", balance(c, "Accounts Receivable"))
	}
	if rep := c.Report(); rep.Inventory[0].Quantity != "9" {
		t.Errorf("credit memo should restock: qty %s, want 9", rep.Inventory[0].Quantity)
	}
	refund := func(amount string) string {
		return `<ARRefundCreditCardAddRq><ARRefundCreditCardAdd><CustomerRef><FullName>Walk-in</FullName></CustomerRef><RefundFromAccountRef><FullName>Shopify Clearing</FullName></RefundFromAccountRef>
<TxnDate>2026-11-20</TxnDate><RefNumber>R-1</RefNumber><RefundAppliedToTxnAdd><TxnID>` + cm.text("TxnID") + `</TxnID><RefundAmount>` + amount + `</RefundAmount></RefundAppliedToTxnAdd></ARRefundCreditCardAdd></ARRefundCreditCardAddRq>`
	}
	if code := status(t, c, refund("13.00")); code != stInvalidValue {
		t.Errorf("refunding more than the credit: status %d, want %d", code, stInvalidValue)
	}
	ok(t, c, refund("12.00"))
	mustBalance(t, c)
	if balance(c, "Accounts Receivable") != 0 || balance(c, "Shopify Clearing") != money.MustParse("-12.00") {
		t.Errorf("after refund A/R %s clearing %s", balance(c, "Accounts Receivable"), balance(c, "Shopify Clearing"))
	}
}

func TestJournalEntryMustBalance(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	je := func(dr, cr string) string {
		return `<JournalEntryAddRq><JournalEntryAdd><TxnDate>2026-11-20</TxnDate><RefNumber>P-1</RefNumber>
<JournalDebitLine><AccountRef><FullName>Merchant Account Fees</FullName></AccountRef><Amount>` + dr + `</Amount><Memo>fees</Memo></JournalDebitLine>
<JournalCreditLine><AccountRef><FullName>Checking</FullName></AccountRef><Amount>` + cr + `</Amount></JournalCreditLine></JournalEntryAdd></JournalEntryAddRq>`
	}
	if code := status(t, c, je("3.00", "2.00")); code != stGeneralSave {
		t.Errorf("unbalanced journal entry: status %d, want %d", code, stGeneralSave)
	}
	if len(c.TrialBalance()) != 0 {
		t.Errorf("a refused entry changed the ledger: %+v", c.TrialBalance())
	}
	ok(t, c, je("3.00", "3.00"))
	mustBalance(t, c)
	if balance(c, "Checking") != money.MustParse("-3.00") {
		t.Errorf("Checking = %s", balance(c, "Checking"))
	}
}

func TestPurchasesAndAdjustments(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	po := ok(t, c, `<PurchaseOrderAddRq><PurchaseOrderAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><TxnDate>2026-11-18</TxnDate><RefNumber>PO-1</RefNumber>
<PurchaseOrderLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>5</Quantity><Rate>5.00</Rate></PurchaseOrderLineAdd></PurchaseOrderAdd></PurchaseOrderAddRq>`)
	if po.text("TotalAmount") != "25.00" {
		t.Errorf("PO total %s, want 25.00", po.text("TotalAmount"))
	}
	before := c.TrialBalance()
	if len(before) != 2 {
		t.Errorf("a purchase order must not post: %+v", before)
	}
	ok(t, c, `<ItemReceiptAddRq><ItemReceiptAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><TxnDate>2026-11-19</TxnDate><RefNumber>PO-1 receipt</RefNumber>
<LinkToTxnID>`+po.text("TxnID")+`</LinkToTxnID><ItemLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><Quantity>5</Quantity><Cost>5.00</Cost></ItemLineAdd></ItemReceiptAdd></ItemReceiptAddRq>`)
	ok(t, c, `<BillAddRq><BillAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><TxnDate>2026-11-19</TxnDate><RefNumber>INV-77</RefNumber>
<ExpenseLineAdd><AccountRef><FullName>Merchant Account Fees</FullName></AccountRef><Amount>3.00</Amount></ExpenseLineAdd></BillAdd></BillAddRq>`)
	mustBalance(t, c)
	if balance(c, "Accounts Payable") != money.MustParse("-28.00") || balance(c, "Inventory Asset") != money.MustParse("65.00") {
		t.Errorf("A/P %s inventory %s, want -28.00 and 65.00", balance(c, "Accounts Payable"), balance(c, "Inventory Asset"))
	}
	// 15 mugs worth 65.00: losing 3 costs 13.00 at average cost.
	ok(t, c, `<InventoryAdjustmentAddRq><InventoryAdjustmentAdd><AccountRef><FullName>Inventory Shrinkage</FullName></AccountRef><TxnDate>2026-11-20</TxnDate>
<InventoryAdjustmentLineAdd><ItemRef><FullName>Mug</FullName></ItemRef><QuantityAdjustment><QuantityDifference>-3</QuantityDifference></QuantityAdjustment></InventoryAdjustmentLineAdd></InventoryAdjustmentAdd></InventoryAdjustmentAddRq>`)
	mustBalance(t, c)
	if balance(c, "Inventory Shrinkage") != money.MustParse("13.00") {
		t.Errorf("shrinkage %s, want 13.00", balance(c, "Inventory Shrinkage"))
	}
	vend := send(t, c, `<VendorQueryRq><FullName>Acme Supply</FullName></VendorQueryRq>`)[0].child("VendorRet")
	if vend.text("Balance") != "28.00" {
		t.Errorf("vendor balance %s, want 28.00", vend.text("Balance"))
	}
}

func TestSubtotalPercentDiscountAndComputedTaxLine(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	ok(t, c, `<ItemSubtotalAddRq><ItemSubtotalAdd><Name>Subtotal</Name></ItemSubtotalAdd></ItemSubtotalAddRq>`)
	line := func(item, extra string) string {
		return `<SalesReceiptLineAdd><ItemRef><FullName>` + item + `</FullName></ItemRef>` + extra + `</SalesReceiptLineAdd>`
	}
	ret := ok(t, c, `<SalesReceiptAddRq><SalesReceiptAdd><TxnDate>2026-11-19</TxnDate>`+
		line("Mug", `<Quantity>2</Quantity>`)+
		line("Shipping", `<Amount>6.00</Amount><SalesTaxCodeRef><FullName>Non</FullName></SalesTaxCodeRef>`)+
		line("Subtotal", "")+
		line("Discount", `<RatePercent>10</RatePercent>`)+
		line("CA Tax", "")+
		line("CA Tax", "")+
		`</SalesReceiptAdd></SalesReceiptAddRq>`)
	var amounts []string
	for _, l := range ret.children("SalesReceiptLineRet") {
		amounts = append(amounts, l.text("Amount"))
	}
	// 24 + 6 = 30; 10 % off the line above (the subtotal) is -3; a tax line
	// taxes the line above it (7.25 % of -3 is -0.2175, rounded -0.22);
	// a second tax line in a row is not computed (0.00).
	if got := strings.Join(amounts, " "); got != "24.00 6.00 30.00 -3.00 -0.22 0.00" {
		t.Errorf("line amounts %s", got)
	}
	if ret.text("TotalAmount") != "26.78" {
		t.Errorf("TotalAmount %s, want 26.78", ret.text("TotalAmount"))
	}
	mustBalance(t, c)
}

func TestItemWithoutPurchaseAccountIsRefused(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	setupShop(t, c)
	code := status(t, c, `<BillAddRq><BillAdd><VendorRef><FullName>Acme Supply</FullName></VendorRef><TxnDate>2026-11-19</TxnDate>
<ItemLineAdd><ItemRef><FullName>CA Tax</FullName></ItemRef><Amount>1.00</Amount></ItemLineAdd></BillAdd></BillAddRq>`)
	if code != stInvalidValue {
		t.Errorf("tax item on a bill: status %d, want %d", code, stInvalidValue)
	}
	mustBalance(t, c)
}
