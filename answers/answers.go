package answers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"futurebot/corpus"
	"futurebot/lexicon"
)

// Searcher finds passages; index.Index satisfies it.
type Searcher interface {
	Search(ctx context.Context, q corpus.Query) (corpus.Results, error)
}

// Confidence grades an answer.
type Confidence string

// Confidence levels. None goes with an abstention.
const (
	High   Confidence = "high"
	Medium Confidence = "medium"
	Low    Confidence = "low"
	None   Confidence = "none"
)

// Answer is the reply to one question.
type Answer struct {
	Question string
	// Answered is false when the sources do not cover the question; then
	// Suggestions name the nearest sources.
	Answered bool
	// Text is one to three consecutive sentences quoted from Citations[0].
	Text string
	// Highlights are the matched query terms inside Text.
	Highlights []corpus.Span
	Confidence Confidence
	Type       Type
	// Types are what the question asks for: Type, and a second thing when
	// it asks two.
	Types       []Type
	Entities    []string
	Citations   []Citation
	Suggestions []Suggestion
	// SourceMonth is the month of the quoted source ("July 2025") when it
	// is older than Options.StaleAfter: a fact from then may have changed.
	SourceMonth string
	// Explain says how the answer was chosen (AskExplained only).
	Explain *Explanation
	// Coverage is the share of the question's weight the answer covers.
	Coverage float64
	// Missing is the share of the question's weight of its weightiest
	// term that the answer does not match in any form; Unmatched lists
	// every such term.
	Missing   float64
	Unmatched []string
	// Foreign lists the question's terms the sources never use in any
	// form; ForeignShare is the share of the weight of the weightiest.
	Foreign      []string
	ForeignShare float64
	Took         time.Duration
}

// Citation is a numbered source with the passage quoted from it.
type Citation struct {
	N         int
	Title     string
	Heading   string
	URL       string
	Source    string
	Published string
	DocID     string
	PassageID string
	// Snippet is the quoted text; Highlights mark the matched terms in it.
	Snippet    string
	Highlights []corpus.Span
}

// Suggestion is a source near a question the corpus does not answer.
type Suggestion struct {
	Title string
	URL   string
	DocID string
	// Snippet is the passage's text nearest the question: shown as where
	// to read on, never as an answer.
	Snippet string
}

// Options are the answering thresholds.
type Options struct {
	// Passages is how many top passages are read sentence by sentence.
	Passages int
	// MinCoverage is the coverage below which the bot abstains.
	MinCoverage float64
	// OffTopicPenalty raises MinCoverage for questions that name something
	// the corpus never mentions.
	OffTopicPenalty float64
	// MaxMissing is the largest share of the question's weight that one
	// word the sources use but the answer does not match in any form may
	// carry.
	MaxMissing float64
	// MaxForeign is the largest share of the question's weight that one
	// word the sources never use in any form may carry: "who is the CEO of
	// X" is not answered by sources that never speak of a CEO.
	MaxForeign float64
	// MaxBehind is how far a window's coverage may fall behind the best
	// window's for it to be the answer, when the best ones do not hold
	// what the question asks for: far behind, a window holds a number or a
	// name by chance ("how many farms" answered by "3 million dairy
	// cattle"). It does not apply to questions in Chinese, whose
	// translated words make coverage coarse. 0 means no limit.
	MaxBehind float64
	// MediumCoverage and HighCoverage grade confidence.
	MediumCoverage, HighCoverage float64
	// MaxAnswerBytes bounds the answer text (1-3 sentences).
	MaxAnswerBytes int
	// RetrievalWeight is how much the passage's search score (relative to
	// the top hit's) adds to a sentence's score.
	RetrievalWeight float64
	// StaleAfter is the age of a source from which an answer says when
	// its source dates from (Answer.SourceMonth); 0 means 18 months, and a
	// negative value never says so.
	StaleAfter time.Duration
	// Now is the clock for StaleAfter (nil: the real one).
	Now func() time.Time
}

// DefaultStaleAfter is how old a source is before an answer says so.
const DefaultStaleAfter = 18 * 30 * 24 * time.Hour

// DefaultOptions are the thresholds measured on the evaluation set.
var DefaultOptions = Options{Passages: 8, MinCoverage: 0.45, OffTopicPenalty: 0.2, MaxMissing: 0.4, MaxForeign: 0.25, MaxBehind: 0.35, MediumCoverage: 0.75, HighCoverage: 0.9, MaxAnswerBytes: 600, RetrievalWeight: 0.1}

// ErrEmptyQuestion is returned for a question with nothing to search for.
var ErrEmptyQuestion = errors.New("the question is empty")

// Engine answers questions from one index. It is safe for concurrent use.
type Engine struct {
	search  Searcher
	matcher *corpus.Matcher
	opts    Options
	// entityNames are the normalised names and aliases of the entities.
	entityNames map[string]bool
}

// New returns an engine over s, spotting the given entities in questions.
func New(s Searcher, entities []corpus.Entity, opts Options) *Engine {
	if opts.Passages == 0 { // the measured thresholds, with the caller's clock and staleness
		d := DefaultOptions
		d.StaleAfter, d.Now = opts.StaleAfter, opts.Now
		opts = d
	}
	names := map[string]bool{}
	for i := range entities {
		for _, n := range entities[i].Names() {
			names[corpus.NormalizeName(n)] = true
		}
	}
	return &Engine{search: s, matcher: corpus.NewMatcher(entities), opts: opts, entityNames: names}
}

// Entities returns the entities the engine knows.
func (e *Engine) Entities() []corpus.Entity { return e.matcher.Entities() }

// Ask answers one question.
func (e *Engine) Ask(ctx context.Context, question string) (Answer, error) {
	return e.ask(ctx, question, false)
}

func (e *Engine) ask(ctx context.Context, question string, explain bool) (Answer, error) {
	start := time.Now()
	q := Analyze(question, e.matcher)
	ans := Answer{Question: q.Raw, Type: q.Type, Types: q.Types, Confidence: None}
	if strings.TrimSpace(q.Raw) == "" {
		return ans, ErrEmptyQuestion
	}
	for _, m := range q.Mentions {
		ans.Entities = append(ans.Entities, m.Entity.Name)
	}
	res, err := e.search.Search(ctx, corpus.Query{
		Text: q.Search, Entities: ans.Entities, Limit: e.opts.Passages, Locate: e.opts.Passages,
		Alternatives: q.Alternatives, Han: q.Han, Misspelt: q.Misspelt,
	})
	if err != nil {
		return ans, fmt.Errorf("answer %q: %w", q.Raw, err)
	}
	e.compose(&ans, &q, res, explain)
	ans.Took = time.Since(start)
	return ans, nil
}

// candidate is a window of one to three adjacent sentences of one passage
// that might answer.
type candidate struct {
	hit      *corpus.Hit
	rank     int
	span     corpus.Span // in hit.Text
	score    float64
	coverage float64
	// quoted is the coverage by the quoted window alone, without credit
	// from the title, heading or FAQ question around it.
	quoted float64
	// missing is the share of the question's weight of its weightiest word
	// that the sources use but neither the window nor its context matches
	// in any form.
	missing   float64
	unmatched []string
	// parts are the window's sentences with the question weight each
	// matches on its own.
	parts []part
}

// part is one sentence of a window.
type part struct {
	corpus.Span
	weight float64
	refers bool // leans on the sentence before
	// subject is true when the sentence names an entity the question asks
	// about, or the question names none, or the passage's title, heading or
	// FAQ question does.
	subject bool
}

// behind reports whether window c falls too far behind the best window to
// be the answer (see Options.MaxBehind).
func (e *Engine) behind(q *Question, best, c *candidate) bool {
	return e.opts.MaxBehind > 0 && q.Han == "" && best.coverage-c.coverage > e.opts.MaxBehind
}

// maxTypeTries bounds how far down the ranked windows the engine looks for
// one that holds what the question asks for.
const maxTypeTries = 40

func (e *Engine) compose(ans *Answer, q *Question, res corpus.Results, explain bool) {
	located := min(len(res.Hits), e.opts.Passages)
	w := newWeights(q, res, located)
	var cands []candidate
	top := 0.0
	if len(res.Hits) > 0 {
		top = res.Hits[0].Score
	}
	for i := 0; i < located; i++ {
		cands = append(cands, e.windows(&res.Hits[i], i, top, q, w)...)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	need := e.opts.MinCoverage
	if w.offTopic {
		need += e.opts.OffTopicPenalty
	}
	// The answer is the best window that holds what the question asks for
	// (a year for "when", a count for "how many", a name the question does
	// not already give for "who"); a window without it is not an answer,
	// however well it matches.
	for _, t := range w.order {
		if w.foreign[t] {
			ans.Foreign = append(ans.Foreign, t)
		}
	}
	ans.ForeignShare = w.foreignShare
	asked := newAskedWords(q, e.entityNames)
	pick := -1
	for i := 0; i < len(cands) && i < maxTypeTries; i++ {
		if cands[i].coverage < need-cands[i].sameQuestion() || cands[i].missing > e.opts.MaxMissing || e.behind(q, &cands[0], &cands[i]) {
			continue
		}
		if cands[i].holdsAnswer(q, asked) {
			pick = i
			break
		}
	}
	if explain {
		declined := pick < 0 || w.total == 0 || w.foreignShare > e.opts.MaxForeign || w.thin || q.Opinion
		chosen := pick
		if declined {
			chosen = -1
		}
		defer e.explain(ans, q, w, cands, asked, need, chosen)
	}
	if pick < 0 || w.total == 0 || w.foreignShare > e.opts.MaxForeign || w.thin || q.Opinion {
		ans.Suggestions = suggestions(res.Hits, cands, 3)
		if len(cands) > 0 {
			ans.Coverage = cands[0].coverage
		}
		return
	}
	best := cands[pick]
	ans.Answered = true
	ans.Coverage, ans.Missing, ans.Unmatched = best.coverage, best.missing, best.unmatched
	ans.Text = best.text()
	ans.Highlights = highlights(best.hit.Matches, best.span)
	switch {
	case best.coverage >= e.opts.HighCoverage:
		ans.Confidence = High
	case best.coverage >= e.opts.MediumCoverage && !w.offTopic:
		ans.Confidence = Medium
	default:
		ans.Confidence = Low
	}
	ans.Citations = citations(best, cands)
	ans.SourceMonth = e.staleMonth(best.hit.Published)
}

// staleMonth is the month of a publication date older than StaleAfter, or
// "" (recent, or undated: an undated source is never given a date).
func (e *Engine) staleMonth(published string) string {
	after := e.opts.StaleAfter
	if after == 0 {
		after = DefaultStaleAfter
	}
	if after < 0 || published == "" {
		return ""
	}
	layout := "2006-01-02"
	if len(published) == len("2006-01") {
		layout = "2006-01"
	}
	t, err := time.Parse(layout, published)
	if err != nil {
		return ""
	}
	now := time.Now
	if e.opts.Now != nil {
		now = e.opts.Now
	}
	if now().Sub(t) < after {
		return ""
	}
	return t.Format("January 2006")
}

func (c *candidate) text() string { return c.hit.Text[c.span.Start:c.span.End] }

// holdsAnswer reports whether the window holds each thing the question asks
// for, in a sentence that is itself about the question: one that matches a
// good part of what the window matches and names the entity asked about
// when the question names one, or one tied to such a sentence by a
// reference. The sentence about the question may lean on the one before
// ("Among these are …"), and the one before may hold what it refers to: a
// name always ("… like WuXi AppTec. A commission dubbed the firm …"), a date
// or number only when it too is about the entity asked about (in "X was
// first used in 2020. The push comes as Y winds down." 2020 is not Y's date).
func (c *candidate) holdsAnswer(q *Question, asked *askedWords) bool {
	top := 0.0
	for _, p := range c.parts {
		top = max(top, p.weight)
	}
	about := func(k int) bool { return c.parts[k].weight >= aboutShare*top && c.parts[k].subject }
	relevant := func(k int, names bool) bool {
		next := k+1 < len(c.parts) && c.parts[k+1].refers && about(k+1)
		return about(k) || k > 0 && c.parts[k].refers && about(k-1) || next && (names || c.parts[k].subject)
	}
	// "Which forum …?" is not answered by a sentence that speaks of a
	// forum without naming one, nor "what forum …?" by "the same forum".
	if q.Focus != "" && q.Type != TypeNumber && q.Type != TypeDate && q.Type != TypeYesNo && q.Type != TypeReason && q.Type != TypeList {
		uses, named, pointsBack := false, false, true
		for k, p := range c.parts {
			if relevant(k, true) {
				u, n, b := nameNearFocus(c.hit.Text[p.Start:p.End], q.Focus, asked)
				// "… companies like WuXi AppTec. A commission dubbed the
				// firm …": the firm is named in the sentence it refers to.
				if u && !n && c.parts[k].refers && k > 0 {
					prev := c.hit.Text[c.parts[k-1].Start:c.parts[k-1].End]
					n = countNewNames(prev, asked, false, true) > 0
				}
				uses, named = uses || u, named || n
				if u {
					pointsBack = pointsBack && b
				}
			}
		}
		if uses && !named && (q.FocusWhich || pointsBack) {
			return false
		}
		// "Which forum …?" wants the forum's name, and such names carry
		// the noun ("the Lujiazui Forum"): a window that never says
		// "forum" does not name one.
		if q.FocusWhich && namedWithNoun[q.Focus] && !named {
			return false
		}
	}
	// "Which X …?" asks for a name, whatever X is.
	types := q.Types
	if q.FocusWhich && q.Type == TypeOther {
		types = []Type{TypeOrganisation}
	}
	// "Which province …?" is answered by "Zhejiang province", not by a
	// city: the name must stand by the word.
	if q.PlaceNoun != "" {
		named := false
		for k, p := range c.parts {
			if relevant(k, true) {
				_, n, _ := nameNearFocus(c.hit.Text[p.Start:p.End], q.PlaceNoun, asked)
				named = named || n
			}
		}
		if !named {
			return false
		}
	}
	for _, t := range types {
		names := t == TypePerson || t == TypeOrganisation || t == TypePlace
		found := false
		for k, p := range c.parts {
			if relevant(k, names) && evidenceFor(t, q.Unit, c.hit.Text[p.Start:p.End], asked) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// namedWithNoun are things whose names carry the noun itself: the
// Lujiazui Forum, the Boao Summit, the Wolf Prize.
var namedWithNoun = map[string]bool{"forum": true, "conference": true, "summit": true, "prize": true, "award": true,
	"expo": true, "exhibition": true, "festival": true, "fair": true, "congress": true, "meeting": true, "session": true,
	"plenum": true, "dialogue": true, "games": true, "cup": true, "university": true, "institute": true, "academy": true}

// aboutShare is how much of the question a sentence of a window must match,
// against the sentence that matches most, to be about the question.
const aboutShare = 0.4

// citations numbers the answer's passage and up to two more that support
// it, at most two from one document.
func citations(best candidate, cands []candidate) []Citation {
	out := []Citation{citationFor(best.hit, best.span, 1)}
	perDoc := map[string]int{best.hit.DocID: 1}
	used := map[*corpus.Hit]bool{best.hit: true}
	// Supporting sources: the best window of each other passage among the
	// close runners-up; those whose quote itself says most of what was
	// asked come first.
	var support []candidate
	for _, c := range cands {
		if !used[c.hit] && c.score >= best.score*0.6 {
			used[c.hit] = true
			support = append(support, c)
		}
	}
	sort.SliceStable(support, func(i, j int) bool { return support[i].quoted > support[j].quoted })
	for _, c := range support {
		if len(out) == 3 {
			break
		}
		if perDoc[c.hit.DocID] == 2 {
			continue
		}
		perDoc[c.hit.DocID]++
		out = append(out, citationFor(c.hit, c.span, len(out)+1))
	}
	return out
}

func citationFor(h *corpus.Hit, span corpus.Span, n int) Citation {
	return Citation{
		N: n, Title: h.Title, Heading: h.Heading, URL: h.URL, Source: h.Source, Published: h.Published,
		DocID: h.DocID, PassageID: h.ID, Snippet: h.Text[span.Start:span.End], Highlights: highlights(h.Matches, span),
	}
}

func highlights(ms []corpus.Match, span corpus.Span) []corpus.Span {
	var out []corpus.Span
	for _, m := range ms {
		if m.Start >= span.Start && m.End <= span.End {
			out = append(out, corpus.Span{Start: m.Start - span.Start, End: m.End - span.Start})
		}
	}
	return out
}

func suggestions(hits []corpus.Hit, cands []candidate, n int) []Suggestion {
	// The best window of each passage, in ranking order.
	nearest := map[*corpus.Hit]string{}
	for _, c := range cands {
		if _, ok := nearest[c.hit]; !ok {
			nearest[c.hit] = c.text()
		}
	}
	var out []Suggestion
	seen := map[string]bool{}
	for i := range hits {
		h := &hits[i]
		if seen[h.DocID] || len(out) == n {
			continue
		}
		seen[h.DocID] = true
		snippet, ok := nearest[h]
		if !ok {
			if spans := corpus.SplitSentences(h.Text); len(spans) > 0 {
				snippet = h.Text[spans[0].Start:spans[0].End]
			}
		}
		out = append(out, Suggestion{Title: h.Title, URL: h.URL, DocID: h.DocID, Snippet: snippet})
	}
	return out
}

// weights tells how much each query term counts, and which terms spell an
// entity's name (such a name is covered when a sentence names the entity in
// any of its forms).
type weights struct {
	// order lists the terms as the question has them: sums over terms run
	// in this order, so equal questions score exactly equal every time.
	order  []string
	term   map[string]float64
	entity map[string]*corpus.Entity // term -> entity whose name it belongs to
	total  float64
	// offTopic is true when the question names something (a capitalised
	// word) the corpus never mentions: a sign that it asks about something
	// else. Words the corpus never uses are not: a paraphrase uses them too,
	// and the foreign-noun limit weighs them one by one.
	offTopic bool
	// names marks the terms the sources write as names ("Unitree",
	// "Neuralink"): an answer must name them too, or be about them by its
	// title or FAQ question.
	names map[string]bool
	// foreign marks the terms the sources never use in any form: not
	// themselves, not by a typo, not by another word for them.
	foreign map[string]bool
	// foreignShare is the share of the question's weight of its
	// weightiest foreign term.
	foreignShare float64
	// thin is true when the question says only one thing, and that thing
	// is neither an entity nor a name the sources use ("what time is it",
	// "thanks futurebot"): too little to quote anything for.
	thin bool
}

func newWeights(q *Question, res corpus.Results, located int) weights {
	w := weights{term: map[string]float64{}, entity: map[string]*corpus.Entity{}, foreign: map[string]bool{}, names: map[string]bool{}}
	// A word the index does not have may still be found, by a typo match
	// or another word for it: then it is not a sign of another topic.
	// written is each term as the question writes it, lowercased.
	written := map[string]string{}
	for _, t := range res.Terms {
		switch {
		case t.Written != "":
			written[t.Text] = strings.ToLower(t.Written) // "brain co" is BrainCo
		case t.Start >= 0 && t.End <= len(q.Search):
			written[t.Text] = strings.ToLower(q.Search[t.Start:t.End])
		}
	}
	found := map[string]bool{}
	inHits := map[string]int{}
	lower := map[string]bool{} // terms the sources also write in lower case: not names
	for _, h := range res.Hits[:min(located, len(res.Hits))] {
		seen := map[string]bool{}
		for _, m := range h.Matches {
			found[m.Term] = true
			if m.Exact && !seen[m.Term] {
				seen[m.Term] = true
				inHits[m.Term]++
			}
			if !m.Exact || strings.TrimSuffix(written[m.Term], "s") != strings.TrimSuffix(strings.ToLower(h.Text[m.Start:m.End]), "s") {
				continue // only the word as the question writes it: "used" is not "US"
			}
			if r, _ := utf8.DecodeRuneInString(h.Text[m.Start:]); !unicode.IsUpper(r) {
				lower[m.Term] = true
			} else if !sentenceStart(h.Text, m.Start) && !lexicon.Known(written[m.Term]) && !q.isTranslated(written[m.Term]) {
				// "Year" in "Five-Year Plan" is still a word; a name
				// translated from the question's Chinese (连江 → Lianjiang)
				// need not be in English, as a source in Chinese names it
				// as the question does.
				w.names[m.Term] = true
			}
		}
		for _, m := range h.QuestionMatches {
			found[m.Term] = true
		}
	}
	for _, t := range res.Terms {
		wt := t.Weight
		word := written[t.Text]
		if t.DocFreq == 0 && !found[t.Text] {
			// Only a thing the sources never mention says the question is
			// about something else; a verb the sources do not use ("came
			// up with") is only another way of asking.
			if !phrasing(word) && strings.Trim(word, "abcdefghijklmnopqrstuvwxyz") == "" && (lexicon.Noun(word) || !lexicon.Known(word)) &&
				!q.isTranslated(word) {
				w.foreign[t.Text] = true // "14th" or "2026" is a number, which numbers are checked as
			}
		}
		if typeWords[word] || fillerWords[word] {
			wt *= typeWordWeight
		}
		if q.translated[word] {
			wt *= weakWeight
			if t.DocFreq == 0 && !found[t.Text] {
				wt = 0 // a guessed translation the sources never use says nothing
			}
		}
		if t.DocFreq == 0 && properNoun(q.Search, t.Span) {
			w.offTopic = true
		}
		if _, seen := w.term[t.Text]; !seen {
			w.order = append(w.order, t.Text)
		}
		w.term[t.Text] = wt
		w.total += wt
		for _, es := range q.EntitySpans {
			if t.Start >= es.Start && t.End <= es.End {
				w.entity[t.Text] = es.Entity
			}
		}
	}
	content, named := 0, false
	for _, t := range res.Terms {
		if typeWords[written[t.Text]] || fillerWords[written[t.Text]] || w.term[t.Text] == 0 {
			continue
		}
		content++
		named = named || w.entity[t.Text] != nil || w.names[t.Text] || t.Start < 0
	}
	w.thin = content == 1 && !named && q.Han == "" // a translated question is short on words by nature
	// A name most of the passages found share ("China" in a corpus about
	// China) need not be repeated.
	for t := range w.names {
		if lower[t] || inHits[t]*2 > min(located, len(res.Hits)) {
			delete(w.names, t)
		}
	}
	for t := range w.foreign {
		if w.total > 0 {
			w.foreignShare = max(w.foreignShare, w.term[t]/w.total)
		}
	}
	return w
}

// typeWords say what kind of answer a question wants ("which city", "what
// share") more than what it is about: a sentence that answers need not
// repeat them.
var typeWords = map[string]bool{"city": true, "town": true, "province": true, "country": true, "place": true,
	"year": true, "date": true, "month": true, "percentage": true, "percent": true, "share": true, "proportion": true,
	"number": true, "company": true, "firm": true, "group": true, "name": true, "person": true, "people": true,
	"called": true, "call": true, "kind": true, "type": true, "list": true, "one": true, "ones": true,
	"studio": true, "startup": true, "business": true, "enterprise": true, "outfit": true, "organisation": true,
	"organization": true, "brand": true, "maker": true, "manufacturer": true,
	"based": true, "located": true, "headquartered": true, "situated": true}

// fillerWords are phrasing that says nothing about the topic, whether or
// not the sources use them.
var fillerWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`actually really also else ever even just still already currently exactly
		besides anyway please pls thanks thank hey hi hello sort kind stuff thing things lot lots bit way aren't arent isn't
		isnt don't dont doesn't doesnt didn't didnt can't cant won't wont i'm im you're youre tell know think mean say said
		give gave get got getting come came coming go going went want wanted need like let lets see look find anything
		something everything much many more most some any every all other others another about again
		bunch couple handful ton tons load loads heap heaps bunches
		detail details detailed brief briefly summary summarise summarize short example examples overview
		hey hi hello morning evening afternoon good going hows doing thx cheers far
		role deal story status situation significance importance purpose point
		since until till during before after while whether though although because unless among within without upon
		onto per via yet ago use used uses using`) {
		fillerWords[w] = true
	}
}

// isTranslated reports whether a word of the search came from translating
// Chinese: a translated noun the sources never use may just be a poor
// translation ("legend" for 黑神话), not a sign of another topic.
func (q *Question) isTranslated(w string) bool {
	_, ok := q.translated[w]
	return ok
}

// weakWeight scales the weight of a word the question's translation is
// unsure of: a verb translated from Chinese ("enlighten" for 启发).
const weakWeight = 0.4

// phrasing reports whether a word of the question only says what kind of
// answer it wants or how it asks ("which city", "numbers", "please").
func phrasing(word string) bool {
	return typeWords[word] || fillerWords[word] || typeWords[strings.TrimSuffix(word, "s")] || fillerWords[strings.TrimSuffix(word, "s")]
}

// typeWordWeight scales the weight of a type word.
const typeWordWeight = 0.3

// properNoun reports whether the word at span is capitalised and not the
// first word of the question.
func properNoun(text string, span corpus.Span) bool {
	if span.End > len(text) || span.Start >= span.End {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[span.Start:])
	return unicode.IsUpper(r) && strings.TrimSpace(text[:span.Start]) != ""
}

// sentenceFacts is what one sentence of a passage holds for the question.
type sentenceFacts struct {
	corpus.Span
	covered   map[string]float64 // query term -> credit of its best match here
	positions []int              // where query terms matched
	mentioned map[*corpus.Entity]bool
	subjectAt int // where it first names an entity of the question, or -1
	// heading is true for a heading or a question: neither answers.
	heading bool
	// bare is an FAQ's "Yes." or "No." on its own.
	bare bool
	// refers is true when the sentence leans on the one before it.
	refers       bool
	newParagraph bool
	// items is how many items the sentence lists (for list questions).
	items int
	// part is the sentence as a window holds it.
	part part
}

// windows scores the windows of one to three adjacent sentences of a
// passage. A window never starts with a heading or a question, never runs
// across a heading or into a new paragraph, and starts one sentence earlier
// when its first sentence refers back ("the firm", "these", "it"): the
// sentence before names what it refers to.
func (e *Engine) windows(h *corpus.Hit, rank int, top float64, q *Question, w weights) []candidate {
	spans := corpus.SplitSentences(h.Text)
	if len(spans) == 0 {
		return nil
	}
	// Terms matched outside the sentences: in the FAQ question, the title or
	// the heading. An FAQ answer is read whole: its question is its context.
	outside := map[string]float64{}
	for _, m := range h.QuestionMatches {
		outside[m.Term] = max(outside[m.Term], matchCredit(m))
	}
	for _, t := range h.TitleTerms {
		outside[t] = max(outside[t], 0.5)
	}
	faqBonus := 0.0
	if h.Kind == corpus.KindFAQ {
		faqBonus = 0.25 * questionSimilarity(h)
		if len(h.QuestionMatches) > 0 {
			for t, c := range outside {
				outside[t] = max(c, 0.9)
			}
		}
	}
	// Entities named in the title, heading or FAQ question count half for
	// every sentence.
	inContext := map[*corpus.Entity]bool{}
	for _, m := range e.matcher.Find(h.Title + "\n" + h.Heading + "\n" + h.Question) {
		inContext[m.Entity] = true
	}
	sents := make([]sentenceFacts, len(spans))
	mi := 0
	for i, sp := range spans {
		text := h.Text[sp.Start:sp.End]
		f := sentenceFacts{Span: sp, covered: map[string]float64{}, mentioned: map[*corpus.Entity]bool{}, subjectAt: -1}
		f.heading = strings.HasPrefix(text, corpus.HeadingPrefix) || strings.HasSuffix(strings.TrimRight(text, `"'”’) `), "?")
		f.bare = bareYesNo.MatchString(text) || i == 0 && h.Kind == corpus.KindFAQ && fragment(text) && !sameType(q, h.Question)
		if q.Type == TypeList || q.Unit == UnitMany {
			f.items = listItems(text)
		}
		f.refers = refersBack(text)
		if i > 0 {
			f.newParagraph = strings.Contains(h.Text[spans[i-1].End:sp.Start], "\n\n")
		}
		for ; mi < len(h.Matches) && h.Matches[mi].Start < sp.Start; mi++ {
		}
		for j := mi; j < len(h.Matches) && h.Matches[j].End <= sp.End; j++ {
			m := h.Matches[j]
			f.covered[m.Term] = max(f.covered[m.Term], matchCredit(m))
			f.positions = append(f.positions, m.Start)
		}
		for _, m := range e.matcher.Find(text) {
			f.mentioned[m.Entity] = true
			if slices.ContainsFunc(q.EntitySpans, func(es EntitySpan) bool { return es.Entity == m.Entity }) &&
				(f.subjectAt < 0 || sp.Start+m.Start < f.subjectAt) {
				f.subjectAt = sp.Start + m.Start
			}
		}
		sents[i] = f
	}

	// Each sentence's own share of the question, and whether it is about
	// the entity asked for, once for all the windows it is part of.
	for i := range sents {
		f := &sents[i]
		f.part = part{Span: f.Span, refers: f.refers, subject: len(q.EntitySpans) == 0}
		for _, es := range q.EntitySpans {
			f.part.subject = f.part.subject || f.mentioned[es.Entity] || inContext[es.Entity]
		}
		for _, t := range w.order {
			c := f.covered[t]
			if ent := w.entity[t]; ent != nil && f.mentioned[ent] {
				c = 1
			}
			f.part.weight += w.term[t] * c
		}
	}

	scoreRun := func(run []sentenceFacts) (float64, float64, float64, float64, []string) {
		span := corpus.Span{Start: run[0].Start, End: run[len(run)-1].End}
		var got, inRun, missing float64
		var unmatched []string
		for _, t := range w.order {
			wt := w.term[t]
			q := 0.0
			for _, f := range run {
				q = max(q, f.covered[t])
			}
			c := max(q, outside[t])
			if ent := w.entity[t]; ent != nil {
				named := slices.ContainsFunc(run, func(f sentenceFacts) bool { return f.mentioned[ent] })
				switch {
				case named:
					c, q = 1, 1
				case inContext[ent]:
					c = max(c, 0.6)
				}
			}
			got += wt * c
			if c == 0 {
				if !w.foreign[t] {
					missing = max(missing, wt)
				}
				unmatched = append(unmatched, t)
			}
			inRun += wt * q
		}
		cov, quoted := 0.0, 0.0
		if w.total > 0 {
			cov, quoted = got/w.total, inRun/w.total
		}
		text := h.Text[span.Start:span.End]
		score := cov + faqBonus*cov
		if slices.ContainsFunc(run, func(f sentenceFacts) bool { return f.subjectAt >= 0 && f.subjectAt-span.Start < 24 }) {
			score += 0.06 // the window is about the entity asked for
		}
		var positions []int
		for _, f := range run {
			positions = append(positions, f.positions...)
		}
		score += 0.1 * proximity(positions, span)
		// A list question prefers the fuller list.
		if q.Type == TypeList || q.Unit == UnitMany {
			items := 1
			for _, f := range run {
				items = max(items, f.items)
			}
			score += 0.03 * float64(min(items-1, 5))
		}
		if top > 0 {
			score += e.opts.RetrievalWeight * h.Score / top
		}
		score -= 0.02 * float64(rank)
		if n := corpus.CountWords(text); n > 60 {
			score -= 0.002 * float64(n-60)
		} else if n < 6 {
			score -= 0.1 // "Two years." says little without the next sentence
		}
		if w.total > 0 {
			missing /= w.total
		}
		return score, cov, quoted, missing, unmatched
	}

	// A number the question gives ("the 2026-30 plan", "in 2024") must be
	// in the window or around it, or the window is about something else.
	var numbers []string
	for _, t := range w.order {
		if t != "" && strings.Trim(t, "0123456789") == "" {
			numbers = append(numbers, t)
		}
	}
	partsOf := func(run []sentenceFacts) []part {
		out := make([]part, len(run))
		for k, f := range run {
			out[k] = f.part
		}
		return out
	}
	// A name the question gives must be in the window, unless the window
	// names the entity the question is about: in "what could WuXi AppTec
	// let Beijing take over?" Beijing is a detail.
	nameMissing := func(run []sentenceFacts) bool {
		for _, es := range q.EntitySpans {
			if inContext[es.Entity] || slices.ContainsFunc(run, func(f sentenceFacts) bool { return f.mentioned[es.Entity] }) {
				return false
			}
		}
		for t := range w.names {
			if outside[t] == 0 && !slices.ContainsFunc(run, func(f sentenceFacts) bool { return f.covered[t] > 0 }) {
				return true
			}
		}
		return false
	}
	numberMissing := func(run []sentenceFacts) bool {
		for _, n := range numbers {
			if outside[n] > 0 || slices.ContainsFunc(run, func(f sentenceFacts) bool { return f.covered[n] > 0 }) {
				return false
			}
		}
		return len(numbers) > 0
	}

	var out []candidate
	for i := range sents {
		if sents[i].heading || sents[i].bare && q.Type != TypeYesNo {
			continue
		}
		from := i
		if sents[i].refers && i > 0 && !sents[i-1].heading && !(sents[i-1].bare && q.Type != TypeYesNo) &&
			sents[i].End-sents[i-1].Start <= e.opts.MaxAnswerBytes {
			from = i - 1
		}
		for j := i; j < len(sents) && j < i+3; j++ {
			if j > i && (sents[j].heading || sents[j].newParagraph && !sents[j].refers) {
				break
			}
			span := corpus.Span{Start: sents[from].Start, End: sents[j].End}
			if j > i && span.End-span.Start > e.opts.MaxAnswerBytes {
				break
			}
			run := sents[from : j+1]
			if numberMissing(run) || nameMissing(run) {
				continue
			}
			// A window that opens with "it" or "the firm" without the
			// sentence before it does not say whom it is about: it cannot
			// name the company or person asked for.
			if sents[from].refers && from == i && (q.Type == TypeOrganisation || q.Type == TypePerson || q.Type == TypePlace) {
				continue
			}
			score, cov, quoted, missing, unmatched := scoreRun(run)
			// A longer window must earn its length; an FAQ answer reads best
			// whole.
			if h.Kind == corpus.KindFAQ && from == 0 && j == len(sents)-1 {
				score += 0.02
			} else {
				score -= 0.04 * float64(j-i)
			}
			out = append(out, candidate{hit: h, rank: rank, span: span, score: score, coverage: cov, quoted: quoted, missing: missing, unmatched: unmatched, parts: partsOf(run)})
		}
	}
	return out
}

// fragment reports whether an FAQ answer opens with a few words and no
// verb ("The United States.", "Two years.", "Second in the world."): they
// answer the entry's own question, not another.
func fragment(sentence string) bool {
	words := strings.FieldsFunc(strings.ToLower(sentence), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' })
	if len(words) == 0 || len(words) > 6 {
		return false
	}
	for _, w := range words {
		if lexicon.Verb(w) || auxiliaries[w] {
			return false
		}
	}
	return true
}

var auxiliaries = map[string]bool{"is": true, "are": true, "was": true, "were": true, "be": true, "been": true, "has": true,
	"have": true, "had": true, "do": true, "does": true, "did": true, "can": true, "will": true, "would": true, "may": true}

// sameType reports whether a question asks for the kind of thing an FAQ
// entry's question does.
func sameType(q *Question, faqQuestion string) bool {
	types, _ := classify(faqQuestion)
	return len(types) > 0 && slices.Contains(q.Types, types[0])
}

// bareYesNo is an FAQ answer's opening "Yes." or "No.": it answers only a
// yes/no question.
var bareYesNo = regexp.MustCompile(`(?i)^(yes|no|not yet|not quite)[.!,;]?$`)

// Words by which a sentence leans on the one before it: pronouns, and
// generic nouns after "this", "that" or "the" ("the firm", "this plan").
var (
	pronouns = map[string]bool{"it": true, "its": true, "they": true, "their": true, "them": true, "these": true,
		"those": true, "he": true, "she": true, "his": true, "her": true, "both": true, "such": true}
	referringNouns = map[string]bool{"firm": true, "company": true, "group": true, "ministry": true, "plan": true,
		"list": true, "programme": true, "program": true, "studio": true, "start-up": true, "startup": true,
		"commission": true, "model": true, "scheme": true, "guidelines": true, "sector": true, "field": true, "bank": true,
		"push": true, "strategy": true, "policy": true, "city": true, "area": true, "technology": true, "therapy": true,
		"therapies": true}
)

// oneDeterminers before "one" make it a number or "anyone" ("no one", "the
// one"); oneAfter are words after a pronoun "one" that stopWords lack.
var (
	oneDeterminers = map[string]bool{"no": true, "the": true, "a": true, "every": true, "each": true, "any": true,
		"which": true, "this": true, "that": true, "only": true, "just": true, "than": true, "at": true}
	oneAfter = map[string]bool{"within": true, "before": true, "after": true, "first": true, "each": true, "every": true}
)

// refersBack reports whether a sentence leans on the one before it: a
// pronoun or a generic noun ("the firm") among its first seven words, or
// "one" standing for a noun among its first ten.
func refersBack(sentence string) bool {
	head := sentence[:min(len(sentence), 90)]
	words := strings.FieldsFunc(strings.ToLower(head), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-'
	})
	for i, w := range words[:min(len(words), 10)] {
		if i < 7 && pronouns[w] {
			return true
		}
		// "one" standing for a noun of the sentence before: "solves one
		// within two years", not "one of", "one year" or "no one".
		if w == "one" && i > 0 && !oneDeterminers[words[i-1]] && (i+1 == len(words) && len(head) == len(sentence) || i+1 < len(words) && stopWords[words[i+1]] && words[i+1] != "of" || i+1 < len(words) && oneAfter[words[i+1]]) {
			return true
		}
		if i >= 7 {
			continue
		}
		if (w == "this" || w == "that" || w == "the") && i+1 < len(words) && referringNouns[words[i+1]] {
			return true
		}
	}
	return false
}

// sameQuestion is how much less coverage an FAQ entry's answer needs when
// its question asks what the member asked in other words: most of the
// entry's question matched, and no word the sources use that the window
// lacks carries much of the member's question ("what forum did Pan
// Gongsheng speak at" is not "who is Pan Gongsheng"). A paraphrase of the
// question leaves the answer's own words little to match.
func (c *candidate) sameQuestion() float64 {
	if c.hit.Kind != corpus.KindFAQ || questionSimilarity(c.hit) < 0.6 || c.missing > 0.3 {
		return 0
	}
	return sameQuestionRelief
}

// sameQuestionRelief is what sameQuestion takes off the coverage needed.
const sameQuestionRelief = 0.1

// questionSimilarity is the share of an FAQ question's content words that
// the user's question matched: high when the user asked the same thing.
func questionSimilarity(h *corpus.Hit) float64 {
	words := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(h.Question), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !stopWords[w] {
			words++
		}
	}
	if words == 0 {
		return 0
	}
	terms := map[string]bool{}
	for _, m := range h.QuestionMatches {
		terms[m.Term] = true
	}
	return min(1, float64(len(terms))/float64(words))
}

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about an and are as at be been but by can could did do does for from had has have
		how i if in into is it its me my of on or our s should so than that the their them there these they this
		those to was we were what when where which who whom whose why will with would you your`) {
		stopWords[w] = true
	}
}

func matchCredit(m corpus.Match) float64 {
	if m.Credit > 0 {
		return m.Credit
	}
	if m.Exact {
		return 1
	}
	return 0.8
}

// proximity is 1 when the matched terms sit close together and falls as
// they spread over the span.
func proximity(positions []int, s corpus.Span) float64 {
	if len(positions) < 2 {
		return 0
	}
	spread := float64(positions[len(positions)-1]-positions[0]) / float64(max(s.End-s.Start, 1))
	return 1 - spread
}
