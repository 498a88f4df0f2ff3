package corpus

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Passage sizes, in words.
const (
	MinPassageWords = 40
	MaxPassageWords = 120
)

// HeadingPrefix marks a heading line in Document.Body.
const HeadingPrefix = "## "

// MaxPassageBytes bounds a passage however its text is written: a
// paragraph of one endless sentence, or of one word, is cut into pieces of
// at most this size, so that indexing and answering cost grows with the
// corpus, not with the square of a paragraph.
const MaxPassageBytes = 2048

// splitLong cuts span s of text into pieces of at most MaxPassageWords
// words and MaxPassageBytes bytes, between words where it can and between
// characters where it cannot.
func splitLong(text string, s Span) []Span {
	if s.End-s.Start <= MaxPassageBytes && CountWords(text[s.Start:s.End]) <= MaxPassageWords {
		return []Span{s}
	}
	isSpace := func(b byte) bool { return b == ' ' || b == '\n' || b == '\t' }
	var out []Span
	for start := s.Start; start < s.End; {
		end := min(s.End, start+MaxPassageBytes)
		words, inWord, wordCut := 0, false, false
		for i := start; i < end; i++ {
			space := isSpace(text[i])
			if !space && !inWord {
				if words++; words > MaxPassageWords {
					end, wordCut = i, true
					break
				}
			}
			inWord = !space
		}
		if !wordCut && end < s.End && !isSpace(text[end]) {
			// The cut falls inside a word: back up to the last space, or,
			// with none in reach, to a character boundary.
			if j := strings.LastIndexAny(text[start:end], " \n\t"); j > 0 {
				end = start + j
			} else {
				for end > start && !utf8.RuneStart(text[end]) {
					end--
				}
			}
		}
		if end <= start { // a character longer than the limit cannot be: move on by one
			_, n := utf8.DecodeRuneInString(text[start:])
			end = start + n
		}
		if p := trimSpan(text, Span{start, end}); p.End > p.Start {
			out = append(out, p)
		}
		start = end
	}
	return out
}

// Paragraph is one block of a Document body.
type Paragraph struct {
	Span
	Heading bool
}

// Paragraphs returns the blocks of a body: runs of text separated by blank
// lines, with "## " lines as headings of their own.
func Paragraphs(body string) []Paragraph {
	var out []Paragraph
	start := -1
	flush := func(end int) {
		if start >= 0 {
			s := trimSpan(body, Span{start, end})
			if s.End > s.Start {
				out = append(out, Paragraph{Span: s})
			}
		}
		start = -1
	}
	for pos := 0; pos < len(body); {
		nl := strings.IndexByte(body[pos:], '\n')
		lineEnd := len(body)
		if nl >= 0 {
			lineEnd = pos + nl
		}
		line := strings.TrimSpace(body[pos:lineEnd])
		switch {
		case line == "":
			flush(pos)
		case strings.HasPrefix(line, HeadingPrefix):
			flush(pos)
			s := trimSpan(body, Span{pos, lineEnd})
			out = append(out, Paragraph{Span: s, Heading: true})
		default:
			if start < 0 {
				start = pos
			}
		}
		pos = lineEnd + 1
	}
	flush(len(body))
	return out
}

// CountWords counts words the way passage sizes are measured: runs of
// letters or digits, with each two Chinese characters counted as one word.
func CountWords(s string) int {
	words, han, in := 0, 0, false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			in = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !in {
				words++
			}
			in = true
		case r == '\'' || r == '’' || r == '-' || r == '.' || r == ',':
			// inside a word: don't, brain-computer, 2.5, 1,935
		default:
			in = false
		}
	}
	return words + (han+1)/2
}

// SplitPassages cuts a document into passages. An FAQ entry is one passage.
// An article is cut at headings, then packs whole paragraphs into passages of
// MinPassageWords to MaxPassageWords words, cutting long paragraphs between
// sentences.
func SplitPassages(doc *Document) []Passage {
	var out []Passage
	add := func(heading string, s Span) {
		p := Passage{
			ID: doc.ID + "#p" + strconv.Itoa(len(out)), DocID: doc.ID, Kind: doc.Kind,
			Title: doc.Title, Heading: heading, Question: doc.Question,
			URL: doc.URL, Source: doc.Source, Published: doc.Published,
			Sectors: doc.Sectors, Companies: doc.Companies, Policies: doc.Policies,
			Position: len(out), Start: s.Start, End: s.End, Text: doc.Body[s.Start:s.End],
		}
		out = append(out, p)
	}
	// An FAQ answer is one passage, unless it is too long for one: then it
	// is cut like an article, each piece keeping the question.
	if doc.Kind == KindFAQ && len(doc.Body) <= MaxPassageBytes {
		s := trimSpan(doc.Body, Span{0, len(doc.Body)})
		if s.End > s.Start || doc.Question != "" {
			add("", s)
		}
		return out
	}
	heading := ""
	cur, curWords := Span{-1, -1}, 0
	flush := func() {
		if cur.Start >= 0 {
			add(heading, cur)
		}
		cur, curWords = Span{-1, -1}, 0
	}
	extend := func(s Span, words int) {
		if cur.Start < 0 {
			cur.Start = s.Start
		}
		cur.End = s.End
		curWords += words
	}
	for _, p := range Paragraphs(doc.Body) {
		if p.Heading {
			flush()
			heading = clip(strings.TrimSpace(strings.TrimPrefix(doc.Body[p.Start:p.End], strings.TrimSpace(HeadingPrefix))), MaxTitleBytes)
			continue
		}
		words := CountWords(doc.Body[p.Start:p.End])
		fits := func(from, words int) bool { return words <= MaxPassageWords && p.End-from <= MaxPassageBytes }
		from := p.Start
		if cur.Start >= 0 {
			from = cur.Start
		}
		if fits(from, curWords+words) {
			extend(p.Span, words)
			continue
		}
		if curWords >= MinPassageWords {
			flush()
			if fits(p.Start, words) {
				extend(p.Span, words)
				continue
			}
		}
		// Too long to take whole: go sentence by sentence, and cut a
		// sentence too long for a passage between words, or between
		// characters when it has no spaces.
		for _, s := range SplitSentences(doc.Body[p.Start:p.End]) {
			for _, s := range splitLong(doc.Body, Span{s.Start + p.Start, s.End + p.Start}) {
				w := CountWords(doc.Body[s.Start:s.End])
				if cur.Start >= 0 && (curWords+w > MaxPassageWords && curWords >= MinPassageWords || s.End-cur.Start > MaxPassageBytes) {
					flush()
				}
				extend(s, w)
			}
		}
	}
	flush()
	return out
}
