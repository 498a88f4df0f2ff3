package answers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"futurebot/corpus"
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
	Highlights  []corpus.Span
	Confidence  Confidence
	Type        Type
	Entities    []string
	Citations   []Citation
	Suggestions []Suggestion
	// Coverage is the share of the question's weight the answer covers.
	Coverage float64
	Took     time.Duration
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
}

// Options are the answering thresholds.
type Options struct {
	// Passages is how many top passages are read sentence by sentence.
	Passages int
	// MinCoverage is the coverage below which the bot abstains.
	MinCoverage float64
	// OffTopicPenalty raises MinCoverage for questions that name something
	// the corpus never mentions or use several words it never uses.
	OffTopicPenalty float64
	// MediumCoverage and HighCoverage grade confidence.
	MediumCoverage, HighCoverage float64
	// MaxAnswerBytes bounds the answer text (1-3 sentences).
	MaxAnswerBytes int
	// RetrievalWeight is how much the passage's search score (relative to
	// the top hit's) adds to a sentence's score.
	RetrievalWeight float64
}

// DefaultOptions are the thresholds measured on the evaluation set.
var DefaultOptions = Options{Passages: 8, MinCoverage: 0.4, OffTopicPenalty: 0.2, MediumCoverage: 0.75, HighCoverage: 0.9, MaxAnswerBytes: 420, RetrievalWeight: 0.1}

// ErrEmptyQuestion is returned for a question with nothing to search for.
var ErrEmptyQuestion = errors.New("the question is empty")

// Engine answers questions from one index. It is safe for concurrent use.
type Engine struct {
	search  Searcher
	matcher *corpus.Matcher
	opts    Options
}

// New returns an engine over s, spotting the given entities in questions.
func New(s Searcher, entities []corpus.Entity, opts Options) *Engine {
	if opts.Passages == 0 {
		opts = DefaultOptions
	}
	return &Engine{search: s, matcher: corpus.NewMatcher(entities), opts: opts}
}

// Entities returns the entities the engine knows.
func (e *Engine) Entities() []corpus.Entity { return e.matcher.Entities() }

// Ask answers one question.
func (e *Engine) Ask(ctx context.Context, question string) (Answer, error) {
	start := time.Now()
	q := Analyze(question, e.matcher)
	ans := Answer{Question: q.Raw, Type: q.Type, Confidence: None}
	if strings.TrimSpace(q.Raw) == "" {
		return ans, ErrEmptyQuestion
	}
	for _, m := range q.Mentions {
		ans.Entities = append(ans.Entities, m.Entity.Name)
	}
	res, err := e.search.Search(ctx, corpus.Query{
		Text: q.Search, Entities: ans.Entities, Limit: max(e.opts.Passages, 10), Locate: e.opts.Passages,
	})
	if err != nil {
		return ans, fmt.Errorf("answer %q: %w", q.Raw, err)
	}
	e.compose(&ans, &q, res)
	ans.Took = time.Since(start)
	return ans, nil
}

// candidate is a run of sentences of one passage that might answer.
type candidate struct {
	hit      *corpus.Hit
	rank     int
	span     corpus.Span // in hit.Text
	score    float64
	coverage float64
}

func (e *Engine) compose(ans *Answer, q *Question, res corpus.Results) {
	w := newWeights(q, res.Terms)
	var cands []candidate
	located := min(len(res.Hits), e.opts.Passages)
	top := 0.0
	if len(res.Hits) > 0 {
		top = res.Hits[0].Score
	}
	for i := 0; i < located; i++ {
		h := &res.Hits[i]
		if c, ok := e.bestRun(h, i, top, q, w); ok {
			cands = append(cands, c)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	need := e.opts.MinCoverage
	if w.offTopic {
		need += e.opts.OffTopicPenalty
	}
	if len(cands) == 0 || cands[0].coverage < need || w.total == 0 {
		ans.Suggestions = suggestions(res.Hits, 3)
		if len(cands) > 0 {
			ans.Coverage = cands[0].coverage
		}
		return
	}
	best := cands[0]
	ans.Answered = true
	ans.Coverage = best.coverage
	ans.Text = best.hit.Text[best.span.Start:best.span.End]
	ans.Highlights = highlights(best.hit.Matches, best.span)
	switch {
	case best.coverage >= e.opts.HighCoverage && typeFits(q.Type, ans.Text):
		ans.Confidence = High
	case best.coverage >= e.opts.MediumCoverage && !w.offTopic:
		ans.Confidence = Medium
	default:
		ans.Confidence = Low
	}
	ans.Citations = citations(cands, best.score)
}

// citations numbers the answer's passage and up to two more that support
// it, at most two from one document.
func citations(cands []candidate, bestScore float64) []Citation {
	var out []Citation
	perDoc := map[string]int{}
	for _, c := range cands {
		if len(out) == 3 {
			break
		}
		if len(out) > 0 && c.score < bestScore*0.6 {
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

func suggestions(hits []corpus.Hit, n int) []Suggestion {
	var out []Suggestion
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.DocID] || len(out) == n {
			continue
		}
		seen[h.DocID] = true
		out = append(out, Suggestion{Title: h.Title, URL: h.URL, DocID: h.DocID})
	}
	return out
}

// weights tells how much each query term counts, and which terms spell an
// entity's name (such a name is covered when a sentence names the entity in
// any of its forms).
type weights struct {
	term   map[string]float64
	entity map[string]*corpus.Entity // term -> entity whose name it belongs to
	total  float64
	// offTopic is true when the question names something (a capitalised
	// word) the corpus never mentions, or uses two or more words it never
	// uses: signs that it asks about something else.
	offTopic bool
}

func newWeights(q *Question, terms []corpus.Term) weights {
	w := weights{term: map[string]float64{}, entity: map[string]*corpus.Entity{}}
	unknown := 0
	for _, t := range terms {
		wt := t.Weight
		if t.DocFreq == 0 {
			unknown++
		}
		if t.DocFreq == 0 && properNoun(q.Search, t.Span) {
			w.offTopic = true
		}
		if t.DocFreq == 0 && !properNoun(q.Search, t.Span) {
			// A common word the corpus never uses is often just phrasing
			// ("phrase", "heavily"); an unknown name ("Messi") is a sign
			// the question is about something the sources do not cover.
			wt *= 0.5
		}
		w.term[t.Text] = wt
		w.total += wt
		for _, es := range q.EntitySpans {
			if t.Start >= es.Start && t.End <= es.End {
				w.entity[t.Text] = es.Entity
			}
		}
	}
	w.offTopic = w.offTopic || unknown >= 2
	return w
}

// properNoun reports whether the word at span is capitalised and not the
// first word of the question.
func properNoun(text string, span corpus.Span) bool {
	if span.End > len(text) || span.Start >= span.End {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[span.Start:])
	return unicode.IsUpper(r) && strings.TrimSpace(text[:span.Start]) != ""
}

// bestRun scores every sentence of a passage and returns the best run of one
// to three consecutive sentences.
func (e *Engine) bestRun(h *corpus.Hit, rank int, top float64, q *Question, w weights) (candidate, bool) {
	sents := corpus.SplitSentences(h.Text)
	if len(sents) == 0 {
		return candidate{}, false
	}
	// Terms matched outside the sentence: in the FAQ question, the title or the heading.
	context := map[string]float64{}
	for _, m := range h.QuestionMatches {
		context[m.Term] = max(context[m.Term], matchCredit(m))
	}
	for _, t := range h.TitleTerms {
		context[t] = max(context[t], 0.5)
	}
	if h.Kind == corpus.KindFAQ && len(h.QuestionMatches) > 0 {
		// An FAQ answer is read whole: its question is its context.
		for t, c := range context {
			context[t] = max(c, 0.9)
		}
	}
	faqBonus := 0.0
	if h.Kind == corpus.KindFAQ {
		faqBonus = 0.25 * questionSimilarity(h)
	}
	var entsInContext []*corpus.Entity
	for _, m := range e.matcher.Find(h.Title + "\n" + h.Heading + "\n" + h.Question) {
		entsInContext = append(entsInContext, m.Entity)
	}
	scoreSpan := func(s corpus.Span) (float64, float64) {
		covered := map[string]float64{}
		for t, c := range context {
			covered[t] = c
		}
		var positions []int
		for _, m := range h.Matches {
			if m.Start >= s.Start && m.End <= s.End {
				covered[m.Term] = max(covered[m.Term], matchCredit(m))
				positions = append(positions, m.Start)
			}
		}
		mentioned := map[*corpus.Entity]bool{}
		subject := 0.0
		for _, m := range e.matcher.Find(h.Text[s.Start:s.End]) {
			mentioned[m.Entity] = true
			if m.Start < 24 && slices.ContainsFunc(q.EntitySpans, func(es EntitySpan) bool { return es.Entity == m.Entity }) {
				subject = 0.06 // the sentence is about the entity asked for
			}
		}
		for _, ent := range entsInContext {
			if !mentioned[ent] {
				mentioned[ent] = false // known from context: counts half below
			}
		}
		var got float64
		for t, wt := range w.term {
			c := covered[t]
			if ent := w.entity[t]; ent != nil {
				if in, ok := mentioned[ent]; ok {
					c = max(c, map[bool]float64{true: 1, false: 0.6}[in])
				}
			}
			got += wt * c
		}
		cov := 0.0
		if w.total > 0 {
			cov = got / w.total
		}
		text := h.Text[s.Start:s.End]
		score := cov + subject + faqBonus
		if typeFits(q.Type, text) {
			score += 0.15
		}
		score += 0.1 * proximity(positions, s)
		if top > 0 {
			score += e.opts.RetrievalWeight * h.Score / top
		}
		score -= 0.02 * float64(rank)
		if n := corpus.CountWords(text); n > 60 {
			score -= 0.002 * float64(n-60)
		}
		return score, cov
	}
	best := candidate{hit: h, rank: rank, score: math.Inf(-1)}
	for i := range sents {
		if strings.HasPrefix(h.Text[sents[i].Start:], corpus.HeadingPrefix) {
			continue
		}
		for j := i; j < len(sents) && j < i+3; j++ {
			span := corpus.Span{Start: sents[i].Start, End: sents[j].End}
			if j > i && span.End-span.Start > e.opts.MaxAnswerBytes {
				break
			}
			score, cov := scoreSpan(span)
			// A longer run must earn its length; a sentence that leans on the
			// one before ("It", "They") needs it.
			if h.Kind == corpus.KindFAQ && i == 0 && j == len(sents)-1 {
				score += 0.02 // an FAQ answer reads best whole
			} else {
				score -= 0.04 * float64(j-i)
			}
			if corpus.CountWords(h.Text[span.Start:span.End]) < 6 {
				score -= 0.1 // "Yes." or "Two years." says little without the next sentence
			}
			if startsWithReference(h.Text[sents[i].Start:]) && i > 0 {
				score -= 0.05
			}
			if score > best.score {
				best.span, best.score, best.coverage = span, score, cov
			}
		}
	}
	return best, !math.IsInf(best.score, -1)
}

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

var referenceStart = regexp.MustCompile(`^(It|Its|They|Their|This|That|These|Those|He|She|Both|Such|The other|Two of them|Those)\b`)

func startsWithReference(s string) bool { return referenceStart.MatchString(s) }

var (
	numberRe = regexp.MustCompile(`\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred|thousand|million|billion|dozen|half|quarter|per cent|percent)\b`)
	dateRe   = regexp.MustCompile(`\b(1[5-9]\d\d|20\d\d)\b|\b(january|february|march|april|may|june|july|august|september|october|november|december|century|decade)\b`)
	nameRe   = regexp.MustCompile(`(^|[^.!?]\s)[A-Z][\p{L}\d]+`)
	listRe   = regexp.MustCompile(`,.*,|:.*(,| and )|\band\b.*\band\b`)
	defRe    = regexp.MustCompile(`(?i)\b(is|are|was|were|refers to|means|describes|known as|called|name for|term for)\b`)
)

// typeFits reports whether a sentence holds the kind of thing the question asks for.
func typeFits(t Type, text string) bool {
	lower := strings.ToLower(text)
	switch t {
	case TypeNumber:
		return numberRe.MatchString(lower)
	case TypeDate:
		return dateRe.MatchString(lower)
	case TypeName:
		return nameRe.MatchString(text)
	case TypeList:
		return listRe.MatchString(text)
	case TypeDefinition:
		return defRe.MatchString(text)
	}
	return true
}

// entityNames lists an entity's names for display.
func entityNames(e *corpus.Entity) []string { return slices.Clone(e.Names()) }
