package planner

import (
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopqb/shopqb"
	"github.com/shopqb/shopqb/internal/qbxml"
)

// TestRequestsMarshalAsEncodingXML renders every list record and transaction
// of the golden cases and of generated shops in every mode, and checks that
// qbxml.MarshalRequest (its own encoder) writes each exactly as
// encoding/xml does: the postings' bytes are what QuickBooks and the stored
// plan hashes have always seen.
func TestRequestsMarshalAsEncodingXML(t *testing.T) {
	var inputs []Input
	var names []string
	for _, dir := range goldenDirs(t) {
		in, _ := goldenInput(t, dir)
		inputs, names = append(inputs, in), append(names, filepath.Base(dir))
	}
	modes := []shopqb.Mode{shopqb.Detail, shopqb.Summary}
	for seed := uint64(1); seed <= 12; seed++ {
		for _, sales := range modes {
			for _, inv := range modes {
				in := genInput(seed, sales, modes[seed%2], inv, modes[(seed/2)%2], seed%3 == 0)
				inputs = append(inputs, in)
				names = append(names, fmt.Sprintf("seed%d-%s-%s", seed, sales, inv))
				// Texts XML must escape: no generated name has them.
				marked := genInput(seed, sales, modes[seed%2], inv, modes[(seed/2)%2], seed%3 == 0)
				for j := range marked.Orders {
					o := &marked.Orders[j]
					if o.Customer != nil {
						c := *o.Customer
						c.DisplayName = `O'Brien & "Sons" <` + c.DisplayName + ">"
						o.Customer = &c
					}
					for k := range o.LineItems {
						o.LineItems[k].Name += " & 'more'"
					}
				}
				inputs = append(inputs, marked)
				names = append(names, fmt.Sprintf("seed%d-%s-%s-marked", seed, sales, inv))
			}
		}
	}
	kinds := map[string]int{}
	for i, in := range inputs {
		p, _, err := build(in)
		if err != nil {
			continue // a golden case that is refused
		}
		for _, r := range p.lists {
			req := r.build(r.name, qbxml.GUID(externalGUID(p.in.Shop.FileID, r.key)))
			sameAsEncodingXML(t, names[i]+" "+r.key, req)
			kinds[req.RequestName()]++
		}
		for _, d := range p.docs {
			req := p.render(d, qbxml.GUID(externalGUID(p.in.Shop.FileID, d.key)))
			sameAsEncodingXML(t, names[i]+" "+d.key, req)
			kinds[req.RequestName()]++
		}
	}
	for _, k := range []string{"SalesReceiptAddRq", "CreditMemoAddRq", "ARRefundCreditCardAddRq", "DepositAddRq",
		"JournalEntryAddRq", "PurchaseOrderAddRq", "ItemReceiptAddRq", "CustomerAddRq", "VendorAddRq",
		"AccountAddRq", "ClassAddRq", "PaymentMethodAddRq", "ItemInventoryAddRq", "ItemNonInventoryAddRq",
		"ItemOtherChargeAddRq", "ItemDiscountAddRq", "ItemSalesTaxAddRq", "ItemPaymentAddRq"} {
		if kinds[k] == 0 {
			t.Errorf("no %s among the plans: the comparison does not cover it", k)
		}
	}
}

func sameAsEncodingXML(t *testing.T, what string, req qbxml.Request) {
	t.Helper()
	got, err := qbxml.MarshalRequest(req)
	if err != nil {
		return // refused before marshalling; the planner reports it
	}
	body, err := xml.Marshal(req)
	if err != nil {
		t.Fatalf("%s: MarshalRequest wrote it, encoding/xml fails: %v", what, err)
	}
	want, name := string(body), req.RequestName()
	if !strings.HasPrefix(want, "<"+name+">") && !strings.HasPrefix(want, "<"+name+" ") {
		want = "<" + name + ">" + want + "</" + name + ">"
	}
	if got != want {
		t.Errorf("%s: MarshalRequest differs from encoding/xml\n got %s\nwant %s", what, got, want)
	}
}
