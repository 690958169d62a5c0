package qbxml

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
	if printableLatin1(s) {
		// Nearly every name and title: composed already (no Latin-1
		// character composes with another), no Hangul, Cyrillic or Greek,
		// nothing to fold or drop, so each step below would copy s as it is.
		return s
	}
	return toLatin1Slow(s)
}

// toLatin1Slow is toLatin1 step by step.
func toLatin1Slow(s string) string {
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

func collapseSpace(s string) string {
	if spacedOnce(s) {
		return s // what Fields and Join would rebuild
	}
	return strings.Join(strings.Fields(s), " ")
}

// printableLatin1 reports whether s is valid UTF-8 of printable ISO-8859-1
// characters only: no controls (C0, DEL, C1) and no soft hyphen, the
// characters toLatin1 drops or turns into spaces.
func printableLatin1(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0xA0 || r > 0xFF || r == 0xAD { // a C1 control, beyond Latin-1, or bad UTF-8
			return false
		}
		i += size
	}
	return true
}

// spacedOnce reports whether s has no white space but single ASCII spaces
// between words, so collapseSpace would give s back.
func spacedOnce(s string) bool {
	afterSpace := true // a leading space is collapsed
	for _, r := range s {
		if r == ' ' {
			if afterSpace {
				return false
			}
			afterSpace = true
			continue
		}
		if r < utf8.RuneSelf && r > ' ' || !unicode.IsSpace(r) {
			afterSpace = false
			continue
		}
		return false
	}
	return s == "" || !afterSpace
}

// truncate cuts s to at most max characters without leaving a trailing
// space or separator.
func truncate(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
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
	if printableLatin1(s) {
		return false // composing Latin-1 gives Latin-1
	}
	return lostLettersSlow(s)
}

// lostLettersSlow is lostLetters rune by rune.
func lostLettersSlow(s string) bool {
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
