package qbxml

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanName(t *testing.T) {
	cases := []struct {
		in, ref string
		max     int
		want    string
	}{
		{"김민준", "Customer 1042", 41, "Gim Minjun"},
		{"이서연", "Customer 1", 41, "I Seoyeon"},
		{"최지우", "Customer 1", 41, "Choe Jiu"},
		{"한복남", "Customer 1", 41, "Han Boknam"},
		{"남궁민수", "Customer 1", 41, "Namgung Minsu"},
		{"민준 김", "Customer 1", 41, "Minjun Gim"},
		{"박지훈 Park", "Customer 1", 41, "Bak Jihun Park"},
		{"서울상사 가게", "Customer 1", 41, "Seoulsangsa Gage"}, // several words: not split as a name
		{"José Müller", "Customer 1", 41, "José Müller"},
		{"Jose\u0301 Mu\u0308ller", "Customer 1", 41, "José Müller"}, // decomposed accents recombine
		{"Łukasz Żółw", "Customer 1", 41, "Lukasz Zólw"},
		{"Nguyễn Văn Đức", "Customer 1", 41, "Nguyên Van Dúc"},
		{"Ａｃｍｅ Ｃｏｒｐ", "Customer 1", 41, "Acme Corp"},
		{"O’Brien – Sons", "Customer 1", 41, "O'Brien - Sons"},
		{"李小龙", "Customer 1042", 41, "Customer 1042"},
		{"王芳", "1042", 41, "Shopify 1042"},
		{"🎉🛍️", "Customer 77", 41, "Customer 77"},
		{"Wang 李小龙", "Customer 1042", 41, "Wang (Customer 1042)"},
		{"Anna Wang-Featherstonehaugh 李小龙", "Customer 1042", 41, "Anna Wang-Featherstonehau (Customer 1042)"},
		{"Sara مریم", "7", 41, "Sara (Shopify 7)"},
		{"Anna 🎉 Smith", "Customer 1", 41, "Anna Smith"},
		{"Anna🎉Smith 👩‍👩‍👧", "Customer 1", 41, "Anna Smith"},
		{"Café ☕️ Ünïcode", "Customer 1", 41, "Café Ünïcode"},
		{"Иван Иванов", "Customer 9", 41, "Ivan Ivanov"},
		{"ЖУКОВ Щука", "Customer 9", 41, "ZHUKOV Shchuka"},
		{"Олександр Шевченко", "Customer 9", 41, "Oleksandr Shevchenko"},
		{"Γιώργος Παπαδόπουλος", "Customer 9", 41, "Giorgos Papadopoulos"},
		{"Acme: Wholesale: East", "Customer 1", 41, "Acme Wholesale East"},
		{"  tabs\tand\nnew\r\nlines  ", "Customer 1", 41, "tabs and new lines"},
		{"bell\x07char\x00", "Customer 1", 41, "bellchar"},
		{"Bartholomew Alexander Featherstonehaugh-Smythe III", "Customer 1", 41, "Bartholomew Alexander Featherstonehaugh-S"},
		{"Blue Mug - Extra Large / Navy / Matte Finish", "Item 1", 31, "Blue Mug - Extra Large / Navy"},
		{"", "Customer 5", 41, "Customer 5"},
		{"12345", "Customer 5", 41, "Customer 5"},
	}
	for _, c := range cases {
		got := CleanName(c.in, c.ref, c.max)
		if got != c.want {
			t.Errorf("CleanName(%q, %q, %d) = %q, want %q", c.in, c.ref, c.max, got, c.want)
		}
		assertStorable(t, got, c.max)
		if strings.Contains(got, ":") {
			t.Errorf("CleanName(%q) kept a colon: %q", c.in, got)
		}
	}
}

func TestCleanText(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"Shopify order #1001: 2 × Blue Mug", 4095, "Shopify order #1001: 2 × Blue Mug"},
		{"Gift for 김민준 🎁", 4095, "Gift for Gim Minjun"},
		{"Price €12", 4095, "Price EUR12"},
		{"日本語のメモ", 4095, ""},
		{"line1\nline2", 4095, "line1 line2"},
		{"abcdefghij", 5, "abcde"},
		{"abcd efghij", 5, "abcd"},
		{"ÿ", 1, "ÿ"},
		{"anything", 0, ""},
	}
	for _, c := range cases {
		got := CleanText(c.in, c.max)
		if got != c.want {
			t.Errorf("CleanText(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
		assertStorable(t, got, c.max)
	}
}

// assertStorable checks what QuickBooks US requires: Latin-1 only, no
// control characters, within the limit.
func assertStorable(t *testing.T, s string, max int) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n > max {
		t.Errorf("%q is %d characters, limit %d", s, n, max)
	}
	for _, r := range s {
		if r > 0xFF || r < 0x20 || (r >= 0x7F && r <= 0x9F) {
			t.Errorf("%q contains %U, which QuickBooks cannot store", s, r)
		}
	}
}

func TestRomanizeSyllables(t *testing.T) {
	// One syllable for every initial and vowel, plus each final sound.
	cases := map[string]string{
		"가": "ga", "까": "kka", "나": "na", "다": "da", "따": "tta", "라": "ra", "마": "ma", "바": "ba", "빠": "ppa",
		"사": "sa", "싸": "ssa", "아": "a", "자": "ja", "짜": "jja", "차": "cha", "카": "ka", "타": "ta", "파": "pa", "하": "ha",
		"개": "gae", "갸": "gya", "걔": "gyae", "거": "geo", "게": "ge", "겨": "gyeo", "계": "gye", "고": "go", "과": "gwa",
		"괘": "gwae", "괴": "goe", "교": "gyo", "구": "gu", "궈": "gwo", "궤": "gwe", "귀": "gwi", "규": "gyu", "그": "geu",
		"긔": "gui", "기": "gi",
		"각": "gak", "간": "gan", "갇": "gat", "갈": "gal", "감": "gam", "갑": "gap", "강": "gang", "갓": "gat", "갛": "gat",
		"닭": "dak", "값": "gap", "삶": "sam", "밖": "bak",
	}
	for in, want := range cases {
		if got := romanizeSyllable([]rune(in)[0]); got != want {
			t.Errorf("romanizeSyllable(%s) = %q, want %q", in, got, want)
		}
	}
}

// cleanTexts are texts for comparing the fast paths of CleanText and
// CleanName with their step-by-step rules.
func cleanTexts() []string {
	var out []string
	// Every character up to U+02FF (Latin-1, Latin Extended, combining
	// accents), alone, after a letter and around spaces.
	for r := rune(0); r < 0x300; r++ {
		c := string(r)
		out = append(out, c, "e"+c, c+"e", " "+c, c+" ", "a "+c+" b", "Zoë"+c+"Ärger")
	}
	for _, c := range []string{"\u00a0", "\u0085", "\u2028", "\u3000", "\t", "\n", "\r", "\v", "\f", "\x00",
		"\xff", "\xc3", "\xed\xa0\x80", "\u0301", "\u0308", "\uFFFD", "김", "Ж", "ο", "υ", "€", "’", "ﬁ", "🎉"} {
		out = append(out, c, "a"+c+"b", "é"+c, c+"é", "  "+c+"  ")
	}
	out = append(out, "", " ", "  ", "Ann Lee", " Ann Lee", "Ann Lee ", "Ann  Lee", "José Müller", "Jose\u0301",
		"Côté-Ø'Brien", "Björk Guðmundsdóttir", "Maximiliana Alexandrina Wolfeschlegelsteinhausen-Bergerdorff",
		"Mug / Navy / Large", "a:b", "µ ß ÿ ×÷", "Zoë Ärger", strings.Repeat("é", 50), strings.Repeat("ab ", 30))
	return out
}

// TestCleanFastPathsAgree checks each shortcut against the rule it skips:
// toLatin1, collapseSpace, truncate and lostLetters, and through them
// CleanText and CleanName, give what the step-by-step rules give.
func TestCleanFastPathsAgree(t *testing.T) {
	slowTruncate := func(s string, max int) string {
		if max <= 0 {
			return ""
		}
		r := []rune(s)
		if len(r) <= max {
			return s
		}
		return strings.TrimRight(string(r[:max]), " -/,;|&+")
	}
	fast := 0
	for _, s := range cleanTexts() {
		if got, want := toLatin1(s), toLatin1Slow(s); got != want {
			t.Errorf("toLatin1(%q) = %q, step by step %q", s, got, want)
		}
		if printableLatin1(s) {
			fast++
		}
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := lostLetters(s), lostLettersSlow(s); got != want {
			t.Errorf("lostLetters(%q) = %v, rune by rune %v", s, got, want)
		}
		for _, max := range []int{0, 1, 3, 11, 41} {
			if got, want := truncate(s, max), slowTruncate(s, max); got != want {
				t.Errorf("truncate(%q, %d) = %q, want %q", s, max, got, want)
			}
			if got, want := CleanText(s, max), slowTruncate(strings.Join(strings.Fields(toLatin1Slow(s)), " "), max); got != want {
				t.Errorf("CleanText(%q, %d) = %q, step by step %q", s, max, got, want)
			}
		}
	}
	if fast < 1000 {
		t.Errorf("only %d texts took the fast path", fast)
	}
}
