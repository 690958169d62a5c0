package qbxml

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldExtra maps characters outside ISO-8859-1 that compatibility
// decomposition (NFKD) does not reduce to a Latin-1 base: typographic
// punctuation Shopify themes and POS keyboards produce, and Latin letters
// with a stroke rather than an accent.
var foldExtra = map[rune]string{
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '“': `"`, '”': `"`, '„': `"`, '″': `"`,
	'–': "-", '—': "-", '―': "-", '‐': "-", '‑': "-", '−': "-", '•': "*", '€': "EUR", '№': "No",
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Ħ': "H", 'ħ': "h", 'ı': "i", 'Œ': "OE", 'œ': "oe",
	'Ŧ': "T", 'ŧ': "t", 'ƒ': "f", 'Ŋ': "NG", 'ŋ': "ng", 'ĸ': "q", 'ſ': "s",
}

// CleanText returns s as text QuickBooks Desktop US can store: ISO-8859-1
// only (Hangul romanised, Cyrillic and Greek transliterated, other characters
// folded to a Latin-1 base where one exists and dropped otherwise), control
// characters and runs of whitespace reduced to single spaces, and at most max
// characters. The original text
// stays in shopqb's own database; this is only what QuickBooks receives.
func CleanText(s string, max int) string {
	return truncate(collapseSpace(toLatin1(s)), max)
}

// toLatin1 converts s to runes in U+0000–U+00FF with controls turned into spaces.
func toLatin1(s string) string {
	s = norm.NFC.String(s)
	s = RomanizeKorean(s)
	s = transliterateScripts(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r) || r == 0xAD: // C0, DEL, C1, soft hyphen
		case r <= 0xFF:
			b.WriteRune(r)
		default:
			if f, ok := foldExtra[r]; ok {
				b.WriteString(f)
				continue
			}
			f := foldToLatin1(r)
			if f == "" && !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
				// A dropped symbol or letter still separates the words around it ("Anna🎉Smith").
				f = " "
			}
			b.WriteString(f)
		}
	}
	return b.String()
}

// foldToLatin1 decomposes r (NFKD) and rebuilds it from its base letter
// plus those accents that still give a Latin-1 character, so "ễ" becomes
// "ê" rather than a bare "e" and "ﬁ" becomes "fi".
func foldToLatin1(r rune) string {
	var out []rune
	for _, d := range norm.NFKD.String(string(r)) {
		switch {
		case unicode.Is(unicode.Mn, d):
			if n := len(out); n > 0 {
				if c := []rune(norm.NFC.String(string(out[n-1]) + string(d))); len(c) == 1 && c[0] <= 0xFF {
					out[n-1] = c[0]
				}
			}
		case d <= 0xFF && !unicode.IsControl(d):
			out = append(out, d)
		default:
			if f, ok := foldExtra[d]; ok {
				out = append(out, []rune(f)...)
			}
		}
	}
	return string(out)
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// truncate cuts s to at most max characters without leaving a trailing
// space or separator.
func truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	// A cut name should not end in a dangling separator ("Mug / Navy /").
	return strings.TrimRight(string(r[:max]), " -/,;|&+")
}

// CleanName returns a QuickBooks list name: CleanText's rules, plus no ':'
// (QuickBooks' separator between a parent and its sub-entries). ref names the
// record in Shopify's terms ("Customer 1042"; a bare "1042" is read as
// "Shopify 1042"). When nothing readable is left (a name written only in a
// script with no Latin form, or only emoji) the name is ref; when some letters
// could not be written (a Latin name with Chinese characters), ref is added in
// parentheses so two such customers remain tellable apart. Uniqueness is
// the planner's job (internal/planner's name table).
func CleanName(s, ref string, max int) string {
	name := collapseSpace(strings.ReplaceAll(toLatin1(s), ":", " "))
	label := collapseSpace(strings.ReplaceAll(toLatin1(ref), ":", " "))
	if !hasLetter(label) {
		label = strings.TrimSpace("Shopify " + label)
	}
	if !hasLetter(name) {
		return truncate(label, max)
	}
	if lostLetters(s) {
		suffix := " (" + label + ")"
		if room := max - len([]rune(suffix)); room >= 3 {
			return truncate(name, room) + suffix
		}
	}
	return truncate(name, max)
}

// lostLetters reports whether s has letters that toLatin1 cannot write,
// such as Han or Arabic characters.
func lostLetters(s string) bool {
	for _, r := range norm.NFC.String(s) {
		if !unicode.IsLetter(r) || r <= 0xFF || isHangulSyllable(r) {
			continue
		}
		if _, ok := foldExtra[r]; ok {
			continue
		}
		if _, ok := scriptTranslit[unicode.ToLower(r)]; ok {
			continue
		}
		if foldToLatin1(r) == "" {
			return true
		}
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
