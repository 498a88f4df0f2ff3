package index

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/blevesearch/bleve/v2"

	"futurebot/corpus"
)

func loadDoc(t *testing.T, name, text string) corpus.Document {
	t.Helper()
	docs, err := corpus.ParseFile(name, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return docs[0]
}

func hits(t *testing.T, ix *Index, q string) []corpus.Hit {
	t.Helper()
	res, err := ix.Search(context.Background(), corpus.Query{Text: q, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	return res.Hits
}

// TestUpdateInPlace: documents added, changed and removed in place are
// found, changed and gone at once and after reopening, with the counts,
// sources, dates and hashes a rebuild would give.
func TestUpdateInPlace(t *testing.T) {
	dir := t.TempDir()
	fsys := testCorpus()
	ix, _, err := NewStore(dir, Options{}, nil).OpenOrBuild(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	before := ix.Meta()
	tidalText := "---\ntitle: Tidal\nsource: Coast News\npublished: 2026-11-20\n---\nTidal turbines in the estuary produce 240 megawatts.\n"
	tidal := loadDoc(t, "ingested/tidal.md", tidalText)
	sum, err := ix.Update(context.Background(), Change{Put: []corpus.Document{tidal},
		Files: map[string]string{"ingested/tidal.md": corpus.FileDigest([]byte(tidalText), nil)}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added.Articles != 1 || sum.Passages != before.Passages+1 {
		t.Errorf("summary %+v", sum)
	}
	if h := hits(t, ix, "estuary turbines megawatts"); len(h) == 0 || h[0].DocID != "ingested/tidal.md" {
		t.Fatalf("the added document is not found: %+v", h)
	}
	m := ix.Meta()
	added := testCorpus()
	added["ingested/tidal.md"] = &fstest.MapFile{Data: []byte(tidalText)}
	if fp, _ := corpus.Fingerprint(added); m.Fingerprint != fp || m.Articles != before.Articles+1 || m.Sources["Coast News"] != 1 ||
		m.SourceDates["Coast News"] != [2]string{"2026-11-20", "2026-11-20"} || m.Updated.IsZero() || m.Version != before.Version {
		t.Errorf("meta after adding: %+v", m)
	}

	// Changed: the old text is gone, the new found; the bci article removed.
	tidal2 := loadDoc(t, "ingested/tidal.md", tidal2Text)
	sum, err = ix.Update(context.Background(), Change{Put: []corpus.Document{tidal2}, Remove: []string{"bci.md"},
		Files: map[string]string{"ingested/tidal.md": corpus.FileDigest([]byte(tidal2Text), nil), "bci.md": ""}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Changed.Articles != 1 || sum.Removed.Articles != 1 {
		t.Errorf("summary %+v", sum)
	}
	// What a rebuild of the corpus as it is now gives.
	now := testCorpus()
	delete(now, "bci.md")
	now["ingested/tidal.md"] = &fstest.MapFile{Data: []byte(tidal2Text)}
	rebuilt := newTestIndex(t, now)
	check := func(ix *Index, when string) {
		if h := hits(t, ix, "estuary turbines"); len(h) > 0 && h[0].DocID == "ingested/tidal.md" {
			t.Errorf("%s: the changed document's old text is still found", when)
		}
		if h := hits(t, ix, "lagoon barrage"); len(h) == 0 || h[0].DocID != "ingested/tidal.md" {
			t.Errorf("%s: the changed document's new text is not found", when)
		}
		for _, h := range hits(t, ix, "headbands attention") {
			if h.DocID == "bci.md" {
				t.Errorf("%s: the removed document is still found", when)
			}
		}
		m, w := ix.Meta(), rebuilt.Meta()
		// The fingerprint is that of the corpus as it now is, so the next
		// start reuses this index rather than rebuilding it.
		if m.Fingerprint != w.Fingerprint || !maps.Equal(m.Files, w.Files) || m.Articles != w.Articles || m.FAQs != w.FAQs || m.Passages != w.Passages ||
			!maps.Equal(m.Sources, w.Sources) || !maps.Equal(m.SourceDates, w.SourceDates) || !maps.Equal(m.Docs, w.Docs) {
			t.Errorf("%s: meta %+v\nwant as rebuilt %+v", when, m, w)
		}
		if ix.documents() != rebuilt.documents() {
			t.Errorf("%s: %v passages weighed, a rebuild weighs %v", when, ix.documents(), rebuilt.documents())
		}
	}
	check(ix, "in place")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(ix.Dir(), Options{})
	if err != nil {
		t.Fatalf("reopen after updates: %v", err)
	}
	defer again.Close()
	check(again, "reopened")
	if sum, err := again.Update(context.Background(), Change{Put: []corpus.Document{tidal2}}); err != nil || sum.Changed.Articles+sum.Added.Articles != 0 {
		t.Errorf("putting an unchanged document: %+v %v", sum, err)
	}
	if _, err := again.Update(context.Background(), Change{Remove: keys(again.Meta().Docs)}); !errors.Is(err, ErrEmpty) {
		t.Errorf("removing every document: %v, want ErrEmpty", err)
	}
}

const tidal2Text = "---\ntitle: Tidal\nsource: Coast News\npublished: 2026-11-21\n---\nThe lagoon barrage now stores 90 megawatt hours.\n\nA second paragraph about the lagoon.\n"

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestUpdateIsAtomicForSearches: a document of two passages is added and
// removed again and again while searches run; every search finds both
// passages or neither, never one.
func TestUpdateIsAtomicForSearches(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	doc := loadDoc(t, "ingested/pair.md", "---\ntitle: Pair\n---\nZeppelin hangars store quolls.\n\n## Numbats\n\nZeppelin hangars also store numbats.\n")
	if n := len(corpus.SplitPassages(&doc)); n != 2 {
		t.Fatalf("%d passages, want 2", n)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var torn []int
	var mu sync.Mutex
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			n := 0
			for _, h := range hits(t, ix, "zeppelin hangars") {
				if h.DocID == "ingested/pair.md" {
					n++
				}
			}
			if n == 1 {
				mu.Lock()
				torn = append(torn, n)
				mu.Unlock()
			}
		}
	}()
	for i := range 40 {
		ch := Change{Put: []corpus.Document{doc}}
		if i%2 == 1 {
			ch = Change{Remove: []string{doc.ID}}
		}
		if _, err := ix.Update(context.Background(), ch); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if len(torn) > 0 {
		t.Errorf("%d searches saw half of the document", len(torn))
	}
}

// TestUpdateNeedsRecordedDocuments: an index whose meta does not say where
// each document's passages are cannot be updated in place.
func TestUpdateNeedsRecordedDocuments(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	ix.mu.Lock()
	ix.meta.DocInfo = nil
	ix.mu.Unlock()
	if _, err := ix.Update(context.Background(), Change{Remove: []string{"bci.md"}}); !errors.Is(err, ErrNeedsRebuild) {
		t.Errorf("err %v, want ErrNeedsRebuild", err)
	}
	_ = strings.Contains
}

// TestFailedUpdateTearsTheIndex: when a shard refuses an update's batch,
// the shards may hold part of it and the meta none of it, so the index
// takes no further update in place and no fingerprint matches it, in
// memory or on disk: a rebuild replaces it now or at the next start.
func TestFailedUpdateTearsTheIndex(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	// The storage fails under the update: each shard is swapped for a
	// closed index until the test ends.
	orig := ix.shards
	t.Cleanup(func() { ix.shards = orig })
	ix.shards = nil
	for range orig {
		b, err := bleve.NewMemOnly(bleve.NewIndexMapping())
		if err != nil {
			t.Fatal(err)
		}
		b.Close()
		ix.shards = append(ix.shards, b)
	}
	tidal := loadDoc(t, "tidal.md", "# Tidal\n\nTidal turbines in the estuary produce 240 megawatts.\n")
	if _, err := ix.Update(context.Background(), Change{Put: []corpus.Document{tidal}}); err == nil {
		t.Fatal("an update on closed shards succeeded")
	}
	if fp := ix.Meta().Fingerprint; fp != "" {
		t.Errorf("fingerprint %q after a failed update, want none", fp)
	}
	var onDisk Meta
	data, err := os.ReadFile(filepath.Join(ix.Dir(), metaFile))
	if err != nil || json.Unmarshal(data, &onDisk) != nil || onDisk.Fingerprint != "" {
		t.Errorf("meta on disk after a failed update: fingerprint %q (%v)", onDisk.Fingerprint, err)
	}
	if _, err := ix.Update(context.Background(), Change{Remove: []string{"bci.md"}}); !errors.Is(err, ErrNeedsRebuild) {
		t.Errorf("a second update: %v, want ErrNeedsRebuild", err)
	}
}
