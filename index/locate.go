package index

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"futurebot/corpus"
)

// locate finds where the query terms occur in the top n hits by running
// the index's own analyzer over their text (tokens carry byte offsets): the
// same matches Bleve's term locations give, without a second search. A
// token counts for a query term when it is the term, a synonym of it (an
// entity's one-word aliases), one of the question's alternative words for
// it (for less), or, for a term the index does not know, a typo's match.
// The question's Chinese bigrams are found where they stand.
func (ix *Index) locate(terms []string, typos []typo, alts []alternative, han []string, res *corpus.Results, n int) {
	want := make(map[string]string, len(terms))
	for _, t := range terms {
		want[t] = t
		for _, syn := range ix.synonyms[t] {
			if _, ok := want[syn]; !ok {
				want[syn] = t
			}
		}
	}
	// Alternatives count for the term they stand in for, for less.
	alt := map[string]alternative{}
	for _, a := range alts {
		for _, w := range a.terms {
			if _, ok := want[w]; !ok {
				if prev, ok := alt[w]; !ok || prev.credit < a.credit {
					alt[w] = alternative{term: a.term, credit: a.credit}
				}
			}
		}
	}
	// The texts of the top passages are analysed once, and each word's
	// distance to each typo is measured once (-1: too far), for both
	// passes.
	texts := make([][3]string, n)
	tokens := make([][3]analysis.TokenStream, n)
	dists := make([][3][]int, n)
	// nearest is, for each misspelt word, the distance of the nearest word
	// the top passages hold.
	nearest := make([]int, len(typos))
	for k := range nearest {
		nearest[k] = -1
	}
	for i := range n {
		h := &res.Hits[i]
		texts[i] = [3]string{h.Text, h.Question, h.Title + "\n" + h.Heading}
		for f, text := range texts[i] {
			tokens[i][f] = ix.analyzer.Analyze([]byte(text))
			if len(typos) == 0 {
				continue
			}
			dists[i][f] = make([]int, len(tokens[i][f])*len(typos))
			for t, tok := range tokens[i][f] {
				for k, u := range typos {
					d := -1
					if _, ok := want[string(tok.Term)]; !ok {
						d = typoDistance(u, string(tok.Term), text[tok.Start:tok.End])
					}
					dists[i][f][t*len(typos)+k] = d
					if u.misspelt && d >= 0 && (nearest[k] < 0 || d < nearest[k]) {
						nearest[k] = d
					}
				}
			}
		}
	}
	find := func(i, f int) []corpus.Match {
		text := texts[i][f]
		var out []corpus.Match
		for t, tok := range tokens[i][f] {
			if q, ok := want[string(tok.Term)]; ok {
				out = append(out, corpus.Match{Term: q, Span: corpus.Span{Start: tok.Start, End: tok.End}, Exact: true})
				continue
			}
			// A word may stand in for one question word and be a typo's
			// match for another ("humanoid" for "robot", and for
			// "humaniod").
			if a, ok := alt[string(tok.Term)]; ok {
				out = append(out, corpus.Match{Term: a.term, Span: corpus.Span{Start: tok.Start, End: tok.End}, Credit: a.credit})
			}
			// A misspelt word matches the nearest words the passages have:
			// "unitre" is Unitree, not United, two edits away. A real word
			// the index lacks matches its forms ("make": "made", "makers").
			for k, u := range typos {
				if d := dists[i][f][t*len(typos)+k]; d >= 0 && (!u.misspelt || d <= nearest[k]) {
					out = append(out, corpus.Match{Term: u.term, Span: corpus.Span{Start: tok.Start, End: tok.End}})
					break
				}
			}
		}
		for _, bg := range han {
			for from := 0; ; {
				i := strings.Index(text[from:], bg)
				if i < 0 {
					break
				}
				out = append(out, corpus.Match{Term: bg, Span: corpus.Span{Start: from + i, End: from + i + len(bg)}, Exact: true})
				from += i + len(bg)
			}
		}
		if len(han) > 0 {
			slices.SortStableFunc(out, func(a, b corpus.Match) int { return a.Start - b.Start })
		}
		return out
	}
	for i := range n {
		h := &res.Hits[i]
		h.Matches = find(i, 0)
		h.QuestionMatches = find(i, 1)
		for _, m := range find(i, 2) {
			if !slices.Contains(h.TitleTerms, m.Term) {
				h.TitleTerms = append(h.TitleTerms, m.Term)
			}
		}
	}
}

// typoDistance is how far a passage's word (its term, and as written) is
// from a typo, or -1 when it is too far to be meant. A typo is judged on
// the words as written before their stems: "robtics" is one edit from
// "robotics", two from "robot"; a match of stems alone counts one more.
func typoDistance(u typo, term, word string) int {
	if term == "" || term[0] != u.term[0] {
		return -1
	}
	if u.written != "" && lengthsWithin(word, u.written, u.distance) {
		if d := corpus.EditDistance(strings.ToLower(word), u.written); d <= u.distance {
			return d
		}
	}
	if f := fuzziness(u.term); lengthsWithin(term, u.term, f) {
		if d := corpus.EditDistance(term, u.term); d <= f {
			return d + 1
		}
	}
	return -1
}

// lengthsWithin reports whether two words differ in length by at most d
// runes: else they are more than d edits apart, and no distance need be
// computed.
func lengthsWithin(a, b string, d int) bool {
	n := utf8.RuneCountInString(a) - utf8.RuneCountInString(b)
	return n <= d && -n <= d
}

// fuzziness is the edit distance the fuzzy fallback allows for a term.
func fuzziness(term string) int {
	if len([]rune(term)) >= 8 {
		return 2
	}
	return 1
}

// typo is a query term the index does not know, matched loosely: by its
// stem, and by the word as the question writes it.
type typo struct {
	term     string
	written  string // lowercased; "" when the term has no place in the text
	distance int    // the edit distance allowed on the written word
	misspelt bool   // no dictionary knows the written word
}

// typosOf returns the unknown terms of a query as typos to look for.
func typosOf(q corpus.Query, terms []corpus.Term, unknown []string) []typo {
	misspelt := map[string]bool{}
	for _, w := range q.Misspelt {
		misspelt[strings.ToLower(w)] = true
	}
	var out []typo
	for _, t := range terms {
		if !slices.Contains(unknown, t.Text) {
			continue
		}
		u := typo{term: t.Text}
		if t.Start >= 0 {
			u.written = strings.ToLower(q.Text[t.Start:t.End])
			u.distance = writtenFuzziness(u.written, misspelt[u.written])
			u.misspelt = misspelt[u.written]
		}
		out = append(out, u)
	}
	return out
}

// writtenFuzziness is the edit distance allowed between a word as written
// in the question and as written in a passage: chat drops letters
// ("insprd" for "inspired"), but a real word two edits from another is
// another word.
func writtenFuzziness(word string, misspelt bool) int {
	if misspelt && len([]rune(word)) >= 5 {
		return 2
	}
	return fuzziness(word)
}

// analyze returns the distinct analysed terms of text with the span of
// their first occurrence, without the joined forms of its compounds: the
// question's terms are the words it writes.
func (ix *Index) analyze(text string) ([]string, []corpus.Span) {
	var terms []string
	var spans []corpus.Span
	for _, tok := range ix.analyzer.Analyze([]byte(text)) {
		if tok.Type == joined {
			continue
		}
		t := string(tok.Term)
		if !slices.Contains(terms, t) {
			terms = append(terms, t)
			spans = append(spans, corpus.Span{Start: tok.Start, End: tok.End})
		}
	}
	return terms, spans
}

// fieldFreq is how many passages have term in field.
func (ix *Index) fieldFreq(ctx context.Context, r bleveindex.IndexReader, term, field string) int {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	defer tfr.Close()
	return int(tfr.Count())
}

// alternative is a query term's stand-ins, analysed.
type alternative struct {
	term   string // the query term they stand in for
	terms  []string
	credit float64
}

// alternatives analyses the question's alternative words: each stands in
// for the analysed form of its word when that is a term of the question.
func (ix *Index) alternatives(alts []corpus.Alternative, terms []string) []alternative {
	var out []alternative
	for _, a := range alts {
		toks := ix.analyzer.Analyze([]byte(a.Word))
		if len(toks) != 1 || !slices.Contains(terms, string(toks[0].Term)) {
			continue
		}
		al := alternative{term: string(toks[0].Term), credit: a.Credit}
		for _, w := range a.Words {
			for _, tok := range ix.analyzer.Analyze([]byte(w)) {
				if t := string(tok.Term); t != al.term && !slices.Contains(terms, t) && !slices.Contains(al.terms, t) {
					al.terms = append(al.terms, t)
				}
			}
		}
		if len(al.terms) > 0 {
			out = append(out, al)
		}
	}
	return out
}
