package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"path/filepath"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"

	"futurebot/corpus"
	"futurebot/internal/atomicfile"
)

// Change is a few documents changed in the corpus: those put (new or
// changed, whole, as loaded) and the IDs of those removed.
type Change struct {
	Put    []corpus.Document
	Remove []string
	// Files are the digests of the corpus files read for the change (see
	// corpus.FileDigest), "" for a file that is gone: the index's
	// fingerprint becomes that of its files with these changed.
	Files map[string]string
}

// ErrNeedsRebuild is returned by Update for an index that cannot be
// updated in place (built before updates were recorded): rebuild it.
var ErrNeedsRebuild = errors.New("the index must be rebuilt to take changes in place")

// Update applies a change to the index in service, in place: one Bleve
// batch per shard deletes the passages of the documents removed or changed
// and indexes those put. A document keeps its shard, so an answer in
// flight sees it as it was or as it is, never half of it. The meta
// (counts, sources and dates, document hashes, fingerprint) is written
// after the batches; a crash between the two leaves an index that opens
// and answers, whose fingerprint no longer matches the corpus, so the next
// start brings it up to date. A batch that fails leaves the index torn (see
// tear) until a rebuild replaces it. The summary says what changed.
func (ix *Index) Update(ctx context.Context, ch Change) (Summary, error) {
	start := time.Now()
	ix.updating.Lock()
	defer ix.updating.Unlock()
	prev := ix.Meta()
	if ix.torn || prev.DocInfo == nil || (len(ch.Files) > 0 && prev.Files == nil) {
		return Summary{}, ErrNeedsRebuild
	}
	matcher := corpus.NewMatcher(prev.Entities)
	batches := make([]*bleve.Batch, len(ix.shards))
	for i, b := range ix.shards {
		batches[i] = b.NewBatch()
	}
	next := prev
	next.Docs, next.DocInfo = maps.Clone(prev.Docs), maps.Clone(prev.DocInfo)
	drop := func(id string) (DocInfo, bool) {
		info, ok := next.DocInfo[id]
		if !ok {
			return info, false
		}
		for k := range info.Passages {
			batches[info.Shard].Delete(id + "#p" + strconv.Itoa(k))
		}
		delete(next.Docs, id)
		delete(next.DocInfo, id)
		return info, true
	}
	for _, id := range ch.Remove {
		drop(id)
	}
	for i := range ch.Put {
		d := &ch.Put[i]
		hash := d.Hash()
		if prev.Docs[d.ID] == hash {
			continue
		}
		shard := shardOf(d.ID, len(ix.shards))
		if old, ok := drop(d.ID); ok {
			shard = old.Shard
		}
		passages := corpus.SplitPassages(d)
		for k := range passages {
			if err := batches[shard].Index(passages[k].ID, toBleveDoc(&passages[k], matcher)); err != nil {
				return Summary{}, fmt.Errorf("index %s: %w", passages[k].ID, err)
			}
		}
		next.Docs[d.ID] = hash
		next.DocInfo[d.ID] = DocInfo{Kind: d.Kind, Source: d.Source, Published: d.Published, Passages: len(passages), Shard: shard}
	}
	if err := ctx.Err(); err != nil {
		return Summary{}, err
	}
	if len(next.Docs) == 0 {
		return Summary{}, ErrEmpty
	}
	next.recount()
	if len(ch.Files) > 0 {
		next.Files = maps.Clone(prev.Files)
		for name, digest := range ch.Files {
			if digest == "" {
				delete(next.Files, name)
			} else {
				next.Files[name] = digest
			}
		}
		next.Fingerprint = corpus.FoldDigests(next.Files)
	}
	next.Updated = time.Now().UTC()
	data, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return Summary{}, err
	}
	for i, b := range ix.shards {
		if batches[i].Size() == 0 {
			continue
		}
		if err := b.Batch(batches[i]); err != nil {
			ix.tear()
			return Summary{}, fmt.Errorf("update batch: %w", err)
		}
	}
	// Replaced whole, never rewritten in place: a crash leaves the old
	// meta or the new.
	if err := atomicfile.Write(filepath.Join(ix.dir, metaFile), data); err != nil {
		return Summary{}, fmt.Errorf("write index meta: %w", err)
	}
	ix.mu.Lock()
	ix.meta = next
	ix.docCount += float64(next.Passages - prev.Passages)
	ix.mu.Unlock()
	sum := Summary{Version: next.Version, Took: time.Since(start), Articles: next.Articles, FAQs: next.FAQs, Passages: next.Passages}
	sum.Added, sum.Changed, sum.Removed = diffDocs(&prev, &next)
	return sum, nil
}

// tear marks the index as holding part of an update: no fingerprint
// matches it any more, in memory and (if the disk allows) on disk, so a
// rebuild replaces it now or at the next start.
func (ix *Index) tear() {
	ix.torn = true
	ix.mu.Lock()
	ix.meta.Fingerprint = ""
	m := ix.meta
	ix.mu.Unlock()
	if data, err := json.MarshalIndent(m, "", "  "); err == nil {
		atomicfile.Write(filepath.Join(ix.dir, metaFile), data) // best effort: the disk may be what failed
	}
}

// recount sets the meta's counts, sources and dates from its documents.
func (m *Meta) recount() {
	m.Articles, m.FAQs, m.Passages = 0, 0, 0
	m.Sources, m.SourceDates = map[string]int{}, map[string][2]string{}
	for _, d := range m.DocInfo {
		if d.Kind == corpus.KindFAQ {
			m.FAQs++
		} else {
			m.Articles++
		}
		m.Passages += d.Passages
		if d.Source == "" {
			continue
		}
		m.Sources[d.Source]++
		if d.Published != "" {
			span, ok := m.SourceDates[d.Source]
			if !ok || d.Published < span[0] {
				span[0] = d.Published
			}
			if d.Published > span[1] {
				span[1] = d.Published
			}
			m.SourceDates[d.Source] = span
		}
	}
}

// shardOf is the shard a new document goes to.
func shardOf(id string, n int) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}
