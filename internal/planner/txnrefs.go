package planner

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/shopqb/shopqb/internal/qbxml"
)

// A posting that must name another transaction (a refund pays out a credit
// memo, an item receipt receives purchase-order lines) cannot know its IDs
// when it is planned: QuickBooks assigns them when the other transaction is
// posted, and this one is only sent after that, in a later message set, so a
// qbXML macro would not reach it. The planner writes a reference instead and
// the sync engine resolves it with the IDs QuickBooks returned before it
// sends the request. PlanHash is computed on the unresolved request, so it
// stays stable. There are two forms:
//
//   - <TxnID useMacro="TxnID:<posting key>"/> where the schema allows a
//     macro (RefundAppliedToTxnAdd): valid qbXML, and a working macro if both
//     ever travel in one message set;
//   - inside LinkToTxn, whose TxnID and TxnLineID take no useMacro attribute
//     in qbXML 13.0, the reference is the element's text:
//     <TxnID>TxnID:<key></TxnID><TxnLineID>TxnLineID:<key>#<n></TxnLineID>,
//     n counting the other posting's lines from 1 as planned
//     (qbxml.LinkToPending). It fits the 36-character ID, so the planned
//     request validates, and QuickBooks would refuse it unresolved (no ID
//     has a colon) rather than misread it.
var (
	txnRefPattern     = regexp.MustCompile(`<TxnID useMacro="TxnID:([^"]*)"\s*(?:/>|></TxnID>)`)
	txnTextRefPattern = regexp.MustCompile(`<TxnID>` + qbxml.PendingTxnPrefix + `([^<]*)</TxnID>`)
	txnLineRefPattern = regexp.MustCompile(`<TxnLineID>` + qbxml.PendingLinePrefix + `([^<#]*)#([0-9]+)</TxnLineID>`)
	linkToTxnPattern  = regexp.MustCompile(`\s*<LinkToTxn>\s*<TxnID>([^<]*)</TxnID>\s*<TxnLineID>[^<]*</TxnLineID>\s*</LinkToTxn>`)
)

// TxnLineRef names line Line (from 1, as planned) of the posting Key.
type TxnLineRef struct {
	Key  string
	Line int
}

// TxnRefs lists the keys of the postings whose TxnIDs request needs.
func TxnRefs(request string) []string {
	var keys []string
	for _, p := range []*regexp.Regexp{txnRefPattern, txnTextRefPattern} {
		for _, m := range p.FindAllStringSubmatch(request, -1) {
			keys = append(keys, unescapeAttr(m[1]))
		}
	}
	return keys
}

// TxnLineRefs lists the lines of other postings request links to.
func TxnLineRefs(request string) []TxnLineRef {
	var refs []TxnLineRef
	for _, m := range txnLineRefPattern.FindAllStringSubmatch(request, -1) {
		n, _ := strconv.Atoi(m[2])
		refs = append(refs, TxnLineRef{Key: unescapeAttr(m[1]), Line: n})
	}
	return refs
}

// HasRefs reports whether request refers to another posting at all.
func HasRefs(request string) bool {
	// Every form holds one of the two prefixes: most requests have
	// neither, and a substring search costs far less than the patterns,
	// which the sync engine would otherwise run on every request it sends.
	if !strings.Contains(request, qbxml.PendingTxnPrefix) && !strings.Contains(request, qbxml.PendingLinePrefix) {
		return false
	}
	return txnRefPattern.MatchString(request) || txnTextRefPattern.MatchString(request) || txnLineRefPattern.MatchString(request)
}

// ResolveTxnRefs replaces each reference to another posting's TxnID in
// request by that TxnID, as txnID reports it. It fails, naming the posting,
// when a TxnID is not known yet (the request must wait) and when request
// links to lines of another posting (use ResolveTxnLineRefs).
func ResolveTxnRefs(request string, txnID func(key string) (string, bool)) (string, error) {
	return ResolveTxnLineRefs(request, txnID, nil)
}

// ResolveTxnLineRefs is ResolveTxnRefs that also replaces each reference to
// a line of another posting by its TxnLineID, as txnLineID reports it (nil
// knows none).
func ResolveTxnLineRefs(request string, txnID func(key string) (string, bool), txnLineID func(key string, line int) (string, bool)) (string, error) {
	var missing string
	replace := func(p *regexp.Regexp, element string, lookup func(m []string) (string, string, bool)) {
		request = p.ReplaceAllStringFunc(request, func(m string) string {
			id, what, ok := lookup(p.FindStringSubmatch(m))
			if !ok || id == "" {
				if missing == "" {
					missing = what
				}
				return m
			}
			var b strings.Builder
			b.WriteString("<" + element + ">")
			_ = xml.EscapeText(&b, []byte(id))
			b.WriteString("</" + element + ">")
			return b.String()
		})
	}
	byKey := func(m []string) (string, string, bool) {
		key := unescapeAttr(m[1])
		id, ok := txnID(key)
		return id, "the TxnID of posting " + key, ok
	}
	replace(txnRefPattern, "TxnID", byKey)
	replace(txnTextRefPattern, "TxnID", byKey)
	replace(txnLineRefPattern, "TxnLineID", func(m []string) (string, string, bool) {
		key := unescapeAttr(m[1])
		n, err := strconv.Atoi(m[2])
		what := fmt.Sprintf("the TxnLineID of line %s of posting %s", m[2], key)
		if err != nil || txnLineID == nil {
			return "", what, false
		}
		id, ok := txnLineID(key, n)
		return id, what, ok
	})
	if missing != "" {
		return "", fmt.Errorf("resolve request: %s is not known yet", missing)
	}
	return request, nil
}

// UnlinkTxnLines removes the links to lines of posting key from request,
// keeping the lines. It is the way out when that posting is in QuickBooks but
// its line IDs were never learnt (it was found by a lookup after a lost
// answer, which does not return lines): the receipt is then booked unlinked,
// and the caller should say so.
func UnlinkTxnLines(request, key string) string {
	ref := qbxml.PendingTxnPrefix + key
	return linkToTxnPattern.ReplaceAllStringFunc(request, func(m string) string {
		if unescapeAttr(linkToTxnPattern.FindStringSubmatch(m)[1]) == ref {
			return ""
		}
		return m
	})
}

func unescapeAttr(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#34;", `"`, "&apos;", "'", "&#39;", "'").Replace(s)
}
