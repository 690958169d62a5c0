package shopifysim

import (
	"encoding/json"
	"fmt"
	"runtime"
	"sync"

	"github.com/shopqb/shopqb/internal/shopify"
)

// orderDoc renders an order as the executor serves it: the model's JSON
// plus what Shopify derives (orderDerived, shippingLine, the POS device on
// transactions, each refund's order) as compact JSON. It edits the JSON at
// the top level only, never decoding the whole order into a generic tree,
// because building 100,000 such trees is what made large shops slow and
// huge. It also returns the GIDs of the line items and refunds inside.
func orderDoc(d *Data, o shopify.Order) (doc *lazyDoc, lineIDs, refundIDs []string, err error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("order %s: %w", o.ID, err)
	}
	top, err := splitObject(b)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("order %s: %w", o.ID, err)
	}
	given := func(k string) bool { return top[k] != nil }
	for k, v := range orderDerived(o) {
		if given(k) {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("order %s: %s: %w", o.ID, k, err)
		}
		top[k] = raw
	}
	if !isJSONNull(top["shippingLines"]) && isJSONNull(top["shippingLine"]) {
		var sls []json.RawMessage
		if err := json.Unmarshal(top["shippingLines"], &sls); err == nil && len(sls) > 0 {
			top["shippingLine"] = sls[0]
		}
	}
	if dev := registerFor(d, o); dev != "" && !isJSONNull(top["transactions"]) {
		var txs []json.RawMessage
		if err := json.Unmarshal(top["transactions"], &txs); err == nil {
			devRaw, _ := json.Marshal(map[string]any{"id": dev})
			for i, tx := range txs {
				var fields map[string]json.RawMessage
				if json.Unmarshal(tx, &fields) != nil || isJSONNull(fields["location"]) {
					continue
				}
				fields["device"] = devRaw
				if txs[i], err = json.Marshal(fields); err != nil {
					return nil, nil, nil, fmt.Errorf("order %s: transaction: %w", o.ID, err)
				}
			}
			if top["transactions"], err = json.Marshal(txs); err != nil {
				return nil, nil, nil, fmt.Errorf("order %s: transactions: %w", o.ID, err)
			}
		}
	}
	if !isJSONNull(top["refunds"]) {
		var rfs []map[string]json.RawMessage
		if err := json.Unmarshal(top["refunds"], &rfs); err == nil && len(rfs) > 0 {
			back, _ := json.Marshal(map[string]any{"id": o.ID, "name": o.Name})
			for _, r := range rfs {
				r["order"] = back
				var id string
				if json.Unmarshal(r["id"], &id) == nil && id != "" {
					refundIDs = append(refundIDs, id)
				}
			}
			if top["refunds"], err = json.Marshal(rfs); err != nil {
				return nil, nil, nil, fmt.Errorf("order %s: refunds: %w", o.ID, err)
			}
		}
	}
	for _, li := range o.LineItems {
		if li.ID != "" {
			lineIDs = append(lineIDs, li.ID)
		}
	}
	doc = newLazyDoc(top)
	doc.remember()
	return doc, lineIDs, refundIDs, nil
}

// isJSONNull reports whether a raw value is absent or null.
func isJSONNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// renderedOrder is one order's lazyDoc and the GIDs nested in it.
type renderedOrder struct {
	doc                *lazyDoc
	lineIDs, refundIDs []string
}

// orderDocs renders every order, in parallel because a large shop has
// 100,000 of them and each is independent; the result is in d.Orders'
// order whatever the scheduling. The first error found (in order) wins.
func orderDocs(d *Data) ([]renderedOrder, error) {
	out := make([]renderedOrder, len(d.Orders))
	errs := make([]error, len(d.Orders))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(d.Orders)/256))
	if len(d.Orders) == 0 {
		return out, nil
	}
	// The first order, rendered first, is the dictionary the rest pack against.
	first, lines, refunds, err := orderDoc(d, d.Orders[0])
	if err != nil {
		return out, err
	}
	packer := newDocPacker(first.raw)
	out[0] = renderedOrder{doc: first, lineIDs: lines, refundIDs: refunds}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			fw, err := packer.newWriter()
			for i := w; i < len(d.Orders); i += workers {
				if err != nil {
					errs[i] = err
					return
				}
				r := &out[i]
				if i > 0 {
					r.doc, r.lineIDs, r.refundIDs, errs[i] = orderDoc(d, d.Orders[i])
				}
				if errs[i] == nil {
					if errs[i] = r.doc.packWith(packer, fw); errs[i] != nil {
						errs[i] = fmt.Errorf("pack order %s: %w", d.Orders[i].ID, errs[i])
					}
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// splitObject splits a compact JSON object, as json.Marshal writes it, into
// its top-level fields without validating or copying them: the values are
// slices of b. It does what json.Unmarshal into map[string]json.RawMessage
// does for such input, at a fraction of the cost, which matters for 100,000
// orders. Input that is not a compact object gets an error.
func splitObject(b []byte) (map[string]json.RawMessage, error) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, fmt.Errorf("split JSON object: not an object")
	}
	out := make(map[string]json.RawMessage, 48)
	i := 1
	for i < len(b)-1 {
		keyEnd, err := stringEnd(b, i)
		if err != nil {
			return nil, err
		}
		var key string
		if err := json.Unmarshal(b[i:keyEnd], &key); err != nil {
			return nil, fmt.Errorf("split JSON object: key at %d: %w", i, err)
		}
		if keyEnd >= len(b) || b[keyEnd] != ':' {
			return nil, fmt.Errorf("split JSON object: no colon at %d", keyEnd)
		}
		start := keyEnd + 1
		end, err := valueEnd(b, start)
		if err != nil {
			return nil, err
		}
		out[key] = b[start:end:end]
		i = end
		if i < len(b)-1 {
			if b[i] != ',' {
				return nil, fmt.Errorf("split JSON object: no comma at %d", i)
			}
			i++
		}
	}
	return out, nil
}

// stringEnd returns the index just past the JSON string starting at i.
func stringEnd(b []byte, i int) (int, error) {
	if i >= len(b) || b[i] != '"' {
		return 0, fmt.Errorf("split JSON object: no string at %d", i)
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("split JSON object: unterminated string at %d", i)
}

// valueEnd returns the index just past the compact JSON value at i: a
// string, an object or array (brackets matched, strings skipped), or a
// literal or number running to the next ',' or closing bracket.
func valueEnd(b []byte, i int) (int, error) {
	if i >= len(b) {
		return 0, fmt.Errorf("split JSON object: no value at %d", i)
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		var open []byte // closing brackets expected, innermost last
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, err := stringEnd(b, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{':
				open = append(open, '}')
			case '[':
				open = append(open, ']')
			case '}', ']':
				if open[len(open)-1] != b[j] {
					return 0, fmt.Errorf("split JSON object: mismatched %c at %d", b[j], j)
				}
				open = open[:len(open)-1]
				if len(open) == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("split JSON object: unclosed value at %d", i)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("split JSON object: empty value at %d", i)
	}
	return j, nil
}
