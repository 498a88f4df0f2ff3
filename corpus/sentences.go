package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) of some text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Abbreviations that end in a period but never end a sentence.
var titleAbbrevs = setOf("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "sen", "rep", "gov",
	"lt", "col", "capt", "sgt", "rev", "hon", "e.g", "i.e", "cf", "approx", "est", "dept", "univ",
	"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft")

// Abbreviations that never end a sentence when a number follows ("No. 193").
var numberAbbrevs = setOf("no", "nos", "vol", "vols", "pp", "p", "fig", "figs", "art", "ch", "sec", "op")

// Abbreviations that may end a sentence: they do only when the next word
// plainly starts one ("... in the U.S. The ...").
var maybeAbbrevs = setOf("inc", "ltd", "co", "corp", "plc", "bros", "etc", "vs", "al", "ave")

// Words that start sentences; after an ambiguous abbreviation they mark a boundary.
var sentenceStarters = setOf("the", "a", "an", "it", "its", "this", "that", "these", "those", "in", "on",
	"at", "but", "and", "however", "he", "she", "they", "we", "i", "you", "their", "his", "her", "as",
	"for", "according", "after", "before", "there", "what", "when", "while", "by", "since", "some",
	"many", "most", "meanwhile", "also", "other", "such", "both", "one", "if", "so", "then", "to", "with")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// closers may follow a sentence terminator and still belong to the sentence.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»', '」', '』', '）', '》', '*', '_':
		return true
	}
	return false
}

func isCJKTerminator(r rune) bool {
	return r == '。' || r == '！' || r == '？' || r == '…'
}

// SplitSentences splits text into sentences and returns their byte spans,
// trimmed of surrounding space. It knows common abbreviations (Dr., U.S.,
// No. 193), leaves decimals and thousands (2.5, 1,935.3) alone, keeps closing
// quotes with their sentence, splits after Chinese 。！？, and treats a blank
// line or a "## " heading line as a boundary.
func SplitSentences(text string) []Span {
	var spans []Span
	start := 0
	emit := func(end int) {
		s := trimSpan(text, Span{start, end})
		if s.End > s.Start {
			spans = append(spans, s)
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n':
			// A blank line or a heading line ends the sentence before it.
			j := i + 1
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
				j++
			}
			if j >= len(text) || text[j] == '\n' || strings.HasPrefix(text[j:], "## ") ||
				strings.HasPrefix(strings.TrimLeft(text[start:i], " \n"), "## ") {
				emit(i)
				i = j
				continue
			}
		case isCJKTerminator(r):
			end := skipClosers(text, i+size)
			emit(end)
			i = end
			continue
		case r == '.' || r == '!' || r == '?':
			end := i + size
			for end < len(text) && (text[end] == '.' || text[end] == '!' || text[end] == '?') {
				end++
			}
			end = skipClosers(text, end)
			if end < len(text) {
				next, _ := utf8.DecodeRuneInString(text[end:])
				if !unicode.IsSpace(next) {
					i = end
					continue // 2.5, U.S.A, example.com
				}
			}
			if r == '.' && (end == i+1 && !endsSentence(text, i, end) || startsLower(nextWord(text, end))) {
				i = end
				continue
			}
			emit(end)
			i = end
			continue
		}
		i += size
	}
	emit(len(text))
	return spans
}

func skipClosers(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isCloser(r) {
			break
		}
		i += size
	}
	return i
}

// endsSentence decides whether the single period at dot ends a sentence;
// after is the index just past the period and its closers.
func endsSentence(text string, dot, after int) bool {
	wordStart := dot
	for wordStart > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:wordStart])
		if unicode.IsSpace(r) || r == '(' || r == '"' || r == '“' || r == '\'' {
			break
		}
		wordStart -= size
	}
	word := text[wordStart:dot]
	lower := strings.ToLower(word)
	next := nextWord(text, after)
	nextRune, _ := utf8.DecodeRuneInString(next)
	if next == "" {
		return true
	}
	if unicode.IsLower(nextRune) {
		return false // "approx. five", "e.g. robots"
	}
	switch {
	case titleAbbrevs[lower]:
		return false
	case numberAbbrevs[lower]:
		return !unicode.IsDigit(nextRune)
	case maybeAbbrevs[lower] || isInitialism(word):
		return sentenceStarters[strings.ToLower(strings.TrimFunc(next, isPunctRune))]
	}
	return true
}

func startsLower(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLower(r)
}

func isPunctRune(r rune) bool { return unicode.IsPunct(r) }

// isInitialism matches "U.S", "U.K", "e.g" and single capitals such as "J".
func isInitialism(w string) bool {
	if len(w) == 1 {
		return unicode.IsUpper(rune(w[0]))
	}
	if len(w) < 3 {
		return false
	}
	for i, r := range w {
		if i%2 == 0 && !unicode.IsLetter(r) || i%2 == 1 && r != '.' {
			return false
		}
	}
	return true
}

func nextWord(text string, i int) string {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsSpace(r) && r != '"' && r != '“' && r != '\'' && r != '(' {
			break
		}
		i += size
	}
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += size
	}
	return text[i:j]
}

func trimSpan(text string, s Span) Span {
	for s.Start < s.End {
		r, size := utf8.DecodeRuneInString(text[s.Start:s.End])
		if !unicode.IsSpace(r) {
			break
		}
		s.Start += size
	}
	for s.End > s.Start {
		r, size := utf8.DecodeLastRuneInString(text[s.Start:s.End])
		if !unicode.IsSpace(r) {
			break
		}
		s.End -= size
	}
	return s
}
