package qbxml

import (
	"strings"
	"unicode/utf8"
)

// Revised Romanization of Korean (the South Korean standard, 2000), applied
// syllable by syllable. QuickBooks Desktop US stores only ISO-8859-1, so a
// Korean customer name would otherwise arrive as "???". Sound changes between
// syllables are not transcribed, which is what the standard prescribes for
// personal names (한복남 → Han Boknam).
//
// A precomposed Hangul syllable is 0xAC00 + (initial*21 + vowel)*28 + final.
const (
	hangulFirst = 0xAC00
	hangulLast  = 0xD7A3
)

var (
	rrInitials = [19]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	rrVowels   = [21]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	// Finals are written as pronounced at the end of a syllable, where only
	// seven consonant sounds exist (k, n, t, l, m, p, ng).
	rrFinals = [28]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l",
		"m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

// koreanSurnames holds common one-syllable family names and the two-syllable
// ones, so a name written without spaces (김민준) can be split into family and
// given name the way it is romanised ("Gim Minjun").
var koreanSurnames = map[string]bool{}

func init() {
	for _, s := range strings.Fields("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 남 " +
		"심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 " +
		"왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 가 복 태 목 형 계 피 두 감 음 빈 동 온 호 범 좌 팽 승 " +
		"남궁 황보 제갈 선우 독고 사공 서문 동방 어금 망절") {
		koreanSurnames[s] = true
	}
}

func isHangulSyllable(r rune) bool { return r >= hangulFirst && r <= hangulLast }

// romanizeSyllable returns the lower-case romanisation of one Hangul syllable.
func romanizeSyllable(r rune) string {
	i := int(r - hangulFirst)
	return rrInitials[i/(21*28)] + rrVowels[(i/28)%21] + rrFinals[i%28]
}

// romanizeHangulRun romanises a run of consecutive Hangul syllables as one
// word. When asName is set and the run looks like a full Korean personal name
// written without spaces (three syllables after a one-syllable family name,
// or a two-syllable family name plus one or two), it is split into family
// and given name the way names are romanised: 김민준 → "Gim Minjun".
func romanizeHangulRun(run []rune, asName bool) string {
	split := 0
	if asName {
		switch n := len(run); {
		case n >= 3 && n <= 4 && koreanSurnames[string(run[:2])]:
			split = 2
		case n == 3 && koreanSurnames[string(run[:1])]:
			split = 1
		}
	}
	var b strings.Builder
	for i, r := range run {
		if i == split && split > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(romanizeSyllable(r))
	}
	return capitalizeWords(b.String())
}

func capitalizeWords(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if w == "" {
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		words[i] = strings.ToUpper(string(r)) + w[size:]
	}
	return strings.Join(words, " ")
}

// RomanizeKorean replaces every run of Hangul syllables in s by its Revised
// Romanization and leaves everything else as it is. A text holding a single
// Hangul word is taken to be a personal name and split into family and given
// name when it looks like one.
func RomanizeKorean(s string) string {
	runs := 0
	inRun := false
	for _, r := range s {
		if isHangulSyllable(r) && !inRun {
			runs++
		}
		inRun = isHangulSyllable(r)
	}
	if runs == 0 {
		return s
	}
	asName := runs == 1
	var b strings.Builder
	var run []rune
	flush := func(next rune) {
		if len(run) == 0 {
			return
		}
		b.WriteString(romanizeHangulRun(run, asName))
		run = run[:0]
		// Keep the romanised word apart from letters that follow it directly.
		if next != 0 && next != ' ' && !isHangulSyllable(next) && isLetterOrDigit(next) {
			b.WriteByte(' ')
		}
	}
	prevLetter := false
	for _, r := range s {
		if isHangulSyllable(r) {
			if len(run) == 0 && prevLetter {
				b.WriteByte(' ')
			}
			run = append(run, r)
			continue
		}
		flush(r)
		b.WriteRune(r)
		prevLetter = isLetterOrDigit(r)
	}
	flush(0)
	return b.String()
}
