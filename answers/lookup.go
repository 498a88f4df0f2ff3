package answers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"futurebot/corpus"
)

// Match ranks, best first.
const (
	RankExact  = iota // the name or an alias, exactly
	RankPrefix        // the canonical name starts with the text
	RankAlias         // an alias starts with it, or a word of a name does
	RankFuzzy         // a name is within a small edit distance
)

// EntityMatch is one entity a typed name may mean.
type EntityMatch struct {
	Entity  *corpus.Entity
	Matched string // the name or alias that matched
	Rank    int
	dist    int
}

// ErrUnknownEntity is returned by Lookup when no entity matches the name.
var ErrUnknownEntity = errors.New("no such entity")

// Resolve returns up to n entities of kind (any kind when empty) that name
// may mean, ranked exact > prefix > alias > fuzzy. Case, hyphens and small
// typos are forgiven. An empty name lists entities alphabetically.
func (e *Engine) Resolve(kind corpus.EntityKind, name string, n int) []EntityMatch {
	q := corpus.NormalizeName(name)
	ents := e.matcher.Entities()
	var out []EntityMatch
	for i := range ents {
		ent := &ents[i]
		if kind != "" && ent.Kind != kind {
			continue
		}
		if q == "" {
			out = append(out, EntityMatch{Entity: ent, Matched: ent.Name, Rank: RankPrefix})
			continue
		}
		best := EntityMatch{Entity: ent, Rank: -1}
		consider := func(alias string, rank, dist int) {
			if best.Rank < 0 || rank < best.Rank || rank == best.Rank && dist < best.dist {
				best.Matched, best.Rank, best.dist = alias, rank, dist
			}
		}
		for j, alias := range ent.Names() {
			a := corpus.NormalizeName(alias)
			switch {
			case a == q:
				consider(alias, RankExact, 0)
			case j == 0 && strings.HasPrefix(a, q):
				consider(alias, RankPrefix, len(a)-len(q))
			case strings.HasPrefix(a, q) || strings.Contains(" "+a, " "+q):
				consider(alias, RankAlias, len(a)-len(q))
			default:
				limit := 1
				if len([]rune(q)) >= 8 {
					limit = 2
				}
				if len([]rune(q)) < 4 {
					break
				}
				d := corpus.EditDistance(a, q)
				if pre := prefixRunes(a, len([]rune(q))); len([]rune(a)) > len([]rune(q))+limit {
					d = min(d, corpus.EditDistance(pre, q)+1)
				}
				if d <= limit {
					consider(alias, RankFuzzy, d)
				}
			}
		}
		if best.Rank >= 0 {
			out = append(out, best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		return strings.ToLower(a.Entity.Name) < strings.ToLower(b.Entity.Name)
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

func prefixRunes(s string, n int) string {
	r := []rune(s)
	if n < len(r) {
		r = r[:n]
	}
	return string(r)
}

// Card is what the bot knows about one entity.
type Card struct {
	Entity  corpus.Entity
	Related []corpus.Entity
	// Facts are up to three cited sentences about the entity.
	Facts []Citation
}

// Lookup finds the entity of kind that name means and gathers its card.
func (e *Engine) Lookup(ctx context.Context, kind corpus.EntityKind, name string) (Card, error) {
	ms := e.Resolve(kind, name, 1)
	if len(ms) == 0 || strings.TrimSpace(name) == "" {
		return Card{}, fmt.Errorf("lookup %s %q: %w", kind, name, ErrUnknownEntity)
	}
	ent := ms[0].Entity
	card := Card{Entity: *ent}
	for _, r := range ent.Related {
		if rm := e.Resolve("", r, 1); len(rm) > 0 && rm[0].Rank == RankExact {
			card.Related = append(card.Related, *rm[0].Entity)
		}
	}
	q := corpus.Query{Text: ent.Name, Entities: []string{ent.Name}, Limit: 12, Locate: 12}
	switch ent.Kind {
	case corpus.Sector:
		q.Sector = ent.Name
	case corpus.Company:
		q.Company = ent.Name
	case corpus.Policy:
		q.Policy = ent.Name
	}
	res, err := e.search.Search(ctx, q)
	if err != nil {
		return card, fmt.Errorf("lookup %s %q: %w", kind, name, err)
	}
	perDoc := map[string]int{}
	seen := map[string]bool{}
	for i := range res.Hits {
		h := &res.Hits[i]
		if len(card.Facts) == 3 {
			break
		}
		if perDoc[h.DocID] == 2 {
			continue
		}
		span, ok := e.factAbout(h, ent)
		if !ok || seen[h.Text[span.Start:span.End]] {
			continue
		}
		seen[h.Text[span.Start:span.End]] = true
		perDoc[h.DocID]++
		card.Facts = append(card.Facts, citationFor(h, span, len(card.Facts)+1))
	}
	return card, nil
}

// factAbout picks the sentence of a passage that says most about ent: one
// that names it, preferably as its subject.
func (e *Engine) factAbout(h *corpus.Hit, ent *corpus.Entity) (corpus.Span, bool) {
	best, bestScore := corpus.Span{}, -1
	for _, s := range corpus.SplitSentences(h.Text) {
		text := h.Text[s.Start:s.End]
		if strings.HasPrefix(text, corpus.HeadingPrefix) {
			continue
		}
		for _, m := range e.matcher.Find(text) {
			if m.Entity.Name != ent.Name {
				continue
			}
			score := 1
			if m.Start < 24 {
				score = 2
			}
			if score > bestScore {
				best, bestScore = s, score
			}
		}
	}
	return best, bestScore > 0
}

// Search runs a query against the index as is: ranked passages for /search
// and "more sources".
func (e *Engine) Search(ctx context.Context, q corpus.Query) (corpus.Results, error) {
	q.Text = Analyze(q.Text, nil).Raw
	return e.search.Search(ctx, q)
}

// SuggestQuestions returns up to n FAQ questions that match what the user
// has typed so far (the first FAQ questions when nothing is typed yet).
func (e *Engine) SuggestQuestions(ctx context.Context, typed string, n int) ([]string, error) {
	res, err := e.search.Search(ctx, corpus.Query{Text: Analyze(typed, nil).Raw, Kind: corpus.KindFAQ, Limit: n})
	if err != nil {
		return nil, fmt.Errorf("suggest questions: %w", err)
	}
	var out []string
	seen := map[string]bool{}
	for _, h := range res.Hits {
		if h.Question != "" && !seen[h.Question] {
			seen[h.Question] = true
			out = append(out, h.Question)
		}
	}
	return out, nil
}
