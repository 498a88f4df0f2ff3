// Package answers turns a question into a short answer quoted from the
// corpus, with numbered citations, or says that the sources do not cover it.
// It knows neither Bleve nor Discord: it asks a Searcher.
package answers

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"futurebot/corpus"
)

// MaxQuestionBytes bounds the text searched for one question.
const MaxQuestionBytes = 600

// Question is a question taken apart.
type Question struct {
	Raw string
	// Search is the text sent to the index: the question with its question
	// words removed and entity aliases replaced by canonical names.
	Search string
	// Type is what the question asks for; Types adds a second thing when
	// it asks two ("who coined it, and when?"). Unit narrows a number.
	Type     Type
	Types    []Type
	Unit     Unit
	Mentions []corpus.Mention
	// EntitySpans are where the canonical entity names sit in Search.
	EntitySpans []EntitySpan
}

// EntitySpan places an entity's canonical name inside Question.Search.
type EntitySpan struct {
	Entity *corpus.Entity
	corpus.Span
}

// Words that ask but carry no content; the index drops English stop words
// itself, these are the question words it keeps.
var questionWords = regexp.MustCompile(`(?i)\b(how many|how much|tell me( about)?|please|can you|could you|do you know|explain|describe|list|define|meaning of)\b`)

// Analyze takes a question apart: answer type, entity mentions, and the
// search text.
func Analyze(raw string, m *corpus.Matcher) Question {
	raw = strings.ToValidUTF8(raw, " ")
	if len(raw) > MaxQuestionBytes {
		cut := MaxQuestionBytes
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut]
	}
	raw = strings.Join(strings.Fields(raw), " ")
	q := Question{Raw: raw}
	text := chatWords(raw)
	q.Types, q.Unit = classify(text)
	q.Type = q.Types[0]
	if m != nil {
		q.Mentions = m.Find(text)
	}
	// Replace each entity alias by its canonical name, which is what the
	// sources use most, and remember where the names went.
	var b strings.Builder
	pos := 0
	for _, men := range sortedMentions(q.Mentions) {
		if men.Start < pos {
			continue
		}
		b.WriteString(text[pos:men.Start])
		start := b.Len()
		b.WriteString(men.Entity.Name)
		q.EntitySpans = append(q.EntitySpans, EntitySpan{Entity: men.Entity, Span: corpus.Span{Start: start, End: b.Len()}})
		pos = men.End
	}
	b.WriteString(text[pos:])
	q.Search = b.String()
	// Blank out question words without moving the entity spans.
	q.Search = questionWords.ReplaceAllStringFunc(q.Search, func(s string) string { return strings.Repeat(" ", len(s)) })
	return q
}

func sortedMentions(ms []corpus.Mention) []corpus.Mention {
	out := append([]corpus.Mention(nil), ms...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && (out[j].Start < out[j-1].Start || out[j].Start == out[j-1].Start && out[j].End > out[j-1].End); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// chatSpellings are the short forms members type in chat, spelt out so the
// question words and terms are recognised.
var chatSpellings = map[string]string{"wat": "what", "wot": "what", "wut": "what", "wats": "what is", "whats": "what is",
	"wich": "which", "whih": "which", "wen": "when", "wher": "where", "hw": "how", "r": "are", "u": "you", "ur": "your",
	"n": "and", "pls": "please", "plz": "please", "yr": "year", "yrs": "years", "govt": "government", "gov": "government",
	"ppl": "people", "bc": "because", "cuz": "because", "abt": "about", "info": "information", "w/": "with", "thx": "thanks",
	"co": "company", "cos": "companies", "rn": "now"}

// chatWords spells out chat short forms, word by word, keeping the rest of
// the text as it is.
func chatWords(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		j := i
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] == '/') {
			j++
		}
		if j == i {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		w := s[i:j]
		if full, ok := chatSpellings[strings.ToLower(w)]; ok && (j == len(s) || strings.IndexByte(" ,.?!;:", s[j]) >= 0) {
			w = full
		}
		b.WriteString(w)
		i = j
	}
	return b.String()
}
