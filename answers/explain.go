package answers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Explanation says how an answer was chosen: the question as understood,
// what each of its words weighed and where it was found, the passages
// considered with their scores, and why the answer won or the question was
// declined.
type Explanation struct {
	// Understood is the question as searched: aliases replaced by their
	// entity's name, Chinese translated, question words left out.
	Understood string   `json:"understood"`
	Entities   []string `json:"entities"`
	// Types are the kinds of answer expected ("date", "number (count)").
	Types []string `json:"types"`
	// Terms are the question's words with their share of its weight.
	Terms []ExplainedTerm `json:"terms"`
	// Alternatives are the other words searched for the question's words
	// ("town → city, township").
	Alternatives []string `json:"alternatives"`
	// Considered are the best windows, in score order.
	Considered []Considered `json:"considered"`
	// Why says why the answer won, or why there is none.
	Why string `json:"why"`
}

// ExplainedTerm is one word of the question.
type ExplainedTerm struct {
	Term  string  `json:"term"`
	Share float64 `json:"share"` // of the question's weight
	// Found is false for a word no passage read holds in any form.
	Found bool `json:"found"`
}

// String is the word with its share, and "(not found)" when no passage
// read holds it: "miit 18%".
func (t ExplainedTerm) String() string {
	s := fmt.Sprintf("%s %.0f%%", t.Term, 100*t.Share)
	if !t.Found {
		s += " (not found)"
	}
	return s
}

// TermList lists the explanation's words with their shares.
func (x *Explanation) TermList() string {
	var out []string
	for _, t := range x.Terms {
		out = append(out, t.String())
	}
	return strings.Join(out, ", ")
}

// Considered is one window the engine weighed.
type Considered struct {
	Title    string  `json:"title"`
	DocID    string  `json:"doc_id"`
	Text     string  `json:"text"` // its first words
	Score    float64 `json:"score"`
	Coverage float64 `json:"coverage"`
	// Holds is true when it holds what the question asks for.
	Holds bool `json:"holds"`
	// Chosen is true for the answer.
	Chosen bool `json:"chosen"`
}

// AskExplained answers a question as Ask does and says how (Answer.Explain).
func (e *Engine) AskExplained(ctx context.Context, question string) (Answer, error) {
	return e.ask(ctx, question, true)
}

// explain fills ans.Explain from what compose weighed.
func (e *Engine) explain(ans *Answer, q *Question, w weights, cands []candidate, asked *askedWords, need float64, pick int) {
	x := &Explanation{Understood: strings.Join(strings.Fields(q.Search), " "), Entities: ans.Entities}
	for _, t := range q.Types {
		name := string(t)
		if t == TypeNumber && q.Unit != UnitAny {
			name += " (" + string(q.Unit) + ")"
		}
		x.Types = append(x.Types, name)
	}
	found := map[string]bool{}
	for _, c := range cands {
		for _, m := range c.hit.Matches {
			found[m.Term] = true
		}
	}
	for _, t := range w.order {
		share := 0.0
		if w.total > 0 {
			share = w.term[t] / w.total
		}
		x.Terms = append(x.Terms, ExplainedTerm{Term: t, Share: share, Found: found[t] || w.entity[t] != nil})
	}
	for _, a := range q.Alternatives {
		x.Alternatives = append(x.Alternatives, a.Word+" → "+strings.Join(a.Words, ", "))
	}
	sort.Strings(x.Alternatives)
	for i, c := range cands {
		if i == 5 {
			break
		}
		text := strings.Join(strings.Fields(c.text()), " ")
		if len(text) > 120 {
			cut := 117
			for cut > 0 && text[cut]&0xC0 == 0x80 {
				cut--
			}
			text = text[:cut] + "…"
		}
		x.Considered = append(x.Considered, Considered{Title: c.hit.Title, DocID: c.hit.DocID, Text: text, Score: c.score,
			Coverage: c.coverage, Holds: c.holdsAnswer(q, asked), Chosen: i == pick})
	}
	switch {
	case q.Opinion:
		x.Why = "the question asks for a view or advice; the sources hold facts"
	case w.thin:
		x.Why = "the question says too little to quote anything for"
	case w.foreignShare > e.opts.MaxForeign:
		x.Why = fmt.Sprintf("the question asks about something the sources never mention (%s)", strings.Join(ans.Foreign, ", "))
	case pick < 0 && slices.ContainsFunc(cands[:min(len(cands), maxTypeTries)], func(c candidate) bool {
		return c.coverage >= need && e.behind(q, &cands[0], &c) && c.holdsAnswer(q, asked)
	}):
		x.Why = fmt.Sprintf("the passages that hold a %s cover much less of the question than the best ones, which do not", strings.Join(x.Types, " and "))
	case pick < 0:
		x.Why = fmt.Sprintf("no passage covers enough of the question (at least %.2f of its weight) and holds a %s", need, strings.Join(x.Types, " and "))
	default:
		x.Why = fmt.Sprintf("the best window that covers %.2f of the question's weight (at least %.2f needed) and holds a %s",
			cands[pick].coverage, need, strings.Join(x.Types, " and "))
	}
	ans.Explain = x
}
