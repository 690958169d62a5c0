package qbxml

import "testing"

func TestClassifyStatusCodes(t *testing.T) {
	want := map[int]Kind{
		0: OK, 1: NotFound, 500: NotFound, 501: Permanent, 510: Permanent, 530: OK, 531: OK, 550: OK, 560: OK, 570: OK,
		600: NotFound, 1000: RetryLater, 1010: RetryLater, 1030: Permanent, 1060: Permanent,
		3000: Requery, 3010: Permanent, 3020: Permanent, 3030: Permanent, 3031: Permanent, 3035: Permanent, 3070: Permanent,
		3100: LinkExisting, 3120: NotFound, 3140: MerchantFix, 3150: Permanent, 3170: RetryLater, 3171: MerchantFix,
		3175: RetryLater, 3176: RetryLater, 3180: RetryLater, 3200: Requery, 3210: MerchantFix, 3231: RetryLater,
		3250: MerchantFix, 3260: MerchantFix, 3261: MerchantFix, 3290: Permanent,
		// Ranges without an entry of their own.
		42: OK, 777: OK, 1999: Permanent, 2500: Permanent, 3099: Permanent, 9100: Permanent, 9199: Permanent, 5000: Permanent,
	}
	for code, kind := range want {
		c := Classify(code)
		if c.Kind != kind {
			t.Errorf("Classify(%d) = %s, want %s", code, c.Kind, kind)
		}
		if c.Message == "" {
			t.Errorf("Classify(%d) has no message", code)
		}
		if c.Kind != OK && c.Kind != NotFound && c.Fix == "" {
			t.Errorf("Classify(%d) is %s but has no fix", code, c.Kind)
		}
	}
	// Every code in the table is covered above, so a new entry needs a test.
	for code := range statusClasses {
		if _, ok := want[code]; !ok {
			t.Errorf("status %d is classified but not tested", code)
		}
	}
	if Classify(3200).Code != "3200" || !Classify(3170).Retryable() || Classify(3100).Retryable() {
		t.Error("Code/Retryable wrong")
	}
}

func TestClassifyStatusUsesMessageForLocks(t *testing.T) {
	cases := []struct {
		code int
		msg  string
		want Kind
	}{
		{3180, "There was an error when saving a SalesReceipt. QuickBooks error message: The internals could not be locked", RetryLater},
		{3180, "There was an error when saving a Customers list, element \"Acme\". QuickBooks error message: This list has been modified by another user.", RetryLater},
		{3175, "There was an error when modifying a Customer. QuickBooks error message: Failed to acquire the lock.", RetryLater},
		{3180, "There was an error when saving an Invoice. QuickBooks error message: Transaction would exceed the customer's credit limit", MerchantFix},
		{3100, "The name \"Acme\" of the list element is already in use.", LinkExisting},
	}
	for _, c := range cases {
		got := ClassifyStatus(c.code, c.msg)
		if got.Kind != c.want {
			t.Errorf("ClassifyStatus(%d, %q) = %s, want %s", c.code, c.msg, got.Kind, c.want)
		}
	}
}

func TestClassifyHRESULT(t *testing.T) {
	want := map[string]Kind{
		"0x80040400": Permanent, "0x80040401": RetryLater, "0x80040402": RetryLater, "0x80040403": MerchantFix,
		"0x80040408": MerchantFix, "0x80040409": MerchantFix, "0x8004040A": MerchantFix, "0x8004040D": RetryLater,
		"0x80040410": MerchantFix, "0x80040414": MerchantFix, "0x80040416": MerchantFix, "0x80040418": MerchantFix,
		"0x8004041A": MerchantFix, "0x8004041D": MerchantFix, "0x80040420": MerchantFix, "0x80040422": MerchantFix,
		"0x80040424": RetryLater, "SDK_E_APP_NOT_SUPPORTED_IN_READONLY_MODE": MerchantFix,
		"QBWC1010": MerchantFix, "QBWC1012": MerchantFix, "QBWC1013": RetryLater, "QBWC1030": MerchantFix,
		"QBWC1033": MerchantFix, "QBWC1039": MerchantFix, "QBWC1040": MerchantFix, "QBWC1042": RetryLater,
		"QBWC1048": MerchantFix, "QBWC1051": MerchantFix, "QBWC1085": MerchantFix,
	}
	for h, kind := range want {
		c := ClassifyHRESULT(h)
		if c.Kind != kind || c.Code != h || c.Message == "" || c.Fix == "" {
			t.Errorf("ClassifyHRESULT(%q) = %+v, want kind %s", h, c, kind)
		}
	}
	for h := range hresultClasses {
		if _, ok := want[h]; !ok {
			t.Errorf("%s is classified but not tested", h)
		}
	}
	// The same HRESULT arrives in several spellings.
	for _, h := range []string{"0x80040400", "0X80040400", "80040400", " 0x80040400 ", "-2147220480", "2147746816"} {
		if c := ClassifyHRESULT(h); c.Code != "0x80040400" || c.Kind != Permanent {
			t.Errorf("ClassifyHRESULT(%q) = %+v", h, c)
		}
	}
	if c := ClassifyHRESULT("qbwc1012"); c.Code != "QBWC1012" {
		t.Errorf("lower-case QBWC code = %+v", c)
	}
	if c := ClassifyHRESULT("0x8004ABCD"); c.Kind != RetryLater || c.Code != "0x8004ABCD" || c.Fix == "" {
		t.Errorf("unknown HRESULT = %+v", c)
	}
}
