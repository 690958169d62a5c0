package qbdsim

import (
	"strings"
	"testing"
)

// TestDeleteAccount: an account is deleted only when nothing uses it, and a
// transaction naming it afterwards gets QuickBooks' 3140; re-creating it
// with the same name makes the same request post.
func TestDeleteAccount(t *testing.T) {
	t.Parallel()
	c := newCo(t)
	deposit := `<DepositAddRq><DepositAdd><TxnDate>2026-11-19</TxnDate><DepositToAccountRef><FullName>Checking</FullName></DepositToAccountRef>
<DepositLineAdd><AccountRef><FullName>Event Fees</FullName></AccountRef><Amount>-1.25</Amount></DepositLineAdd>
<DepositLineAdd><AccountRef><FullName>Sales</FullName></AccountRef><Amount>20.00</Amount></DepositLineAdd></DepositAdd></DepositAddRq>`
	parent := ok(t, c, `<AccountAddRq><AccountAdd><Name>Event Fees</Name><AccountType>Expense</AccountType></AccountAdd></AccountAddRq>`)
	child := ok(t, c, `<AccountAddRq><AccountAdd><Name>Venue</Name><ParentRef><FullName>Event Fees</FullName></ParentRef><AccountType>Expense</AccountType></AccountAdd></AccountAddRq>`)

	// Refused: a sub-account, an account QuickBooks keeps, one an item uses, and an unknown ID.
	if code := status(t, c, `<ListDelRq><ListDelType>Account</ListDelType><ListID>`+parent.text("ListID")+`</ListID></ListDelRq>`); code != stInUse {
		t.Errorf("deleting an account with a sub-account: status %d, want %d", code, stInUse)
	}
	for _, name := range []string{"Undeposited Funds", "Sales"} {
		if err := c.DeleteAccount(name); err == nil || err.(*statusError).Code != stInUse {
			t.Errorf("deleting %s: %v, want a %d refusal", name, err, stInUse)
		}
	}
	ok(t, c, `<ItemServiceAddRq><ItemServiceAdd><Name>Setup</Name><SalesOrPurchase><Price>10.00</Price><AccountRef><FullName>Sales</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>`)
	if err := c.DeleteAccount("Ask My Accountant"); err != nil {
		t.Errorf("an account nothing uses: %v", err)
	}
	if code := status(t, c, `<ListDelRq><ListDelType>Account</ListDelType><ListID>80000999-1</ListID></ListDelRq>`); code != stNotFound {
		t.Errorf("deleting an unknown ListID: status %d, want %d", code, stNotFound)
	}
	if code := status(t, c, `<ListDelRq><ListDelType>Customer</ListDelType><ListID>`+parent.text("ListID")+`</ListID></ListDelRq>`); code != stUnsupportedMsg {
		t.Errorf("ListDel of a customer: status %d, want %d (not modelled)", code, stUnsupportedMsg)
	}

	// The sub-account first (by qbXML), then the parent (as in the UI).
	del := send(t, c, `<ListDelRq><ListDelType>Account</ListDelType><ListID>`+child.text("ListID")+`</ListID></ListDelRq>`)[0]
	if code, _ := del.attr("statusCode"); code != "0" || del.text("FullName") != "Event Fees:Venue" || del.text("TimeDeleted") == "" {
		t.Errorf("ListDelRs: status %s, FullName %q", code, del.text("FullName"))
	}
	if err := c.DeleteAccount("Event Fees"); err != nil {
		t.Fatalf("deleting an unused account without sub-accounts: %v", err)
	}
	before := c.Report()
	rs := send(t, c, deposit)[0]
	code, _ := rs.attr("statusCode")
	msg, _ := rs.attr("statusMessage")
	if code != "3140" || !strings.HasPrefix(msg, `There is an invalid reference to QuickBooks Account "Event Fees" in the Deposit.`) {
		t.Errorf("a deposit naming the deleted account: %s %q", code, msg)
	}
	if c.Report().Transactions["Deposit"] != before.Transactions["Deposit"] {
		t.Error("the refused deposit was stored")
	}

	// Re-created with the same name and type: the same request posts, and
	// the account, now used, cannot be deleted any more.
	ok(t, c, `<AccountAddRq><AccountAdd><Name>Event Fees</Name><AccountType>Expense</AccountType></AccountAdd></AccountAddRq>`)
	ok(t, c, deposit)
	if got := balance(c, "Event Fees"); got != 125 {
		t.Errorf("Event Fees balance %s, want a 1.25 debit", got)
	}
	if err := c.DeleteAccount("Event Fees"); err == nil || !strings.Contains(err.Error(), "used in transactions") {
		t.Errorf("deleting an account a deposit uses: %v", err)
	}
	mustBalance(t, c)
}
