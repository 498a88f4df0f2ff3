package index

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"futurebot/corpus"
)

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
		Built: time.Now().UTC(), Scoring: opts.Scoring, Entities: c.Entities, Sources: map[string]int{}, SourceDates: map[string][2]string{},
		Docs: make(map[string]string, len(c.Documents)), DocInfo: make(map[string]DocInfo, len(c.Documents)), Files: c.Digests}
	for _, d := range c.Derived {
		if !slices.Contains(meta.DerivedFrom, d.From) {
			meta.DerivedFrom = append(meta.DerivedFrom, d.From)
		}
	}
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
	if meta.Segments, err = segmentSums(dir); err != nil {
		closeAll()
		return nil, fmt.Errorf("checksum index segments: %w", err)
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
		meta.DocInfo[d.ID] = DocInfo{Kind: d.Kind, Source: d.Source, Published: d.Published, Passages: len(pr.passages), Shard: pr.doc % len(shards)}
		for k, p := range pr.passages {
			meta.Passages++ // for progress; recount sets it with the rest
			if meta.Probe == "" {
				meta.Probe = probeText(p.Title + " " + p.Text)
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
	if err := flush(); err != nil {
		return err
	}
	meta.recount()
	return nil
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

// probeText is the first words of a passage, short enough to search for
// whatever the passage holds.
func probeText(s string) string {
	f := strings.Fields(s)
	if len(f) > probeWords {
		f = f[:probeWords]
	}
	out := strings.Join(f, " ")
	if len(out) > probeBytes {
		cut := probeBytes
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut]
	}
	return out
}

const (
	probeWords = 12
	probeBytes = 200
)
