package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"futurebot/corpus"
)

// Search runs q and returns ranked passages. When some query terms are
// unknown to the index it adds a bounded fuzzy match for them.
func (ix *Index) Search(ctx context.Context, q corpus.Query) (corpus.Results, error) {
	terms, spans := ix.analyze(q.Text)
	res := corpus.Results{}
	var unknown []string
	var readers []bleveindex.IndexReader
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	for _, b := range ix.shards {
		adv, err := b.Advanced()
		if err != nil {
			return res, fmt.Errorf("search: %w", err)
		}
		r, err := adv.Reader()
		if err != nil {
			return res, fmt.Errorf("search: %w", err)
		}
		readers = append(readers, r)
	}
	for i, t := range terms {
		df := ix.freq(ctx, readers, t)
		res.Terms = append(res.Terms, corpus.Term{Text: t, Span: spans[i], DocFreq: df, Weight: ix.idf(df)})
	}
	res.Terms = ix.splitJoined(ctx, readers, q.Text, ix.joinSplit(ctx, readers, q.Text, res.Terms))
	terms = terms[:0]
	for _, t := range res.Terms {
		terms = append(terms, t.Text)
		// Numbers are not typos: "2026" must not find "2025".
		if n := utf8.RuneCountInString(t.Text); t.DocFreq == 0 && n >= 4 && n <= maxWordRunes && len(unknown) < 5 && strings.Trim(t.Text, "0123456789") != "" {
			unknown = append(unknown, t.Text)
		}
	}

	// Chinese words of the question are matched as CJK bigrams, those the
	// index has: the question's Chinese is also translated into Text, so
	// a bigram no passage has says nothing.
	var han []string
	for _, bg := range hanBigrams(q.Han) {
		df := 0
		for _, r := range readers {
			df += ix.fieldFreq(ctx, r, bg, fieldHan)
		}
		if df > 0 {
			han = append(han, bg)
			res.Terms = append(res.Terms, corpus.Term{Text: bg, Span: corpus.Span{Start: -1, End: -1}, DocFreq: df, Weight: ix.idf(df)})
		}
	}
	alts := ix.alternatives(q.Alternatives, terms)
	main := ix.textQuery(q, res.Terms, unknown, alts)
	if main == nil {
		if q.Kind == "" && q.Sector == "" && q.Company == "" && q.Policy == "" {
			return res, nil
		}
		main = bleve.NewMatchAllQuery() // browse by filter alone
	}
	res.Fuzzy = len(unknown) > 0
	filters := filterQueries(q)
	withFilters := func(main query.Query) query.Query {
		if len(filters) == 0 {
			return main
		}
		return bleve.NewConjunctionQuery(append([]query.Query{main}, filters...)...)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	run := func(main query.Query) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(withFilters(main), limit, q.From, false)
		req.Fields = []string{"*"}
		return ix.searchShards(ctx, req)
	}
	var sr *bleve.SearchResult
	var err error
	// In a large index, first look only at the passages holding nearly all
	// the terms together: a cheap intersection that usually holds the
	// answer. Too few passages there, and the full query runs.
	if strict := ix.strictQuery(q, res.Terms); strict != nil && !q.Browse {
		if sr, err = run(strict); err != nil {
			return res, fmt.Errorf("search: %w", err)
		}
		if len(sr.Hits) < min(limit, strictMinHits) {
			sr = nil
		}
	}
	if sr == nil {
		if sr, err = run(main); err != nil {
			return res, fmt.Errorf("search: %w", err)
		}
	}
	res.Total = int(sr.Total)
	for _, h := range sr.Hits {
		res.Hits = append(res.Hits, corpus.Hit{Passage: passageFrom(h), Score: h.Score})
	}
	if q.Locate > 0 && len(res.Hits) > 0 {
		ix.locate(terms, typosOf(q, res.Terms, unknown), alts, han, &res, min(q.Locate, len(res.Hits)))
	}
	return res, nil
}

// joinSplit finds a word the question splits in two where the sources
// write it as one ("brain co" for BrainCo, "wu kong" for Wukong): two
// adjacent words, one of them unknown to the index, whose joined form the
// index has, become that one term, spanning both words.
func (ix *Index) joinSplit(ctx context.Context, readers []bleveindex.IndexReader, text string, terms []corpus.Term) []corpus.Term {
	out := make([]corpus.Term, 0, len(terms))
	for i := 0; i < len(terms); i++ {
		t := terms[i]
		if i+1 < len(terms) {
			n := terms[i+1]
			if (t.DocFreq == 0 || n.DocFreq == 0) && t.Start >= 0 && t.End+1 == n.Start && n.End <= len(text) && text[t.End] == ' ' {
				raw := text[t.Start:t.End] + text[n.Start:n.End]
				if jt, _ := ix.analyze(raw); len(jt) == 1 && !hasTerm(terms, jt[0]) {
					if df := ix.freq(ctx, readers, jt[0]); df > 0 {
						out = append(out, corpus.Term{Text: jt[0], Span: corpus.Span{Start: t.Start, End: n.End}, DocFreq: df, Weight: ix.idf(df), Written: raw})
						i++
						continue
					}
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// maxWordRunes is the longest word looked at as a typo or as words run
// together: a longer one is no word a member meant, and matching it
// loosely costs more the longer it is.
const maxWordRunes = 32

// splitJoined finds two words the question runs together where the
// sources write them apart ("blackmyth", "pangongsheng"): a word of seven
// letters or more unknown to the index that splits into two words a
// passage holds side by side becomes those two terms, each spanning its
// part of the word.
func (ix *Index) splitJoined(ctx context.Context, readers []bleveindex.IndexReader, text string, terms []corpus.Term) []corpus.Term {
	out := make([]corpus.Term, 0, len(terms))
	for _, t := range terms {
		if t.DocFreq > 0 || t.Start < 0 || t.End-t.Start < 7 || t.End-t.Start > maxWordRunes || !asciiLetters(text[t.Start:t.End]) {
			out = append(out, t)
			continue
		}
		w := text[t.Start:t.End]
		var parts []corpus.Term
		for k := 3; k <= len(w)-3 && parts == nil; k++ {
			left, _ := ix.analyze(w[:k])
			right, _ := ix.analyze(w[k:])
			if len(left) != 1 || len(right) != 1 || hasTerm(terms, left[0]) || hasTerm(terms, right[0]) {
				continue
			}
			ldf, rdf := ix.freq(ctx, readers, left[0]), ix.freq(ctx, readers, right[0])
			if ldf == 0 || rdf == 0 || !ix.together(ctx, left[0], right[0]) {
				continue
			}
			parts = []corpus.Term{{Text: left[0], Span: corpus.Span{Start: t.Start, End: t.Start + k}, DocFreq: ldf, Weight: ix.idf(ldf), Written: w[:k]},
				{Text: right[0], Span: corpus.Span{Start: t.Start + k, End: t.End}, DocFreq: rdf, Weight: ix.idf(rdf), Written: w[k:]}}
		}
		if parts == nil {
			out = append(out, t)
			continue
		}
		out = append(out, parts...)
	}
	return out
}

// together reports whether a passage holds the two terms side by side,
// looking at a few passages that hold both (the index keeps no positions).
func (ix *Index) together(ctx context.Context, a, b string) bool {
	both := bleve.NewConjunctionQuery(bleve.NewTermQuery(a), bleve.NewTermQuery(b))
	for _, q := range both.Conjuncts {
		q.(*query.TermQuery).SetField(fieldBody)
	}
	req := bleve.NewSearchRequestOptions(both, 3, 0, false)
	req.Fields = []string{fieldBody}
	sr, err := ix.searchShards(ctx, req)
	if err != nil {
		return false
	}
	for _, h := range sr.Hits {
		body, _ := h.Fields[fieldBody].(string)
		var prev string
		for _, tok := range ix.analyzer.Analyze([]byte(body)) {
			if tok.Type == joined {
				continue
			}
			if prev == a && string(tok.Term) == b {
				return true
			}
			prev = string(tok.Term)
		}
	}
	return false
}

// written is a term's words as a query should read them: as the sources
// would write them when the question does otherwise (see Term.Written).
// Terms without a place in the question (Chinese bigrams) have none.
func written(text string, t corpus.Term) string {
	switch {
	case t.Written != "":
		return t.Written
	case t.Start < 0 || t.End > len(text):
		return ""
	}
	return text[t.Start:t.End]
}

// hasTerm reports whether terms holds the term text.
func hasTerm(terms []corpus.Term, text string) bool {
	return slices.ContainsFunc(terms, func(t corpus.Term) bool { return t.Text == text })
}

// asciiLetters reports whether s is all ASCII letters.
func asciiLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// freq is how many passages hold term, over the shards.
func (ix *Index) freq(ctx context.Context, readers []bleveindex.IndexReader, term string) int {
	n := 0
	for _, r := range readers {
		n += ix.docFreq(ctx, r, term)
	}
	return n
}

func (ix *Index) docFreq(ctx context.Context, r bleveindex.IndexReader, term string) int {
	best := 0
	for _, f := range []string{fieldBody, fieldQuestion, fieldTitle} {
		best = max(best, ix.fieldFreq(ctx, r, term, f))
	}
	return best
}

// idf is BM25's inverse document frequency.
func (ix *Index) idf(df int) float64 {
	return math.Log(1 + (ix.documents()-float64(df)+0.5)/(float64(df)+0.5))
}

type fieldBoost struct {
	name  string
	boost float64
}

// retrievalFields choose passages. Titles and headings are left out: every
// passage repeats its article's title, so matching it ranks whole articles
// instead of the passage that answers (they still count in sentence scoring
// through the location pass).
func (ix *Index) retrievalFields() []fieldBoost {
	return []fieldBoost{{fieldBody, ix.opts.Boosts.Body}, {fieldQuestion, ix.opts.Boosts.Question}}
}

// matchText matches text in each field, with a bounded fuzzy match of the
// unknown terms in the body and the FAQ question.
func matchText(text string, fields []fieldBoost, unknown []string) []query.Query {
	var parts []query.Query
	if strings.TrimSpace(text) == "" {
		return nil
	}
	for _, f := range fields {
		if f.boost <= 0 {
			continue
		}
		m := bleve.NewMatchQuery(text)
		m.SetField(f.name)
		m.SetBoost(f.boost)
		parts = append(parts, m)
		if f.name != fieldBody && f.name != fieldQuestion {
			continue // titles and headings repeat the body's words; fuzzy matching there costs more than it finds
		}
		for _, u := range unknown {
			fz := bleve.NewFuzzyQuery(u)
			fz.SetField(f.name)
			fz.Prefix = 1
			fz.SetFuzziness(fuzziness(u))
			fz.SetBoost(f.boost * 0.7)
			parts = append(parts, fz)
		}
	}
	return parts
}

// Very common terms (in more than commonShare of the passages of a large
// index) cost most of a search and tell passages apart least: they only add
// to the score of passages the other terms find.
const (
	commonShare   = 0.03
	commonMinDocs = 2000
)

// textQuery is the retrieval query: the question's terms and the entities
// it names. In a large index, common terms become optional ("should")
// clauses scored only on the passages the rarer terms find.
func (ix *Index) textQuery(q corpus.Query, terms []corpus.Term, unknown []string, alts []alternative) query.Query {
	rare, common := q.Text, ""
	if n := ix.documents(); n >= commonMinDocs {
		rare, common = splitCommon(q.Text, terms, n*commonShare)
	}
	parts := append(matchText(rare, ix.retrievalFields(), unknown), ix.entityClauses(q.Entities)...)
	for _, t := range terms {
		if t.Written != "" {
			parts = append(parts, matchText(t.Written, ix.retrievalFields(), nil)...) // a split or joined word, as the sources write it
		}
	}
	// A word the index does not know is looked for by its alternatives.
	for _, a := range alts {
		if !slices.ContainsFunc(terms, func(t corpus.Term) bool { return t.Text == a.term && t.DocFreq == 0 }) {
			continue
		}
		for _, t := range a.terms {
			for _, f := range ix.retrievalFields() {
				tq := bleve.NewTermQuery(t)
				tq.SetField(f.name)
				tq.SetBoost(f.boost * a.credit)
				parts = append(parts, tq)
			}
		}
	}
	if q.Han != "" {
		m := bleve.NewMatchQuery(corpus.HanText(q.Han))
		m.SetField(fieldHan)
		m.SetBoost(ix.opts.Boosts.Body)
		parts = append(parts, m)
	}
	if len(parts) == 0 {
		return nil
	}
	// Titles and headings only add to the score of passages the body finds,
	// outside the body's coordination, so an article's title cannot outweigh
	// the passage that answers.
	should := matchText(q.Text, []fieldBoost{{fieldTitle, ix.opts.Boosts.Title}, {fieldHeading, ix.opts.Boosts.Heading}}, nil)
	if common != "" {
		should = append(should, matchText(common, ix.retrievalFields(), nil)...)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(bleve.NewDisjunctionQuery(parts...))
	if len(should) > 0 {
		bq.AddShould(bleve.NewDisjunctionQuery(should...))
	}
	return bq
}

// entityClauses favour passages about the named entities: each name (or
// alias, through the synonym collection) in the sector, company and policy
// fields.
func (ix *Index) entityClauses(names []string) []query.Query {
	var out []query.Query
	for _, e := range names {
		for _, f := range []string{fieldSectors, fieldCompanies, fieldPolicies} {
			m := bleve.NewMatchQuery(corpus.NormalizeName(e))
			m.SetField(f)
			m.SetBoost(ix.opts.Boosts.Entity)
			out = append(out, m)
		}
	}
	return out
}

// strictMinHits is how many passages the strict query must find for its
// answer to stand.
const strictMinHits = 3

// strictQuery requires all but the commonest of a question's known terms
// together (both, for a question of two), in the body or the FAQ question,
// and ranks those passages by all the terms. It is only for large indexes;
// when it finds too little, the full query runs.
func (ix *Index) strictQuery(q corpus.Query, terms []corpus.Term) query.Query {
	if ix.documents() < commonMinDocs {
		return nil
	}
	var known []corpus.Term
	for _, t := range terms {
		if t.DocFreq > 0 && written(q.Text, t) != "" {
			known = append(known, t)
		}
	}
	if len(known) < 2 {
		return nil
	}
	slices.SortFunc(known, func(a, b corpus.Term) int { return a.DocFreq - b.DocFreq })
	required := max(len(known)-1, 2)
	bq := bleve.NewBooleanQuery()
	for _, t := range known[:required] {
		bq.AddMust(bleve.NewDisjunctionQuery(matchText(written(q.Text, t), ix.retrievalFields(), nil)...))
	}
	// The required terms score already; the rest only add to the passages
	// they find.
	var should []query.Query
	for _, t := range known[required:] {
		should = append(should, matchText(written(q.Text, t), ix.retrievalFields(), nil)...)
	}
	should = append(should, ix.entityClauses(q.Entities)...)
	if len(should) > 0 {
		bq.AddShould(bleve.NewDisjunctionQuery(should...))
	}
	return bq
}

// splitCommon splits the question text into the words of its rarer terms
// and those of its common terms (document frequency over limit). When every
// term is common, the two rarest stay required.
func splitCommon(text string, terms []corpus.Term, limit float64) (rare, common string) {
	var rareIdx, commonIdx []int
	for i, t := range terms {
		if float64(t.DocFreq) > limit {
			commonIdx = append(commonIdx, i)
		} else {
			rareIdx = append(rareIdx, i)
		}
	}
	if len(commonIdx) == 0 {
		return text, ""
	}
	if len(rareIdx) == 0 {
		slices.SortFunc(commonIdx, func(a, b int) int { return terms[a].DocFreq - terms[b].DocFreq })
		n := min(2, len(commonIdx))
		rareIdx, commonIdx = commonIdx[:n], commonIdx[n:]
	}
	words := func(idx []int) string {
		var w []string
		for _, i := range idx {
			if word := written(text, terms[i]); word != "" {
				w = append(w, word)
			}
		}
		return strings.Join(w, " ")
	}
	return words(rareIdx), words(commonIdx)
}

func filterQueries(q corpus.Query) []query.Query {
	var out []query.Query
	for _, f := range []struct{ field, value string }{
		{fieldSectors, q.Sector}, {fieldCompanies, q.Company}, {fieldPolicies, q.Policy},
	} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		m := bleve.NewMatchQuery(corpus.NormalizeName(f.value))
		m.SetField(f.field)
		out = append(out, m)
	}
	if q.Kind != "" {
		t := bleve.NewTermQuery(string(q.Kind))
		t.SetField(fieldKind)
		out = append(out, t)
	}
	return out
}

func passageFrom(h *search.DocumentMatch) corpus.Passage {
	str := func(f string) string { s, _ := h.Fields[f].(string); return s }
	num := func(f string) int { n, _ := h.Fields[f].(float64); return int(n) }
	list := func(f string) []string {
		switch v := h.Fields[f].(type) {
		case string:
			return []string{v}
		case []interface{}:
			out := make([]string, 0, len(v))
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			return out
		}
		return nil
	}
	return corpus.Passage{
		ID: h.ID, DocID: str(fieldDocID), Kind: corpus.Kind(str(fieldKind)), Title: str(fieldTitle),
		Heading: str(fieldHeading), Question: str(fieldQuestion), URL: str(fieldURL), Source: str(fieldSource),
		Published: str(fieldPublished), Sectors: list(fieldSectors), Companies: list(fieldCompanies),
		Policies: list(fieldPolicies), Position: num(fieldPosition), Start: num(fieldStart), End: num(fieldEnd),
		Text: str(fieldBody),
	}
}

// searchShards runs req on every shard, each on a goroutine of its own that
// recovers: a panic inside Bleve on a damaged segment becomes an error for
// this question, not the end of the bot. Hits are merged by score.
func (ix *Index) searchShards(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if len(ix.shards) == 1 {
		return safeSearch(ctx, ix.shards[0], req)
	}
	// Each shard returns the hits up to the page's end; the merge cuts the
	// page.
	sub := *req
	sub.From, sub.Size = 0, req.From+req.Size
	results := make([]*bleve.SearchResult, len(ix.shards))
	errs := make([]error, len(ix.shards))
	var wg sync.WaitGroup
	for i, b := range ix.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = safeSearch(ctx, b, &sub)
		}()
	}
	wg.Wait()
	merged := &bleve.SearchResult{Request: req}
	for i, r := range results {
		if errs[i] != nil {
			return nil, errs[i]
		}
		merged.Total += r.Total
		merged.MaxScore = max(merged.MaxScore, r.MaxScore)
		merged.Took = max(merged.Took, r.Took)
		merged.Hits = append(merged.Hits, r.Hits...)
	}
	sort.SliceStable(merged.Hits, func(a, b int) bool { return merged.Hits[a].Score > merged.Hits[b].Score })
	from := min(req.From, len(merged.Hits))
	merged.Hits = merged.Hits[from:min(from+req.Size, len(merged.Hits))]
	return merged, nil
}

// safeSearch is one shard's search, with a panic turned into an error.
func safeSearch(ctx context.Context, b bleve.Index, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("%w: the search failed inside the index (%v)", ErrCorrupt, p)
		}
	}()
	return b.SearchInContext(ctx, req)
}
