package qbdsim

import (
	"github.com/shopqb/shopqb/internal/money"
)

// inventoryAdjustment changes quantity and/or value of inventory items
// against the adjustment account; quantity changes are valued at average cost.
func (c *Company) inventoryAdjustment(rq *node) (*node, error) {
	t, body, err := c.txnStart("InventoryAdjustment", rq)
	if err != nil {
		return nil, err
	}
	acct := c.refRecord(body, "AccountRef")
	if acct == nil {
		return nil, stErr(stMissingElement, "There is a missing element: \"AccountRef\".")
	}
	lines := body.children("InventoryAdjustmentLineAdd")
	if len(lines) == 0 {
		return nil, stErr(stMissingElement, "There is a missing element: \"InventoryAdjustmentLineAdd\".")
	}
	// Work out every line first so a bad line changes nothing.
	type change struct {
		item  *listRecord
		qty   int64
		value money.Cents
	}
	var changes []change
	for _, line := range lines {
		c.lineRet(line, "InventoryAdjustmentLineRet")
		item := c.refRecord(line, "ItemRef")
		if item == nil || item.Kind != "ItemInventory" {
			return nil, stErr(stInvalidValue, "There is an invalid value in the field \"ItemRef\": only inventory items can be adjusted.")
		}
		adj := line.child("QuantityAdjustment")
		vadj := line.child("ValueAdjustment")
		if adj == nil {
			adj = vadj
		}
		if adj == nil {
			return nil, stErr(stMissingElement, "There is a missing element: \"QuantityAdjustment\".")
		}
		var dq int64
		if v := adj.text("NewQuantity"); v != "" {
			nq, err := parseDec5("NewQuantity", v)
			if err != nil {
				return nil, err
			}
			dq = nq - item.Qty
		} else if v := adj.text("QuantityDifference"); v != "" {
			if dq, err = parseDec5("QuantityDifference", v); err != nil {
				return nil, err
			}
		}
		var dv money.Cents
		switch {
		case vadj != nil && vadj.text("NewValue") != "":
			nv, err := parseAmountField("NewValue", vadj.text("NewValue"))
			if err != nil {
				return nil, err
			}
			dv = nv - item.Value
		case vadj != nil && vadj.text("ValueDifference") != "":
			if dv, err = parseAmountField("ValueDifference", vadj.text("ValueDifference")); err != nil {
				return nil, err
			}
		case dq < 0:
			dv = -item.costOf(-dq)
		default:
			dv = qtyTimesRate(dq, item.avgCost())
		}
		changes = append(changes, change{item, dq, dv})
		// InventoryAdjustmentLineRet states the differences, whichever way they were asked for.
		id := line.child("TxnLineID")
		line.Kids = nil
		line.add(id, refNode("ItemRef", item), el("QuantityDifference", formatDec5(dq)), el("ValueDifference", dv.String()))
	}
	for _, ch := range changes {
		c.move(t, ch.item, ch.qty, ch.value)
		if ch.value != 0 {
			t.Splits = append(t.Splits, split{Account: ch.item.AssetAcct, Amount: ch.value}, split{Account: acct.ListID, Amount: -ch.value})
		}
	}
	return c.commit(t, body)
}
