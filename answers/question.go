// Package answers turns a question into a short answer quoted from the
// corpus, with numbered citations, or says that the sources do not cover it.
// It knows neither Bleve nor Discord: it asks a Searcher.
package answers

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"futurebot/corpus"
	"futurebot/lexicon"
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
	Type  Type
	Types []Type
	Unit  Unit
	// Focus is the noun a which/what question asks about ("forum" in
	// "what forum did he speak at"), or ""; FocusWhich is true when it
	// came with "which", which asks for a name.
	Focus      string
	FocusWhich bool
	// Agency is true when a "who" question asks who did something that
	// organisations do ("who runs the scheme", "who released the
	// guidelines"): a ministry or a company answers it as well as a person.
	Agency bool
	// PlaceNoun is the kind of place a question asks for when places of
	// that kind are named with the word ("Zhejiang province"): province,
	// county, district, prefecture.
	PlaceNoun string
	Mentions  []corpus.Mention
	// EntitySpans are where the canonical entity names sit in Search.
	EntitySpans []EntitySpan
	// Alternatives are other words for words of Search: synonyms and
	// related words, other senses of a translated Chinese word.
	Alternatives []corpus.Alternative
	// Han is the question's Chinese text.
	Han string
	// Misspelt are the words of Search no dictionary knows.
	Misspelt []string
	// Opinion is true when the question asks for a view or advice ("what
	// do you think", "should I buy"): the sources hold facts, and quoting
	// one would pass it off as the bot's view.
	Opinion bool
	// chat is Raw with chat short forms spelt out.
	chat string
	// translated are the words of Search translated from Chinese, true
	// for verbs: a translation is a guess, a verb's the most.
	translated map[string]bool
}

// Credits of alternative words, against 1 for the word itself (a typo
// found by fuzzy matching counts 0.8).
const (
	formCredit    = 1.0 // the same word, inflected irregularly: sell, sold
	glossCredit   = 0.9 // another sense of a Chinese word's translation
	synonymCredit = 0.7
	relatedCredit = 0.5
	// maxSynonyms and maxRelated bound the alternatives of one word.
	maxSynonyms = 6
	maxRelated  = 4
)

// EntitySpan places an entity's canonical name inside Question.Search.
type EntitySpan struct {
	Entity *corpus.Entity
	corpus.Span
}

// leadIn is chat before a colon and the question itself ("quick q: what
// is …", "hey bot: who …"); a topic before a colon ("Made in China 2025:
// what is it?") stays.
var leadIn = regexp.MustCompile(`(?i)^(?:(?:quick|q|qq|question|hey|hi|hello|yo|ok|okay|so|btw|also|bot|futurebot|pls|please|re|hmm|another|one|more|follow|up|random|silly|dumb|noob)\b[\s,!.]*){1,4}:\s*(\S.*)$`)

// Words that ask but carry no content; the index drops English stop words
// itself, these are the question words it keeps.
var questionWords = regexp.MustCompile(`(?i)\b(how many|how much|how long|how often|how far|how old|tell me( about)?|please|can you|could you|do you know|explain|describe|list|define|meaning of|(best |well |most )?(known|famous) for)\b`)

// durationVerbs frame a question about how long something takes ("how
// long does the ferry take to cross"): they ask, they are not the topic.
var durationVerbs = regexp.MustCompile(`(?i)\b(take|takes|took|taken|taking|last|lasts|lasted)\b`)

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
	if m := leadIn.FindStringSubmatchIndex(raw); m != nil {
		raw = raw[m[2]:] // "quick q: what is manycore" asks what follows the colon
	}
	q := Question{Raw: raw}
	text := chatWords(raw, m.NameWord)
	q.chat = text
	q.Types, q.Unit = classify(text)
	q.Type = q.Types[0]
	q.Focus, q.FocusWhich = focusOf(text)
	q.Agency = q.Type == TypePerson && agencyRe.MatchString(text)
	if m := namedPlaceRe.FindStringSubmatch(text); m != nil && q.Type == TypePlace {
		q.PlaceNoun = strings.ToLower(m[1])
	}
	q.Opinion = opinionRe.MatchString(text)
	if m != nil {
		q.Mentions = m.FindLoose(text, lexicon.Known)
	}
	// Replace each entity alias by its canonical name, which is what the
	// sources use most, and remember where the names went.
	var b strings.Builder
	pos := 0
	for _, men := range sortedMentions(q.Mentions) {
		if men.Start < pos {
			continue
		}
		b.WriteString(q.translate(text[pos:men.Start]))
		start := b.Len()
		b.WriteString(men.Entity.Name)
		q.EntitySpans = append(q.EntitySpans, EntitySpan{Entity: men.Entity, Span: corpus.Span{Start: start, End: b.Len()}})
		pos = men.End
	}
	b.WriteString(q.translate(text[pos:]))
	q.Search = b.String()
	q.Han = corpus.HanText(raw)
	q.Alternatives = append(q.Alternatives, englishAlternatives(q.Search, q.EntitySpans)...)
	q.Misspelt = misspelt(q.Search, q.EntitySpans)
	// Blank out question words without moving the entity spans.
	blank := func(s string) string { return strings.Repeat(" ", len(s)) }
	q.Search = questionWords.ReplaceAllStringFunc(q.Search, blank)
	if q.Unit == UnitDuration {
		q.Search = durationVerbs.ReplaceAllStringFunc(q.Search, blank)
	}
	return q
}

// translate turns the Chinese of s into English words and keeps the
// alternatives that gives.
func (q *Question) translate(s string) string {
	if !corpus.HasHan(s) {
		return s
	}
	out, alts, translated := translateHan(s)
	q.Alternatives = append(q.Alternatives, alts...)
	if q.translated == nil {
		q.translated = map[string]bool{}
	}
	for w, verb := range translated {
		q.translated[w] = q.translated[w] || verb
	}
	return out
}

// englishAlternatives gives each content word of text outside the entity
// names its irregular forms, synonyms and related words.
func englishAlternatives(text string, entities []EntitySpan) []corpus.Alternative {
	var out []corpus.Alternative
	seen := map[string]bool{}
	for _, loc := range latinWord.FindAllStringIndex(text, -1) {
		w := strings.ToLower(text[loc[0]:loc[1]])
		if country, ok := countryWords[text[loc[0]:loc[1]]]; ok && !seen[w] && !inEntity(loc[0], entities) {
			seen[w] = true
			out = append(out, corpus.Alternative{Word: w, Words: country, Credit: glossCredit})
			continue
		}
		if len(w) < 3 || stopWords[w] || seen[w] || inEntity(loc[0], entities) {
			continue
		}
		seen[w] = true
		if full, ok := shortWords[w]; ok {
			out = append(out, corpus.Alternative{Word: w, Words: full, Credit: glossCredit})
		}
		if forms := lexicon.Forms(w); len(forms) > 0 {
			out = append(out, corpus.Alternative{Word: w, Words: forms, Credit: formCredit})
		}
		if syn := lexicon.Synonyms(w); len(syn) > 0 {
			out = append(out, corpus.Alternative{Word: w, Words: syn[:min(len(syn), maxSynonyms)], Credit: synonymCredit})
		}
		if rel := lexicon.Related(w); len(rel) > 0 {
			out = append(out, corpus.Alternative{Word: w, Words: rel[:min(len(rel), maxRelated)], Credit: relatedCredit})
		}
	}
	return out
}

// shortWords are clipped words and their full forms, both ways: a member
// asks about "tech" where the sources write "technology".
var shortWords = map[string][]string{"tech": {"technology", "technological", "technologies"}, "technology": {"tech"},
	"technological": {"tech"}, "biotech": {"biotechnology"}, "biotechnology": {"biotech"},
	"econ": {"economy", "economic"}, "semis": {"semiconductors"}, "chips": {"semiconductors"}}

// countryWords are the other ways of naming the United States: a member
// asks about "american lawmakers" where the sources write "US", and the
// other way round.
var countryWords = map[string][]string{"US": {"American", "America", "Americans"}, "american": {"US"},
	"American": {"US"}, "america": {"US"}, "America": {"US"}, "americans": {"US"}, "Americans": {"US"}}

// misspelt returns the lowercase words of text outside the entity names
// that the lexicon does not know: likely typos.
func misspelt(text string, entities []EntitySpan) []string {
	var out []string
	for _, loc := range latinWord.FindAllStringIndex(text, -1) {
		if inEntity(loc[0], entities) {
			continue
		}
		for _, w := range strings.Split(strings.ToLower(text[loc[0]:loc[1]]), "-") {
			if len(w) >= 5 && !stopWords[w] && !lexicon.Known(w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// latinWord is a word of Latin letters, hyphenated or not.
var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z-]*`)

// inEntity reports whether the byte at i of the search text belongs to an
// entity's canonical name.
func inEntity(i int, entities []EntitySpan) bool {
	return slices.ContainsFunc(entities, func(es EntitySpan) bool { return i >= es.Start && i < es.End })
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

var opinionRe = regexp.MustCompile(`(?i)\bwhat do you (think|reckon|feel)\b|\byour (opinion|view|views|take|thoughts)\b|\bdo you (like|prefer|recommend|think)\b|\bshould (i|we)\b|\b(is|are) (it|they|\w+) (a )?(good|bad|worth|worthwhile) (investment|buy|idea|bet)s?\b|\bworth (buying|investing)\b|\b(best|better) .{0,30}\bto (buy|invest in)\b|\brecommend (me )?(a|an|some)\b|你(怎么看|觉得|认为)|值得(买|投资)`)

// chatSpellings are the short forms members type in chat, spelt out so the
// question words and terms are recognised.
var chatSpellings = map[string]string{"wat": "what", "wot": "what", "wut": "what", "wats": "what is", "whats": "what is",
	"whos": "who is", "wheres": "where is", "hows": "how is", "whens": "when is", "whys": "why is", "whose": "whose",
	"wich": "which", "whih": "which", "wen": "when", "wher": "where", "hw": "how", "r": "are", "u": "you", "ur": "your",
	"n": "and", "pls": "please", "plz": "please", "yr": "year", "yrs": "years", "govt": "government", "gov": "government",
	"ppl": "people", "bc": "because", "cuz": "because", "abt": "about", "info": "information", "w/": "with", "thx": "thanks",
	"co": "company", "cos": "companies", "rn": "now",
	// Slips of the keyboard on the words every question has.
	"teh": "the", "hte": "the", "adn": "and", "taht": "that", "thier": "their", "wiht": "with", "fo": "of",
	"whatis": "what is", "whatare": "what are", "whatwas": "what was", "whois": "who is", "whoare": "who are",
	"whowas": "who was", "howmany": "how many", "howmuch": "how much", "howlong": "how long", "whereis": "where is",
	"whenwas": "when was", "whenis": "when is", "whydoes": "why does", "whyis": "why is", "whichis": "which is"}

// askWords are the words a question starts with.
var askWords = []string{"what", "how", "who", "when", "where", "which", "why"}

// questionWordTypo reads a word no dictionary knows that is one edit from a
// question word ("whta", "wht", "whn") as that word: the one with a letter
// dropped when there are several, "how" before "many", "much" or "long",
// and none when it stays unclear ("hwo is"). after is the text after the
// word.
func questionWordTypo(w, after string) (string, bool) {
	lw := strings.ToLower(w)
	if len(lw) < 3 || len(lw) > 6 || lw[0] != 'w' && lw[0] != 'h' || lexicon.Known(lw) || stopWords[lw] || fillerWords[lw] ||
		slices.Contains(askWords, lw) || functionWords[lw] {
		return "", false
	}
	var near []string
	for _, q := range askWords {
		if corpus.EditDistance(lw, q) == 1 {
			near = append(near, q)
		}
	}
	if len(near) == 0 {
		return "", false
	}
	// Chat drops letters: "whn" is "when" before "who".
	if dropped := slices.DeleteFunc(slices.Clone(near), func(q string) bool { return len(q) != len(lw)+1 }); len(dropped) > 0 {
		near = dropped
	}
	next := strings.Fields(strings.ToLower(after))
	if len(near) > 1 && slices.Contains(near, "how") && len(next) > 0 && howWords[strings.Trim(next[0], ",.?!")] {
		return "how", true
	}
	if len(near) > 1 {
		return "", false // "hwo": how or who
	}
	return near[0], true
}

// functionWords are words a dictionary of content words lacks that are
// near a question word: "whom" is not "who".
var functionWords = map[string]bool{"whom": true, "whoever": true, "whence": true, "whilst": true, "here": true, "hers": true}

// typeWordTypo reads a word no dictionary knows that is one edit from
// exactly one word saying what kind of answer is asked for ("contry",
// "compnay", "percnt") as that word, so the question keeps its type.
func typeWordTypo(w string) (string, bool) {
	lw := strings.ToLower(w)
	if len(lw) < 4 || lexicon.Known(lw) {
		return "", false
	}
	found := ""
	for _, t := range kindWords {
		if corpus.EditDistance(lw, t) == 1 {
			if found != "" {
				return "", false
			}
			found = t
		}
	}
	return found, found != ""
}

// kindWords are the words of typeWords worth correcting: long enough that
// one edit does not make another word.
var kindWords = []string{"country", "countries", "city", "cities", "province", "company", "companies", "percent",
	"percentage", "share", "year", "years", "month", "date", "person", "people", "firm", "firms", "startup", "startups",
	"number", "ministry", "minister", "president", "governor", "founder"}

var howWords = map[string]bool{"many": true, "much": true, "long": true, "often": true, "old": true, "far": true, "big": true}

// nameEnds are short forms that also end names ("Brain Co", "Deep
// Robotics Cos"): spelt out only after a determiner ("which co", "the cos").
var nameEnds = map[string]bool{"co": true, "cos": true}

// determinerBefore reports whether the text before a word ends with a
// determiner or question word.
func determinerBefore(before string) bool {
	f := strings.Fields(strings.ToLower(before))
	if len(f) == 0 {
		return true
	}
	last := f[len(f)-1]
	return determiners[last] || slices.Contains(askWords, last) || last == "wat" || last == "wich" || last == "whose" ||
		last == "each" || last == "every" || last == "any" || last == "other"
}

// chatWords spells out chat short forms, word by word, keeping the rest of
// the text as it is.
func chatWords(s string, nameWord func(string) bool) string {
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
		if full, ok := chatSpellings[strings.ToLower(w)]; ok && (j == len(s) || strings.IndexByte(" ,.?!;:", s[j]) >= 0) &&
			(!nameEnds[strings.ToLower(w)] || determinerBefore(s[:i])) {
			w = full
		} else if nameWord(w) || i > 0 && unicode.IsUpper(rune(w[0])) {
			// a name ("Citi"), never taken for a misspelt word
		} else if qw, ok := questionWordTypo(w, s[j:]); ok {
			w = qw
		} else if tw, ok := typeWordTypo(w); ok {
			w = tw
		}
		b.WriteString(w)
		i = j
	}
	return countryUS(b.String())
}

// countryUS writes "us" as "US" where it names the country ("the us", "us
// lawmakers") rather than the pronoun ("tell us", "for us"): the index
// reads "us" as the pronoun.
func countryUS(s string) string {
	locs := lowerUS.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	b := []byte(s)
	for _, loc := range locs {
		before := strings.Fields(strings.ToLower(s[:loc[0]]))
		if len(before) > 0 && usPronounAfter[strings.Trim(before[len(before)-1], ",;:")] {
			continue
		}
		copy(b[loc[0]:], "US")
	}
	return string(b)
}

var lowerUS = regexp.MustCompile(`\b[uU]s\b`)

// usPronounAfter are the words after which "us" is the pronoun.
var usPronounAfter = map[string]bool{"tell": true, "give": true, "show": true, "let": true, "help": true, "for": true,
	"to": true, "with": true, "of": true, "from": true, "among": true, "lets": true, "let's": true, "send": true,
	"make": true, "ask": true, "told": true, "gave": true, "showed": true, "helped": true, "teach": true, "remind": true,
	"join": true, "keep": true, "get": true, "like": true, "about": true, "by": true, "hear": true, "all": true, "both": true}
