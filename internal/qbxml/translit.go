package qbxml

import (
	"strings"
	"unicode"
)

// Cyrillic and Greek have no Latin-1 decomposition, yet Shopify shops see
// plenty of Russian, Ukrainian, Bulgarian and Greek names. A simple
// letter-by-letter transliteration (close to the BGN/PCGN and ELOT 743
// conventions) keeps those names readable in QuickBooks instead of falling
// back to "Customer 1042".
var scriptTranslit = map[rune]string{
	// Cyrillic (Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian letters).
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya", 'є': "ye", 'і': "i", 'ї': "yi", 'ґ': "g", 'ў': "u", 'ђ': "dj", 'ј': "j",
	'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	// Greek.
	'α': "a", 'β': "v", 'γ': "g", 'δ': "d", 'ε': "e", 'ζ': "z", 'η': "i", 'θ': "th", 'ι': "i", 'κ': "k",
	'λ': "l", 'μ': "m", 'ν': "n", 'ξ': "x", 'ο': "o", 'π': "p", 'ρ': "r", 'σ': "s", 'ς': "s", 'τ': "t",
	'υ': "y", 'φ': "f", 'χ': "ch", 'ψ': "ps", 'ω': "o",
	'ά': "a", 'έ': "e", 'ή': "i", 'ί': "i", 'ό': "o", 'ύ': "y", 'ώ': "o", 'ϊ': "i", 'ϋ': "y", 'ΐ': "i", 'ΰ': "y",
}

// transliterateScripts rewrites the Cyrillic and Greek letters in s in
// Latin letters. Case follows the source: a capital starting a word gives
// "Zh", a capital inside an all-capital word gives "ZH". Greek "ου" is "ou".
func transliterateScripts(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		lower := unicode.ToLower(r)
		t, ok := scriptTranslit[lower]
		if !ok {
			b.WriteRune(r)
			continue
		}
		if lower == 'ο' && i+1 < len(rs) && (unicode.ToLower(rs[i+1]) == 'υ' || unicode.ToLower(rs[i+1]) == 'ύ') {
			t = "ou"
			i++
		}
		if lower != r && t != "" {
			prevUpper := i > 0 && unicode.IsUpper(rs[i-1])
			nextUpper := i+1 < len(rs) && unicode.IsUpper(rs[i+1])
			if prevUpper || nextUpper {
				t = strings.ToUpper(t)
			} else {
				t = strings.ToUpper(t[:1]) + t[1:]
			}
		}
		b.WriteString(t)
	}
	return b.String()
}
