package answers

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"futurebot/corpus"
)

// MaxTurns is how many earlier questions of a conversation FollowUp reads.
const MaxTurns = 5

// Follow-ups that name only a new subject: "what about Unitree?", "and
// BCI?", "how about for DeepSeek", "那宇树呢？".
var (
	ellipsisRe   = regexp.MustCompile(`(?i)^(?:(?:and|so|ok|okay|then)[ ,]+)?(?:(?:what|how) about|what of|and|same for|the same for)\s+(?:for\s+)?(.+?)[\s?？.!]*$`)
	ellipsisZhRe = regexp.MustCompile(`^(?:那么?|还有)?\s*(.+?)\s*呢\s*[?？]?$`)
)

// Words that stand for the earlier question's subject. Possessives become
// "Name's".
var (
	pronounRe   = regexp.MustCompile(`(?i)\b(it|its|they|them|their|he|she|him|his|her|(?:this|that|the) (?:company|firm|start-?up|plan|policy|sector|industry|technology|scheme|programme|program|one))\b`)
	pronounZhRe = regexp.MustCompile(`它们|他们|她们|它|他|她|该公司|这家公司|那家公司|该政策|这个政策|这项政策`)
)

var possessives = map[string]bool{"its": true, "their": true, "his": true, "her": true}

// maxBareWords is how many content words a follow-up without a subject of
// its own may have and still be read as being about the earlier subject
// ("who is the CEO?", "how many employees?"): a longer question says what
// it is about.
const maxBareWords = 3

// FollowUp reads a question asked in a conversation: earlier are the
// conversation's questions before it, as understood, oldest first. A
// question that leans on them — a pronoun ("when was it founded?"), only a
// new subject ("and Unitree?"), or no subject at all ("who is the CEO?") —
// is rewritten to stand alone with the earlier subject or question carried
// over; it returns the question as understood and whether that differs
// from what was asked. A question that names its own subject stands alone.
func (e *Engine) FollowUp(earlier []string, question string) (string, bool) {
	question = strings.Join(strings.Fields(question), " ")
	if len(earlier) > MaxTurns {
		earlier = earlier[len(earlier)-MaxTurns:]
	}
	if question == "" || len(earlier) == 0 {
		return question, false
	}
	// The subject is that of the latest earlier question that had one.
	var prev Question
	var subj []corpus.Mention
	for i := len(earlier) - 1; i >= 0 && subj == nil; i-- {
		prev = Analyze(earlier[i], e.matcher)
		subj = sortedMentions(prev.Mentions)
	}
	if subj == nil {
		return question, false
	}
	q := Analyze(question, e.matcher)
	name := subj[0].Entity.Name
	if rest, ok := ellipsis(q.chat); ok {
		r := Analyze(rest, e.matcher)
		switch {
		case len(r.Mentions) > 0 && contentWords(blankMentions(r.chat, r.Mentions)) == 0:
			// "and BCI?": the earlier question about a known entity.
			return withSubject(prev, subj, rest, r.Mentions), true
		case len(r.Mentions) > 0 || contentWords(rest) == 0:
			// "what about the founders of DeepSeek?" asks on its own;
			// "how about you?" asks nothing of the sources.
			return question, false
		case isName(rest) && corpus.CountWords(rest) <= 3:
			// "what about Tesla?": a name the sources may not know.
			return withSubject(prev, subj, rest, nil), true
		case corpus.HanText(rest) != "":
			// Chinese that names no known entity: a phrase ("为什么呢"),
			// not a subject to put in the earlier question.
			return question, false
		}
		// "and the founders?": something more about the same subject.
		return capitalFirst(strings.TrimRight(rest, " ?？.!")) + " (about " + name + ")?", true
	}
	if len(q.Mentions) > 0 {
		return question, false
	}
	if zh := pronounZh(q.Raw); zh != nil {
		return q.Raw[:zh[0]] + name + q.Raw[zh[1]:], true
	}
	if loc := pronounEn(q.chat); loc != nil {
		repl := name
		if possessives[strings.ToLower(q.chat[loc[0]:loc[1]])] {
			repl = possessive(name)
		}
		return capitalFirst(q.chat[:loc[0]] + repl + q.chat[loc[1]:]), true
	}
	if n := contentWords(q.Search); n >= 1 && n <= maxBareWords && !hasName(q.Raw) {
		return capitalFirst(strings.TrimRight(q.chat, " ?？.!")) + " (about " + name + ")?", true
	}
	return question, false
}

// pronounEn finds the first English word of text that stands for the
// earlier subject, as [start, end); "IT" is information technology, not
// a pronoun.
func pronounEn(text string) []int {
	for _, loc := range pronounRe.FindAllStringSubmatchIndex(text, -1) {
		w := text[loc[2]:loc[3]]
		if len(w) >= 2 && strings.ToUpper(w) == w {
			continue
		}
		return loc[2:4]
	}
	return nil
}

// pronounZh finds the first Chinese pronoun of text, not inside a word
// (其他 "other", 吉他 "guitar").
func pronounZh(text string) []int {
	for _, loc := range pronounZhRe.FindAllStringIndex(text, -1) {
		before, _ := utf8.DecodeLastRuneInString(text[:loc[0]])
		if before != '其' && before != '吉' {
			return loc
		}
	}
	return nil
}

// blankMentions is text with its entity mentions blanked out.
func blankMentions(text string, ms []corpus.Mention) string {
	b := []byte(text)
	for _, m := range ms {
		for i := m.Start; i < m.End && i < len(b); i++ {
			b[i] = ' '
		}
	}
	return string(b)
}

// ellipsis returns the new subject of a follow-up that names only that.
func ellipsis(text string) (string, bool) {
	for _, re := range []*regexp.Regexp{ellipsisRe, ellipsisZhRe} {
		if m := re.FindStringSubmatch(strings.TrimSpace(text)); m != nil {
			s := strings.TrimSpace(m[1])
			if s != "" && corpus.CountWords(s) <= 6 && !questionStart.MatchString(s) && !pronounRe.MatchString(s) {
				return s, true
			}
		}
	}
	return "", false
}

// withSubject is the earlier question about a new subject: the earlier
// subject is replaced by the new one — the earlier mention of the same
// kind when the new subject is a known entity, else the first.
func withSubject(prev Question, subj []corpus.Mention, newSubj string, newMentions []corpus.Mention) string {
	old := subj[0]
	if len(newMentions) > 0 {
		for _, m := range subj {
			if m.Entity.Kind == newMentions[0].Entity.Kind {
				old = m
				break
			}
		}
	}
	text := prev.chat
	return capitalFirst(text[:old.Start] + newSubj + text[old.End:])
}

// questionStart is a word that starts a question, not a subject.
var questionStart = regexp.MustCompile(`(?i)^(who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|will|would|has|have)\b`)

// nameRe is a capitalised word inside a sentence: a name the corpus may
// not know ("Tesla") that gives a question its own subject.
var nameRe = regexp.MustCompile(`\s[A-Z][a-z]+\b`)

// isName reports whether a follow-up's new subject reads as a name: it is
// capitalised.
func isName(s string) bool {
	for _, r := range s {
		return unicode.IsUpper(r)
	}
	return false
}

// hasName reports whether text names something by a capitalised word
// that is not its first word or "I".
func hasName(text string) bool {
	for _, m := range nameRe.FindAllString(text, -1) {
		if w := strings.TrimSpace(m); w != "I" && !stopWords[strings.ToLower(w)] {
			return true
		}
	}
	return false
}

// chatOnly are words of chat that say nothing about a subject: "thanks!",
// "tell me more", "how about you?".
var chatOnly = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`thanks thank thx ty ok okay cool nice great awesome lol hi hello hey bye yes no yeah
		yep nope sure please pls more tell you u me i we us wow interesting really else anything something go on`) {
		chatOnly[w] = true
	}
}

// contentWords counts the words of a text that are neither stop words nor
// chat; Chinese counts as one word.
func contentWords(s string) int {
	n := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stopWords[w] && !chatOnly[w] {
			n++
		}
	}
	return n
}

// possessive is "Unitree's", "Humanoid robots'".
func possessive(name string) string {
	if strings.HasSuffix(name, "s") {
		return name + "'"
	}
	return name + "'s"
}

func capitalFirst(s string) string {
	for i, r := range s {
		return s[:i] + string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}
