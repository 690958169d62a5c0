package shopify

import (
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Operation is one GraphQL document shopqb sends, kept as a .graphql file
// under operations/ so it can be validated against Shopify's published
// schema in tests. Query is the operation with the fragments it uses.
type Operation struct {
	Name string
	// Query is the full document sent.
	Query string
	// APIVersion overrides the client's version ("unstable" for purchase
	// orders); empty means the client's pinned version.
	APIVersion string
	// PageSize is the $first this operation is sent with, chosen so its
	// requested cost stays under Shopify's 1000-point cap per query.
	PageSize int
	// Cost, when set, is the request's requested cost by Shopify's rules,
	// known before it is sent (a batch whose cost varies with what it
	// reads): the client waits for the bucket to hold it.
	Cost int
	// text is the operation without its fragments, fragmentNames the
	// fragments it uses (for batchOf).
	text          string
	fragmentNames []string
}

//go:embed operations/*.graphql
var operationFiles embed.FS

// The operations. Page sizes are part of each operation's cost budget; the
// cost test checks every one of them against the 1000-point cap. Each is
// Shopify's largest page, 250, where the cap allows it, else the most the
// cap allows (249 customers or purchase order lines at 4 points, 199
// balance transactions at 5): fewer requests for the same objects cost the
// same points. Nested firsts (a product's variants, a purchase order's
// lines) cover the typical object so a page holds many; a longer one
// continues by itself.
var (
	OpShop                      = mustOperation("Shop", "", 0)
	OpLocations                 = mustOperation("Locations", "", 250)
	OpOrders                    = mustOperation("Orders", "", 3)
	OpOrder                     = mustOperation("Order", "", 0)
	OpOrderLineItems            = mustOperation("OrderLineItems", "", 25)
	OpOrderShippingLines        = mustOperation("OrderShippingLines", "", 25)
	OpOrderTransactions         = mustOperation("OrderTransactions", "", 60)
	OpRefund                    = mustOperation("Refund", "", 0)
	OpRefundLineItems           = mustOperation("RefundLineItems", "", 110)
	OpOrderAgreements           = mustOperation("OrderAgreements", "", 3)
	OpOrderAgreementSales       = mustOperation("OrderAgreementSales", "", 71)
	OpCustomers                 = mustOperation("Customers", "", 249)
	OpProducts                  = mustOperation("Products", "", 30)
	OpProductVariants           = mustOperation("ProductVariants", "", 250)
	OpPayouts                   = mustOperation("Payouts", "", 250)
	OpPayoutBalanceTransactions = mustOperation("PayoutBalanceTransactions", "", 199)
	OpPurchaseOrders            = mustOperation("PurchaseOrders", "unstable", 11)
	OpPurchaseOrderLineItems    = mustOperation("PurchaseOrderLineItems", "unstable", 249)
	OpOrderDiscountApplications = mustOperation("OrderDiscountApplications", "", 50)
	OpBulkRun                   = mustOperation("BulkRun", "", 0)
	OpBulkStatus                = mustOperation("BulkStatus", "", 0)
	OpSetupFacts                = mustOperation("SetupFacts", "", 100)
	OpProductVendors            = mustOperation("ProductVendors", "", 250)
	// By-id batches, packed by cost to Shopify's cap: RefundsByID is one
	// refund, sent as many times under aliases as refundBatches packs (and
	// RefundNoShipping one of an order without shipping lines);
	// OrderEditSales is sent with as many ids as editBatchSize allows.
	OpRefundsByID      = mustOperation("RefundsByID", "", 0)
	OpRefundNoShipping = mustOperation("RefundNoShipping", "", 0)
	OpOrderEditSales   = mustOperation("OrderEditSales", "", 0)
)

// Operations lists every operation, for schema validation and the simulator.
func Operations() []*Operation {
	return []*Operation{
		OpShop, OpLocations, OpOrders, OpOrder, OpOrderLineItems, OpOrderShippingLines,
		OpOrderTransactions, OpRefund, OpRefundLineItems, OpOrderAgreements, OpOrderAgreementSales,
		OpCustomers, OpProducts, OpProductVariants, OpPayouts, OpPayoutBalanceTransactions,
		OpOrderDiscountApplications, OpPurchaseOrders, OpPurchaseOrderLineItems, OpBulkRun, OpBulkStatus,
		OpSetupFacts, OpProductVendors, OpRefundsByID, OpRefundNoShipping, OpOrderEditSales,
	}
}

var (
	fragmentStart  = regexp.MustCompile(`(?m)^fragment\s+([A-Za-z_]\w*)\s+on\s`)
	fragmentSpread = regexp.MustCompile(`\.\.\.\s*([A-Za-z_]\w*)`)
)

// fragments maps a fragment's name to its text, read once from fragments.graphql.
var fragments = loadFragments()

func loadFragments() map[string]string {
	b, err := operationFiles.ReadFile("operations/fragments.graphql")
	if err != nil {
		panic(err)
	}
	src := string(b)
	locs := fragmentStart.FindAllStringSubmatchIndex(src, -1)
	out := make(map[string]string, len(locs))
	for i, l := range locs {
		end := len(src)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[src[l[2]:l[3]]] = strings.TrimSpace(stripComments(src[l[0]:end]))
	}
	return out
}

// stripComments drops # comment lines between fragments.
func stripComments(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

// usedFragments returns the fragments text references, transitively, sorted.
func usedFragments(text string) ([]string, error) {
	seen := map[string]bool{}
	var visit func(string) error
	visit = func(s string) error {
		for _, m := range fragmentSpread.FindAllStringSubmatch(s, -1) {
			name := m[1]
			if name == "on" || seen[name] {
				continue
			}
			f, ok := fragments[name]
			if !ok {
				return fmt.Errorf("unknown fragment %s", name)
			}
			seen[name] = true
			if err := visit(f); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(text); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// mustOperation loads operations/<name>.graphql and appends its fragments.
// A broken embedded file is a programming error, caught by any test run.
func mustOperation(name, version string, pageSize int) *Operation {
	b, err := operationFiles.ReadFile("operations/" + name + ".graphql")
	if err != nil {
		panic(fmt.Sprintf("shopify: operation %s: %v", name, err))
	}
	text := strings.TrimSpace(stripComments(string(b)))
	names, err := usedFragments(text)
	if err != nil {
		panic(fmt.Sprintf("shopify: operation %s: %v", name, err))
	}
	parts := []string{text}
	for _, n := range names {
		parts = append(parts, fragments[n])
	}
	return &Operation{Name: name, Query: strings.Join(parts, "\n\n") + "\n", APIVersion: version, PageSize: pageSize,
		text: text, fragmentNames: names}
}

var variableName = regexp.MustCompile(`\$([A-Za-z_]\w*)`)

// batchOf is one request reading an object per part, by id, each with a
// selection of its own: the i-th part's one root field under the alias
// alias+i with its variables renamed ($v becomes $v_i). The request is the
// operation name to Shopify's cost accounting and the bench; the parts are
// operations of their own only so that tests validate each against the
// schema.
func batchOf(name, alias string, parts []*Operation) (*Operation, error) {
	var defs, roots strings.Builder
	used := map[string]bool{}
	for i, p := range parts {
		t := p.text
		open := strings.IndexByte(t, '(')
		closeDefs := strings.IndexByte(t, ')')
		body := strings.IndexByte(t, '{')
		end := strings.LastIndexByte(t, '}')
		if open < 0 || closeDefs < open || body < closeDefs || end < body {
			return nil, fmt.Errorf("shopify: operation %s cannot be batched: no variables or no selection", p.Name)
		}
		suffix := "$$${1}_" + strconv.Itoa(i)
		if i > 0 {
			defs.WriteString(", ")
		}
		defs.WriteString(variableName.ReplaceAllString(t[open+1:closeDefs], suffix))
		fmt.Fprintf(&roots, "  %s%d: %s\n", alias, i, variableName.ReplaceAllString(strings.TrimSpace(t[body+1:end]), suffix))
		for _, f := range p.fragmentNames {
			used[f] = true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "query %s(%s) {\n%s}\n", name, defs.String(), roots.String())
	names := make([]string, 0, len(used))
	for f := range used {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		b.WriteString("\n" + fragments[f] + "\n")
	}
	return &Operation{Name: name, Query: b.String()}, nil
}

// FollowUp names what a by-id read is for, so the requests a bulk back-fill
// cannot avoid can be counted apart from the bulk operation's own.
type FollowUp int

const (
	NotFollowUp FollowUp = iota
	// FollowUpRefunds: refunds' lines, shipping, adjustments and
	// transactions (connections inside the Order.refunds list, which a
	// bulk query may not select).
	FollowUpRefunds
	// FollowUpEdits: the sales of ORDER_EDIT agreements (orders >
	// agreements > sales nests deeper than a bulk query allows).
	FollowUpEdits
)

// FollowUpOf classifies an operation by name: the batched reads and their
// continuations for one long object.
func FollowUpOf(operation string) FollowUp {
	switch operation {
	case OpRefundsByID.Name, OpRefund.Name, OpRefundLineItems.Name:
		return FollowUpRefunds
	case OpOrderEditSales.Name, OpOrderAgreements.Name, OpOrderAgreementSales.Name:
		return FollowUpEdits
	}
	return NotFollowUp
}
