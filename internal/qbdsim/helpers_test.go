package qbdsim

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopqb/shopqb/internal/money"
	"github.com/shopqb/shopqb/internal/testenv"
)

var testClock = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// newCo makes a Pro company with a fixed clock. Every request a test sends
// is checked against the real qbXML 13.0 schema when the test ends (one
// xmllint run for all of them, which keeps the suite fast), so the tests
// exercise the simulator with messages QuickBooks would accept.
func newCo(t *testing.T, mod ...func(*CompanyOptions)) *Company {
	t.Helper()
	var sent []string
	opts := CompanyOptions{Edition: Pro, Name: "Test Shop", FilePath: `C:\QB\test.qbw`, SalesTaxOn: true,
		DefaultTaxItemZeroRate: true, Inventory: true,
		Now:         func() time.Time { return testClock },
		XSDValidate: func(s string) error { sent = append(sent, s); return nil },
	}
	for _, m := range mod {
		m(&opts)
	}
	c := NewCompany(opts)
	var got []string
	seenMu.Lock()
	seen[c] = &got
	seenMu.Unlock()
	t.Cleanup(func() {
		seenMu.Lock()
		delete(seen, c)
		seenMu.Unlock()
		validateAll(t, append(sent, got...))
	})
	return c
}

// seen collects each test company's responses: the simulator's answers are
// held to the same schema as the requests.
var (
	seenMu sync.Mutex
	seen   = map[*Company]*[]string{}
)

func recordResponse(c *Company, resp string) {
	seenMu.Lock()
	defer seenMu.Unlock()
	if p := seen[c]; p != nil {
		*p = append(*p, resp)
	}
}

// validateAll runs xmllint once over every request.
func validateAll(t *testing.T, requests []string) {
	t.Helper()
	if len(requests) == 0 {
		return
	}
	dir := t.TempDir()
	args := []string{"--noout", "--nonet", "--schema", testenv.QBXMLSchema(t)}
	for i, r := range requests {
		p := filepath.Join(dir, fmt.Sprintf("rq%04d.xml", i))
		if err := os.WriteFile(p, []byte(r), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	out, err := exec.Command(testenv.Xmllint(t), args...).CombinedOutput()
	if err != nil {
		t.Errorf("requests or responses of this test fail the qbXML 13.0 schema: %v\n%s", err, out)
	}
}

// envelope wraps requests in a qbXML 13.0 message set.
func envelope(onError, attrs string, rqs ...string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<?qbxml version="13.0"?>
<QBXML><QBXMLMsgsRq onError="` + onError + `"` + attrs + `>` + strings.Join(rqs, "\n") + `</QBXMLMsgsRq></QBXML>`
}

// send processes requests with continueOnError and returns the …Rs nodes.
func send(t *testing.T, c *Company, rqs ...string) []*node {
	t.Helper()
	resp, err := c.ProcessRequest(envelope("continueOnError", "", rqs...))
	if err != nil {
		t.Fatalf("ProcessRequest: %v\n%s", err, strings.Join(rqs, "\n"))
	}
	recordResponse(c, resp)
	return parseResp(t, resp)
}

func parseResp(t *testing.T, resp string) []*node {
	t.Helper()
	doc, err := parseQBXML(strings.Replace(resp, "<?xml version=\"1.0\" ?>", "<?xml version=\"1.0\" ?><?qbxml version=\"13.0\"?>", 1))
	if err != nil {
		t.Fatalf("response does not parse: %v\n%s", err, resp)
	}
	return doc.Root.child("QBXMLMsgsRs").Kids
}

// ok sends one request and fails unless it answers status 0; it returns the Ret.
func ok(t *testing.T, c *Company, rq string) *node {
	t.Helper()
	rs := send(t, c, rq)[0]
	if code, _ := rs.attr("statusCode"); code != "0" {
		msg, _ := rs.attr("statusMessage")
		t.Fatalf("status %s: %s\nrequest: %s", code, msg, rq)
	}
	if len(rs.Kids) == 0 {
		return nil
	}
	return rs.Kids[0]
}

// status sends one request and returns its status code.
func status(t *testing.T, c *Company, rq string) int {
	t.Helper()
	rs := send(t, c, rq)[0]
	code, _ := rs.attr("statusCode")
	return atoiSafe(code)
}

func ref(name, full string) string {
	return fmt.Sprintf("<%s><FullName>%s</FullName></%s>", name, full, name)
}

// balance returns the signed (debit-positive) trial-balance figure of an account.
func balance(c *Company, account string) money.Cents {
	for _, l := range c.TrialBalance() {
		if l.Account == account {
			return l.Debit - l.Credit
		}
	}
	return 0
}

// mustBalance fails when the trial balance's debits differ from its credits.
func mustBalance(t *testing.T, c *Company) {
	t.Helper()
	var d, cr money.Cents
	for _, l := range c.TrialBalance() {
		d += l.Debit
		cr += l.Credit
	}
	if d != cr {
		t.Fatalf("trial balance out of balance: debits %s credits %s\n%+v", d, cr, c.TrialBalance())
	}
	if msg := checkRunningBalances(c); msg != "" {
		t.Fatal(msg)
	}
}

// checkRunningBalances compares the cached balances with a rescan of the ledger.
func checkRunningBalances(c *Company) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	fresh := &state{Txns: c.st.Txns, byID: c.st.byID}
	fresh.rebuildBalances()
	for _, m := range []struct {
		name      string
		got, want map[string]money.Cents
	}{{"account", c.st.acctSum, fresh.acctSum}, {"A/R", c.st.arSum, fresh.arSum}, {"A/P", c.st.apSum, fresh.apSum}} {
		for k, v := range m.want {
			if m.got[k] != v {
				return fmt.Sprintf("running %s balance of %s is %s, the ledger says %s", m.name, k, m.got[k], v)
			}
		}
		for k, v := range m.got {
			if v != m.want[k] {
				return fmt.Sprintf("running %s balance of %s is %s, the ledger says %s", m.name, k, v, m.want[k])
			}
		}
	}
	return ""
}
