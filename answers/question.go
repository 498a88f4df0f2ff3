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

// Type is the kind of answer a question expects.
type Type string

// Answer types.
const (
	TypeName       Type = "name"       // who, which company
	TypeNumber     Type = "number"     // how many, what share
	TypeDate       Type = "date"       // when, what year
	TypeDefinition Type = "definition" // what is
	TypeList       Type = "list"       // which sectors, list the
	TypeReason     Type = "reason"     // why, how does
	TypeOther      Type = "other"
)

// MaxQuestionBytes bounds the text searched for one question.
const MaxQuestionBytes = 600

// Question is a question taken apart.
type Question struct {
	Raw string
	// Search is the text sent to the index: the question with its question
	// words removed and entity aliases replaced by canonical names.
	Search   string
	Type     Type
	Mentions []corpus.Mention
	// EntitySpans are where the canonical entity names sit in Search.
	EntitySpans []EntitySpan
}

// EntitySpan places an entity's canonical name inside Question.Search.
type EntitySpan struct {
	Entity *corpus.Entity
	corpus.Span
}

var typeRules = []struct {
	re *regexp.Regexp
	t  Type
}{
	{regexp.MustCompile(`(?i)^(how (many|much|large|big|long|far)|what (share|percentage|proportion|per ?cent|fraction|number|amount))\b`), TypeNumber},
	{regexp.MustCompile(`(?i)^(when|since when|what (year|date|month|time)|which (year|date|month)|in what year)\b`), TypeDate},
	{regexp.MustCompile(`(?i)^(list|name (the|all)|enumerate)\b`), TypeList},
	{regexp.MustCompile(`(?i)^(who|whom|whose|which (company|firm|city|country|person|group|studio|ministry|one)|what (company|firm|city|country|studio|ministry))\b`), TypeName},
	{regexp.MustCompile(`(?i)^(why|how (does|do|did|is|are|can|will))\b`), TypeReason},
	{regexp.MustCompile(`(?i)^(what(’s|'s| is| are| was| were| does .* (mean|do)\b)|define|meaning of|explain)`), TypeDefinition},
}

// listQuestion matches "which sectors", "what target areas", "what are the
// companies": a which/what question about a plural noun.
var listQuestion = regexp.MustCompile(`(?i)^(which|what)( are| were)?( the)?( \w+)? (\w+)\b`)

var notPlural = map[string]bool{"is": true, "was": true, "does": true, "has": true, "this": true, "its": true,
	"his": true, "as": true, "us": true, "plus": true, "status": true, "focus": true, "news": true, "less": true,
	"process": true, "business": true, "analysis": true, "basis": true, "kinds": false}

func isListQuestion(lead string) bool {
	m := listQuestion.FindStringSubmatch(lead)
	if m == nil {
		return false
	}
	for _, w := range []string{strings.TrimSpace(m[4]), m[5]} {
		w = strings.ToLower(w)
		if len(w) > 3 && (strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss")) && !notPlural[w] {
			return true
		}
	}
	return false
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
	q := Question{Raw: raw, Type: TypeOther}
	lead := strings.TrimLeft(raw, `"'“‘¿¡([ `)
	for _, r := range typeRules {
		if r.re.MatchString(lead) {
			q.Type = r.t
			break
		}
	}
	if (q.Type == TypeDefinition || q.Type == TypeOther || q.Type == TypeName) && isListQuestion(lead) {
		q.Type = TypeList
	}
	if m != nil {
		q.Mentions = m.Find(raw)
	}
	// Replace each entity alias by its canonical name, which is what the
	// sources use most, and remember where the names went.
	var b strings.Builder
	pos := 0
	for _, men := range sortedMentions(q.Mentions) {
		if men.Start < pos {
			continue
		}
		b.WriteString(raw[pos:men.Start])
		start := b.Len()
		b.WriteString(men.Entity.Name)
		q.EntitySpans = append(q.EntitySpans, EntitySpan{Entity: men.Entity, Span: corpus.Span{Start: start, End: b.Len()}})
		pos = men.End
	}
	b.WriteString(raw[pos:])
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
