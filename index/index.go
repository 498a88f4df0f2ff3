// Package index keeps the corpus in a Bleve index on disk and searches it.
// It is the only futurebot package that knows Bleve.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"futurebot/corpus"
)

// Options tune scoring. The zero value means the measured defaults.
type Options struct {
	// Scoring is "bm25" or "tf-idf".
	Scoring string
	Boosts  Boosts
}

// Boosts weigh the fields a question is matched against.
type Boosts struct {
	Body, Title, Heading, Question, Entity float64
}

// DefaultOptions are the scoring settings chosen by measurement
// (answers.TestEvalScoring): tf-idf scored at least as well as BM25 on the
// built-in eval, SQuAD and StackFAQ, and field boosts moved the results by
// under one point because answers re-rank passages by their sentences.
var DefaultOptions = Options{
	Scoring: "tf-idf",
	Boosts:  Boosts{Body: 1, Title: 0.05, Heading: 0.05, Question: 1.5, Entity: 0.5},
}

func (o Options) withDefaults() Options {
	if o.Scoring == "" {
		o.Scoring = DefaultOptions.Scoring
	}
	if o.Boosts == (Boosts{}) {
		o.Boosts = DefaultOptions.Boosts
	}
	return o
}

// Format changes whenever loading, splitting or the mapping changes, so an
// index built by an older futurebot is rebuilt even if the corpus is the same.
const Format = 7

// Meta describes one built index; it is stored beside the Bleve files.
type Meta struct {
	Format      int             `json:"format"`
	Version     string          `json:"version"`
	Fingerprint string          `json:"fingerprint"`
	Built       time.Time       `json:"built"`
	Scoring     string          `json:"scoring"`
	Articles    int             `json:"articles"`
	FAQs        int             `json:"faqs"`
	Passages    int             `json:"passages"`
	Entities    []corpus.Entity `json:"entities"`
	Sources     map[string]int  `json:"sources"`
	Problems    []string        `json:"problems,omitempty"`
	// Docs maps each document ID to its content hash, to diff rebuilds.
	Docs map[string]string `json:"docs"`
	// Probe is a text the index must find something for.
	Probe string `json:"probe"`
	// Shards is how many Bleve indexes the passages are spread over.
	Shards int `json:"shards"`
}

const metaFile = "meta.json"

// Index is an open, searchable index. It is safe for concurrent use.
type Index struct {
	dir string
	// shards hold the passages; bleve searches them all (an IndexAlias
	// when there are several, searched in parallel).
	shards   []bleve.Index
	bleve    bleve.Index
	meta     Meta
	opts     Options
	analyzer analysis.Analyzer
	docCount float64
	// synonyms maps an analysed one-word entity alias to the others of its
	// entity, as the text synonym collection does.
	synonyms map[string][]string
}

// ErrEmpty is returned when a build would produce an index without documents.
var ErrEmpty = errors.New("no documents to index")

// ErrLocked is returned when another process holds the index open.
var ErrLocked = errors.New("index is in use by another futurebot process")

// Build indexes c into a new index at dir, which must not exist yet.
func Build(ctx context.Context, dir string, c *corpus.Corpus, fingerprint string, problems []corpus.Problem, opts Options) (*Index, error) {
	return BuildProgress(ctx, dir, c, fingerprint, problems, opts, nil)
}

// BuildProgress is Build that reports, after each batch, how many documents
// and passages it has indexed.
func BuildProgress(ctx context.Context, dir string, c *corpus.Corpus, fingerprint string, problems []corpus.Problem, opts Options,
	progress func(docs, passages int)) (*Index, error) {
	opts = opts.withDefaults()
	if len(c.Documents) == 0 {
		return nil, ErrEmpty
	}
	im, err := newMapping(opts.Scoring)
	if err != nil {
		return nil, err
	}
	n := shardCount(c)
	var shards []bleve.Index
	closeAll := func() {
		for _, b := range shards {
			b.Close()
		}
		os.RemoveAll(dir)
	}
	for i := range n {
		b, err := bleve.New(shardPath(dir, n, i), im)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("create index %q: %w", dir, err)
		}
		shards = append(shards, b)
	}
	meta := Meta{Format: Format, Shards: n, Version: time.Now().UTC().Format("20060102T150405.000"), Fingerprint: fingerprint,
		Built: time.Now().UTC(), Scoring: opts.Scoring, Entities: c.Entities, Sources: map[string]int{},
		Docs: make(map[string]string, len(c.Documents))}
	for _, p := range problems {
		meta.Problems = append(meta.Problems, p.Error())
	}
	if err := fill(ctx, shards, c, &meta, progress); err != nil {
		closeAll()
		return nil, err
	}
	// One segment per shard answers faster than many: every term is looked
	// up once. The shards merge in parallel.
	errs := make(chan error, n)
	for _, b := range shards {
		go func() { errs <- forceMerge(ctx, b) }()
	}
	for range n {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("merge index segments: %w", err)
	}
	data, err := json.MarshalIndent(meta, "", "  ")
	if err == nil {
		err = writeFileSync(filepath.Join(dir, metaFile), data)
	}
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("write index meta: %w", err)
	}
	return newIndex(dir, shards, meta, opts)
}

// shardMinPassages is the size from which passages are split over two
// shards, searched in parallel; below it one index answers fast enough.
var shardMinPassages = 20000

// shardCount picks one shard, or two for a large corpus on a machine with
// two or more cores.
func shardCount(c *corpus.Corpus) int {
	if runtime.GOMAXPROCS(0) < 2 {
		return 1
	}
	words := 0
	for i := range c.Documents {
		words += corpus.CountWords(c.Documents[i].Body)
		if words/80 >= shardMinPassages {
			return 2
		}
	}
	return 1
}

func shardPath(dir string, n, i int) string {
	if n <= 1 {
		return filepath.Join(dir, "bleve")
	}
	return filepath.Join(dir, fmt.Sprintf("bleve-%d", i))
}

// fill indexes passages and synonym definitions in batches.
func fill(ctx context.Context, shards []bleve.Index, c *corpus.Corpus, meta *Meta, progress func(docs, passages int)) error {
	const batchSize = 1000
	// A producer prepares documents (splitting, entity tagging, hashing)
	// while Bleve analyses and writes the previous batch on the other cores.
	type prepared struct {
		doc      int
		hash     string
		passages []corpus.Passage
		fields   []bleveDoc
	}
	work := make(chan prepared, 256)
	pctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		defer close(work)
		matcher := corpus.NewMatcher(c.Entities)
		for i := range c.Documents {
			d := &c.Documents[i]
			pr := prepared{doc: i, hash: d.Hash(), passages: corpus.SplitPassages(d)}
			for k := range pr.passages {
				pr.fields = append(pr.fields, toBleveDoc(&pr.passages[k], matcher))
			}
			select {
			case work <- pr:
			case <-pctx.Done():
				return
			}
		}
	}()
	batches := make([]*bleve.Batch, len(shards))
	for i, b := range shards {
		batches[i] = b.NewBatch()
	}
	pending := 0
	docsDone := 0
	flush := func() error {
		if pending == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for i, b := range shards {
			if batches[i].Size() == 0 {
				continue
			}
			if err := b.Batch(batches[i]); err != nil {
				return fmt.Errorf("index batch: %w", err)
			}
			batches[i].Reset()
		}
		pending = 0
		if progress != nil {
			progress(docsDone, meta.Passages)
		}
		return nil
	}
	for pr := range work {
		d := &c.Documents[pr.doc]
		docsDone = pr.doc
		meta.Docs[d.ID] = pr.hash
		if d.Kind == corpus.KindFAQ {
			meta.FAQs++
		} else {
			meta.Articles++
		}
		if d.Source != "" {
			meta.Sources[d.Source]++
		}
		for k, p := range pr.passages {
			meta.Passages++
			if meta.Probe == "" {
				meta.Probe = p.Title + " " + p.Text
			}
			if err := batches[pr.doc%len(shards)].Index(p.ID, pr.fields[k]); err != nil {
				return fmt.Errorf("index %s: %w", p.ID, err)
			}
			if pending++; pending >= batchSize {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, e := range c.Entities {
		var names, single []string
		for _, n := range e.Names() {
			names = append(names, corpus.NormalizeName(n))
			if !strings.ContainsAny(n, " -") {
				single = append(single, n)
			}
		}
		for _, batch := range batches { // every shard knows every synonym
			// A name alone has no synonym; a segment whose synonym
			// section holds only such entries fails every search of the
			// field ("no synonyms found").
			if len(names) > 1 {
				if err := batch.IndexSynonym(fmt.Sprintf("entity-%d", i), entityCollection, &bleve.SynonymDefinition{Synonyms: names}); err != nil {
					return fmt.Errorf("entity synonyms for %q: %w", e.Name, err)
				}
			}
			if len(single) > 1 {
				if err := batch.IndexSynonym(fmt.Sprintf("text-%d", i), textCollection, &bleve.SynonymDefinition{Synonyms: single}); err != nil {
					return fmt.Errorf("text synonyms for %q: %w", e.Name, err)
				}
			}
			pending++
		}
	}
	docsDone = len(c.Documents)
	return flush()
}

// forceMerge merges the index's segments into one.
func forceMerge(ctx context.Context, b bleve.Index) error {
	adv, err := b.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	return sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions)
}

type bleveDoc map[string]interface{}

func toBleveDoc(p *corpus.Passage, m *corpus.Matcher) bleveDoc {
	kinds := map[corpus.EntityKind][]string{
		corpus.Sector: p.Sectors, corpus.Company: p.Companies, corpus.Policy: p.Policies,
	}
	mentioned := map[corpus.EntityKind][]string{}
	for _, mention := range m.Find(p.Title + "\n" + p.Heading + "\n" + p.Question + "\n" + p.Text) {
		mentioned[mention.Entity.Kind] = append(mentioned[mention.Entity.Kind], mention.Entity.Name)
	}
	names := func(k corpus.EntityKind) []string {
		var out []string
		for _, n := range append(slices.Clone(kinds[k]), mentioned[k]...) {
			n = corpus.NormalizeName(n)
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		return out
	}
	doc := bleveDoc{
		fieldTitle: p.Title, fieldHeading: p.Heading, fieldBody: p.Text, fieldQuestion: p.Question,
		fieldSectors: names(corpus.Sector), fieldCompanies: names(corpus.Company), fieldPolicies: names(corpus.Policy),
		fieldKind: string(p.Kind), fieldSource: p.Source, fieldPublished: p.Published, fieldURL: p.URL,
		fieldDocID: p.DocID, fieldPosition: p.Position, fieldStart: p.Start, fieldEnd: p.End,
	}
	if han := corpus.HanText(p.Title + "\n" + p.Question + "\n" + p.Text); han != "" {
		doc[fieldHan] = han
	}
	return doc
}

// hanBigrams returns the distinct pairs of adjacent Han characters of s
// (single characters for a run of one), as the CJK analyzer indexes them.
func hanBigrams(s string) []string {
	var out []string
	for _, run := range strings.Fields(corpus.HanText(s)) {
		r := []rune(run)
		if len(r) == 1 && !slices.Contains(out, run) {
			out = append(out, run)
		}
		for i := 0; i+1 < len(r); i++ {
			if bg := string(r[i : i+2]); !slices.Contains(out, bg) {
				out = append(out, bg)
			}
		}
	}
	return out
}

// Open opens a built index at dir. It fails with ErrLocked rather than wait
// when another process has the index open.
func Open(dir string, opts Options) (*Index, error) {
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	var meta Meta
	if err := json.Unmarshal(data, &meta); err != nil {
		return nil, fmt.Errorf("open index %q: read %s: %w", dir, metaFile, err)
	}
	n := max(meta.Shards, 1)
	var shards []bleve.Index
	for i := range n {
		b, err := bleve.OpenUsing(shardPath(dir, n, i), map[string]interface{}{"bolt_timeout": "2s"})
		if err != nil {
			for _, s := range shards {
				s.Close()
			}
			if errors.Is(err, bolterrors.ErrTimeout) { // the file lock of a process that has it open
				return nil, fmt.Errorf("open index %q: %w", dir, ErrLocked)
			}
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
		shards = append(shards, b)
	}
	opts.Scoring = meta.Scoring
	return newIndex(dir, shards, meta, opts)
}

func newIndex(dir string, shards []bleve.Index, meta Meta, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	closeAll := func() {
		for _, b := range shards {
			b.Close()
		}
	}
	var n uint64
	for _, b := range shards {
		c, err := b.DocCount()
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("count documents in %q: %w", dir, err)
		}
		n += c
	}
	an := shards[0].Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		closeAll()
		return nil, fmt.Errorf("index %q has no English analyzer", dir)
	}
	search := shards[0]
	if len(shards) > 1 {
		search = bleve.NewIndexAlias(shards...)
	}
	ix := &Index{dir: dir, shards: shards, bleve: search, meta: meta, opts: opts, analyzer: an, docCount: float64(n), synonyms: map[string][]string{}}
	for _, e := range meta.Entities {
		var group []string
		for _, name := range e.Names() {
			if toks := an.Analyze([]byte(name)); len(toks) == 1 && !strings.ContainsAny(name, " -") {
				group = append(group, string(toks[0].Term))
			}
		}
		for _, t := range group {
			for _, o := range group {
				if o != t && !slices.Contains(ix.synonyms[t], o) {
					ix.synonyms[t] = append(ix.synonyms[t], o)
				}
			}
		}
	}
	return ix, nil
}

// Meta returns what the index was built from.
func (ix *Index) Meta() Meta { return ix.meta }

// Entities returns the entities of the corpus the index was built from.
func (ix *Index) Entities() []corpus.Entity { return ix.meta.Entities }

// Dir returns the directory the index lives in.
func (ix *Index) Dir() string { return ix.dir }

// Close closes the index.
func (ix *Index) Close() error {
	var err error
	for _, b := range ix.shards {
		if e := b.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

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
		df := 0
		for _, r := range readers {
			df += ix.docFreq(ctx, r, t)
		}
		res.Terms = append(res.Terms, corpus.Term{Text: t, Span: spans[i], DocFreq: df, Weight: ix.idf(df)})
		// Numbers are not typos: "2026" must not find "2025".
		if df == 0 && len([]rune(t)) >= 4 && len(unknown) < 5 && strings.Trim(t, "0123456789") != "" {
			unknown = append(unknown, t)
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
		return ix.bleve.SearchInContext(ctx, req)
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
	find := func(text string) []corpus.Match {
		var out []corpus.Match
		for _, tok := range ix.analyzer.Analyze([]byte(text)) {
			term := string(tok.Term)
			if q, ok := want[term]; ok {
				out = append(out, corpus.Match{Term: q, Span: corpus.Span{Start: tok.Start, End: tok.End}, Exact: true})
				continue
			}
			// A word may stand in for one question word and be a typo's
			// match for another ("humanoid" for "robot", and for
			// "humaniod").
			if a, ok := alt[term]; ok {
				out = append(out, corpus.Match{Term: a.term, Span: corpus.Span{Start: tok.Start, End: tok.End}, Credit: a.credit})
			}
			// A typo is judged on the words as written as well as on their
			// stems: "robtics" is one edit from "robotics", two from
			// "robot".
			for _, u := range typos {
				if term == "" || term[0] != u.term[0] {
					continue
				}
				if corpus.EditDistance(term, u.term) <= fuzziness(u.term) ||
					u.written != "" && corpus.EditDistance(strings.ToLower(text[tok.Start:tok.End]), u.written) <= u.distance {
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
		h.Matches = find(h.Text)
		h.QuestionMatches = find(h.Question)
		for _, m := range find(h.Title + "\n" + h.Heading) {
			if !slices.Contains(h.TitleTerms, m.Term) {
				h.TitleTerms = append(h.TitleTerms, m.Term)
			}
		}
	}
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

func (ix *Index) docFreq(ctx context.Context, r bleveindex.IndexReader, term string) int {
	best := 0
	for _, f := range []string{fieldBody, fieldQuestion, fieldTitle} {
		best = max(best, ix.fieldFreq(ctx, r, term, f))
	}
	return best
}

// idf is BM25's inverse document frequency.
func (ix *Index) idf(df int) float64 {
	return math.Log(1 + (ix.docCount-float64(df)+0.5)/(float64(df)+0.5))
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
	if ix.docCount >= commonMinDocs {
		rare, common = splitCommon(q.Text, terms, ix.docCount*commonShare)
	}
	parts := append(matchText(rare, ix.retrievalFields(), unknown), ix.entityClauses(q.Entities)...)
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
	if ix.docCount < commonMinDocs {
		return nil
	}
	var known []corpus.Term
	for _, t := range terms {
		if t.DocFreq > 0 {
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
		bq.AddMust(bleve.NewDisjunctionQuery(matchText(q.Text[t.Start:t.End], ix.retrievalFields(), nil)...))
	}
	// The required terms score already; the rest only add to the passages
	// they find.
	var should []query.Query
	for _, t := range known[required:] {
		should = append(should, matchText(q.Text[t.Start:t.End], ix.retrievalFields(), nil)...)
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
			w = append(w, text[terms[i].Start:terms[i].End])
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

func writeFileSync(name string, data []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
