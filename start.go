package shopqb

import (
	"encoding/json"
	"fmt"
	"strings"
)

// StartProblem is one reason the one-time start must wait. Code says which
// reason it is and Args fill in its particulars, so a front door that speaks
// the reader's language (the setup pages) words it from its own catalog;
// Area names the part of the set-up that fixes it, so that door can send
// the merchant there; Text is the same problem in English, for the command
// line, the JSON API and the logs.
type StartProblem struct {
	Code string            `json:"code"`
	Area StartArea         `json:"area"`
	Args map[string]string `json:"args,omitempty"`
	Text string            `json:"text"`
}

func (p StartProblem) String() string { return p.Text }

// UnmarshalJSON also reads a plain string, the form preflights were stored
// in before problems had codes: it becomes a ProblemOther in QuickBooks.
func (p *StartProblem) UnmarshalJSON(b []byte) error {
	var text string
	if err := json.Unmarshal(b, &text); err == nil {
		*p = StartProblem{Code: ProblemOther, Area: AreaQuickBooks, Text: text}
		return nil
	}
	type plain StartProblem
	return json.Unmarshal(b, (*plain)(p))
}

// StartArea is the part of the set-up a start problem concerns.
type StartArea string

// The areas, in the order the set-up visits them.
const (
	// AreaQuickBooks: the connection and the company file itself.
	AreaQuickBooks StartArea = "quickbooks"
	// AreaSalesTax: QuickBooks' sales tax preferences and items.
	AreaSalesTax StartArea = "sales_tax"
	// AreaMapping: which QuickBooks account each category books to.
	AreaMapping StartArea = "mapping"
	// AreaSchedule: when syncs run.
	AreaSchedule StartArea = "schedule"
	// AreaModes: summary or detail for sales, customers, inventory, vendors.
	AreaModes StartArea = "modes"
	// AreaShopify: reading the store.
	AreaShopify StartArea = "shopify"
	// AreaStartDate: the date orders are booked from.
	AreaStartDate StartArea = "start_date"
)

// The codes of start problems, each with the Args it carries.
const (
	// ProblemNoPreflight: the Web Connector has not visited yet.
	ProblemNoPreflight = "no_preflight"
	// ProblemQueryFailed: a preflight query failed (Request, Status: its code, Message: QuickBooks' words).
	ProblemQueryFailed = "query_failed"
	// ProblemNoPreferences: QuickBooks did not report its preferences.
	ProblemNoPreferences = "no_preferences"
	// ProblemSalesTaxOff: sales tax is off in QuickBooks.
	ProblemSalesTaxOff = "sales_tax_off"
	// ProblemNoTaxItem: no most-common sales tax item is set.
	ProblemNoTaxItem = "no_tax_item"
	// ProblemTaxItemNotZero: the most common tax item is not 0 % (Item, Rate).
	ProblemTaxItemNotZero = "tax_item_not_zero"
	// ProblemMultiCurrency: the company file has multi-currency on.
	ProblemMultiCurrency = "multi_currency"
	// ProblemBadMode: a mode is neither detail nor summary (Mode, Value).
	ProblemBadMode = "bad_mode"
	// ProblemBadStartDate: the start date is not a date (Date).
	ProblemBadStartDate = "bad_start_date"
	// ProblemNoStartDate: no start date is chosen.
	ProblemNoStartDate = "no_start_date"
	// ProblemBadSchedule: the schedule is neither manual nor daily HH:MM (Schedule).
	ProblemBadSchedule = "bad_schedule"
	// ProblemUnmapped: a category has no account (Category).
	ProblemUnmapped = "unmapped"
	// ProblemWrongAccountType: a category's account is of a type it may
	// not be booked to (Category, Account, Type, Allowed: types joined by ", ").
	ProblemWrongAccountType = "wrong_account_type"
	// ProblemInactiveAccount: a category's account is inactive (Category, Account).
	ProblemInactiveAccount = "inactive_account"
	// ProblemTooManyNames: the plan would take a Pro or Premier file past
	// its name limit (Edition, Limit, Existing, Adding, Total); its fix is
	// summary customers and vendors.
	ProblemTooManyNames = "too_many_names"
	// ProblemTooManyNamesInSummary: the same with customers and vendors in
	// summary already; the fix is in QuickBooks.
	ProblemTooManyNamesInSummary = "too_many_names_in_summary"
	// ProblemTooManyItems: the plan would pass the item limit (Edition,
	// Limit, Existing, Adding, Total); its fix is summary inventory.
	ProblemTooManyItems = "too_many_items"
	// ProblemTooManyItemsInSummary: the same with inventory in summary already.
	ProblemTooManyItemsInSummary = "too_many_items_in_summary"
	// ProblemTrialRun: the start's dry read and plan failed for another
	// reason; Text (and Args Reason) is that failure.
	ProblemTrialRun = "trial_run"
	// ProblemOther: a problem without a code of its own (Text says it),
	// such as one stored before problems had codes.
	ProblemOther = "other"
)

// StartProblemCodes lists every code, for the doors that must word each one.
func StartProblemCodes() []string {
	return []string{
		ProblemNoPreflight, ProblemQueryFailed, ProblemNoPreferences, ProblemSalesTaxOff, ProblemNoTaxItem,
		ProblemTaxItemNotZero, ProblemMultiCurrency, ProblemBadMode, ProblemBadStartDate, ProblemNoStartDate,
		ProblemBadSchedule, ProblemUnmapped, ProblemWrongAccountType, ProblemInactiveAccount,
		ProblemTooManyNames, ProblemTooManyNamesInSummary, ProblemTooManyItems, ProblemTooManyItemsInSummary,
		ProblemTrialRun, ProblemOther,
	}
}

// NewStartProblem builds a problem; args are name, value pairs.
func NewStartProblem(code string, area StartArea, text string, args ...string) StartProblem {
	p := StartProblem{Code: code, Area: area, Text: text}
	if len(args) > 0 {
		p.Args = make(map[string]string, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			p.Args[args[i]] = args[i+1]
		}
	}
	return p
}

// NoPreflightProblem is what stops the start before the Web Connector's
// first visit (its text is NoPreflight).
func NoPreflightProblem() StartProblem {
	return NewStartProblem(ProblemNoPreflight, AreaQuickBooks, NoPreflight)
}

// StartProblemError is an error that is one start problem, such as the
// planner's refusal of a plan past the list limits: the start's trial run
// finds it with errors.As and reports the problem with its code. It has no
// error code of its own: outside the start it is a sync's failure.
type StartProblemError struct{ Problem StartProblem }

func (e *StartProblemError) Error() string { return e.Problem.Text }

// StartRefusedError lists what stops the start, each with what to do. Its
// code is ERefused.
type StartRefusedError struct {
	Problems []StartProblem
	// Err is the failure of the start's trial run, when that is the reason.
	Err error
}

func (e *StartRefusedError) Error() string {
	return "cannot start yet:\n  - " + strings.Join(e.Texts(), "\n  - ")
}

// Texts are the problems in English, one line each.
func (e *StartRefusedError) Texts() []string { return StartProblemTexts(e.Problems) }

// StartProblemTexts are problems in English, one line each.
func StartProblemTexts(ps []StartProblem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Text
	}
	return out
}

func (e *StartRefusedError) Unwrap() error { return e.Err }

// ErrorCode makes a refused start ERefused whatever its cause.
func (e *StartRefusedError) ErrorCode() string { return ERefused }

// Account is one account of the company file as the preflight read it.
type Account struct {
	FullName string `json:"fullName"`
	// Type is the qbXML AccountType ("Income", "OtherCurrentLiability", …).
	Type string `json:"type"`
	// Inactive accounts exist (their name is taken) but cannot be posted to.
	Inactive bool `json:"inactive,omitempty"`
}

// MappingProblem checks the account mapped to c against the company's
// accounts (by full name, case-insensitively as QuickBooks compares). An
// account the company does not have is no problem: shopqb creates it with
// an allowed type. The setup pages, the admin API and the command line all
// refuse by this rule.
func MappingProblem(c Category, account string, accounts map[string]Account) *StartProblem {
	a, ok := accounts[strings.ToLower(strings.TrimSpace(account))]
	if !ok || account == "" {
		return nil
	}
	if !AccountTypeAllowed(c, a.Type) {
		allowed := strings.Join(AllowedAccountTypes(c), ", ")
		p := NewStartProblem(ProblemWrongAccountType, AreaMapping,
			fmt.Sprintf("%s is mapped to %q (type %s); it needs an account of type %s", c, a.FullName, a.Type, allowed),
			"Category", string(c), "Account", a.FullName, "Type", a.Type, "Allowed", allowed)
		return &p
	}
	if a.Inactive {
		p := NewStartProblem(ProblemInactiveAccount, AreaMapping,
			fmt.Sprintf("%s is mapped to %q, which is inactive in QuickBooks: make it active or choose another account", c, a.FullName),
			"Category", string(c), "Account", a.FullName)
		return &p
	}
	return nil
}

// AccountIndex indexes accounts by lower-cased full name, for MappingProblem.
func AccountIndex(accounts []Account) map[string]Account {
	idx := make(map[string]Account, len(accounts))
	for _, a := range accounts {
		idx[strings.ToLower(a.FullName)] = a
	}
	return idx
}

// RequiredCategories are the categories that must have an account before
// the start: every one of Categories except SalesTaxPayable, which books to
// QuickBooks' own sales tax items (their agency's liability account), and
// InventoryAdjustment, which nothing posts to yet.
func RequiredCategories() []Category {
	var out []Category
	for _, c := range Categories() {
		if c != SalesTaxPayable && c != InventoryAdjustment {
			out = append(out, c)
		}
	}
	return out
}
