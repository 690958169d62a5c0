package planner

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
)

// A posting that must name another transaction (a refund pays out a credit
// memo) cannot know its TxnID when it is planned: QuickBooks assigns it when
// the credit memo is posted, and the refund is only sent after that, in a
// later message set, so a qbXML macro would not reach it. The planner writes
// the reference as <TxnID useMacro="TxnID:<posting key>"/> (valid qbXML,
// and a working macro if both ever travel in one message set); the sync
// engine calls ResolveTxnRefs with the TxnIDs QuickBooks returned before it
// sends the request. PlanHash is computed on the unresolved request, so it
// stays stable.
var txnRefPattern = regexp.MustCompile(`<TxnID useMacro="TxnID:([^"]*)"\s*(?:/>|></TxnID>)`)

// TxnRefs lists the keys of the postings whose TxnIDs request needs.
func TxnRefs(request string) []string {
	var keys []string
	for _, m := range txnRefPattern.FindAllStringSubmatch(request, -1) {
		keys = append(keys, unescapeAttr(m[1]))
	}
	return keys
}

// ResolveTxnRefs replaces each reference to another posting in request by
// that posting's TxnID, as txnID reports it. It fails, naming the posting,
// when a TxnID is not known yet: the request must wait.
func ResolveTxnRefs(request string, txnID func(key string) (string, bool)) (string, error) {
	var missing string
	out := txnRefPattern.ReplaceAllStringFunc(request, func(m string) string {
		key := unescapeAttr(txnRefPattern.FindStringSubmatch(m)[1])
		id, ok := txnID(key)
		if !ok || id == "" {
			if missing == "" {
				missing = key
			}
			return m
		}
		var b strings.Builder
		b.WriteString("<TxnID>")
		_ = xml.EscapeText(&b, []byte(id))
		b.WriteString("</TxnID>")
		return b.String()
	})
	if missing != "" {
		return "", fmt.Errorf("resolve request: the TxnID of posting %s is not known yet", missing)
	}
	return out, nil
}

func unescapeAttr(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#34;", `"`, "&apos;", "'", "&#39;", "'").Replace(s)
}
