package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"futurebot/corpus"
)

func testCorpus() fstest.MapFS {
	return fstest.MapFS{
		"entities.yaml": {Data: []byte(`entities:
  - name: Brain-computer interfaces
    kind: sector
    aliases: [BCI, 脑机接口]
  - name: MIIT
    kind: policy
    aliases: [Ministry of Industry and Information Technology, 工信部]
  - name: Biotechnology
    kind: sector
    aliases: [biotech]
`)},
		"bci.md": {Data: []byte(`---
title: Brain links
url: https://example.com/bci
source: Example News
published: 2025-07-13
---
Brain-computer interfaces connect neurons to computers. A Hangzhou start-up sells headbands that read attention.

## Policy

The ministry listed them as a target area in 2024.
`)},
		"miit.md": {Data: []byte(`---
title: Ministry guidelines
---
The Ministry of Industry and Information Technology issued guidelines naming humanoid robots and 6G equipment.
`)},
		"bio.md": {Data: []byte("# Cell therapies\n\nChina approved five biotechnology therapies for blood cancers by March 2025.\n")},
		"faq.yaml": {Data: []byte(`entries:
  - question: How long do teams have to solve a challenge?
    answer: Two years, after which support goes to others.
`)},
	}
}

func newTestIndex(t *testing.T, fsys fstest.MapFS) *Index {
	t.Helper()
	ix, _, err := NewStore(t.TempDir(), Options{}, nil).OpenOrBuild(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func docIDs(res corpus.Results) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.DocID)
	}
	return ids
}

func TestSearch(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	ctx := context.Background()
	tests := []struct {
		name    string
		q       corpus.Query
		wantTop string
	}{
		{"stemmed body match", corpus.Query{Text: "connecting neuron"}, "bci.md"},
		{"alias as entity finds canonical name", corpus.Query{Entities: []string{"BCI"}}, "bci.md"},
		{"chinese alias finds MIIT", corpus.Query{Entities: []string{"工信部"}}, "miit.md"},
		{"single-word alias is a text synonym", corpus.Query{Text: "biotech"}, "bio.md"},
		{"typo falls back to fuzzy", corpus.Query{Text: "therapys approvd"}, "bio.md"},
		{"faq question field", corpus.Query{Text: "how long to solve a challenge"}, "faq.yaml#1"},
		{"filter by sector alias", corpus.Query{Text: "headbands", Sector: "bci"}, "bci.md"},
		{"filter by kind", corpus.Query{Text: "two years", Kind: corpus.KindFAQ}, "faq.yaml#1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].DocID != tt.wantTop {
				t.Errorf("top hit: got %v, want %s first", docIDs(res), tt.wantTop)
			}
		})
	}
}

func TestSearchFilterExcludes(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	res, err := ix.Search(context.Background(), corpus.Query{Text: "guidelines humanoid", Sector: "Biotechnology"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.DocID != "bio.md" {
			t.Errorf("sector filter let through %s", h.DocID)
		}
	}
}

func TestSearchLocationsAndTerms(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	res, err := ix.Search(context.Background(), corpus.Query{Text: "Which headbands read attention? Quasar", Limit: 5, Locate: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) < 1 {
		t.Fatal("no hits")
	}
	top := res.Hits[0]
	var words []string
	for _, m := range top.Matches {
		words = append(words, top.Text[m.Start:m.End])
	}
	if !slices.Contains(words, "headbands") || !slices.Contains(words, "attention") {
		t.Errorf("matched words in top hit: got %v, want headbands and attention", words)
	}
	for _, h := range res.Hits[1:] {
		if len(h.Matches) > 0 {
			t.Errorf("hit %s beyond Locate has locations", h.ID)
		}
	}
	var unknown *corpus.Term
	for i, term := range res.Terms {
		if term.Text == "quasar" {
			unknown = &res.Terms[i]
		}
	}
	if unknown == nil || unknown.DocFreq != 0 || unknown.Weight <= res.Terms[0].Weight {
		t.Errorf("unknown term: got %+v, want DocFreq 0 and the highest weight (terms %+v)", unknown, res.Terms)
	}
	if top.URL != "https://example.com/bci" || top.Published != "2025-07-13" || top.Source != "Example News" {
		t.Errorf("stored fields lost: %+v", top.Passage)
	}
}

func TestOpenOrBuildReusesUnchangedCorpus(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	fsys := testCorpus()
	s := NewStore(dir, Options{}, nil)
	ix, rep, err := s.OpenOrBuild(ctx, fsys)
	if err != nil || !rep.Rebuilt {
		t.Fatalf("first open: rebuilt %v, err %v; want a build", rep.Rebuilt, err)
	}
	v1 := ix.Meta().Version
	ix.Close()

	ix, rep, err = s.OpenOrBuild(ctx, fsys)
	if err != nil || rep.Rebuilt || ix.Meta().Version != v1 {
		t.Fatalf("second open: rebuilt %v, version %s (was %s), err %v; want the same index reused", rep.Rebuilt, ix.Meta().Version, v1, err)
	}
	ix.Close()

	fsys["new.md"] = &fstest.MapFile{Data: []byte("# New\n\nQuantum sensors arrived.\n")}
	ix, rep, err = s.OpenOrBuild(ctx, fsys)
	if err != nil || !rep.Rebuilt {
		t.Fatalf("changed corpus: rebuilt %v, err %v; want a rebuild", rep.Rebuilt, err)
	}
	defer ix.Close()
	res, _ := ix.Search(ctx, corpus.Query{Text: "quantum sensors"})
	if len(res.Hits) == 0 || res.Hits[0].DocID != "new.md" {
		t.Errorf("rebuilt index does not find the new document: %v", docIDs(res))
	}
	if dirs := versionDirs(t, dir); len(dirs) != 1 {
		t.Errorf("old index versions left behind: %v", dirs)
	}
}

func TestBrokenCorpusKeepsServingOldIndex(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := NewStore(dir, Options{}, nil)
	ix, _, err := s.OpenOrBuild(ctx, testCorpus())
	if err != nil {
		t.Fatal(err)
	}
	v1 := ix.Meta().Version
	ix.Close()

	broken := fstest.MapFS{"a.md": {Data: []byte("---\ntitle: [\n---\n")}, "b.yaml": {Data: []byte("entries: {")}}
	ix, rep, err := s.OpenOrBuild(ctx, broken)
	if err != nil {
		t.Fatalf("broken corpus with a good index on disk: %v, want the old index", err)
	}
	defer ix.Close()
	if !rep.Kept || !errors.Is(rep.BuildErr, ErrEmpty) || len(rep.Problems) != 3 {
		t.Errorf("report: kept %v, err %v, %d problems; want kept, ErrEmpty, 3 problems", rep.Kept, rep.BuildErr, len(rep.Problems))
	}
	if ix.Meta().Version != v1 {
		t.Errorf("serving version %s, want the old %s", ix.Meta().Version, v1)
	}
	if res, _ := ix.Search(ctx, corpus.Query{Text: "headbands"}); len(res.Hits) == 0 {
		t.Error("old index does not answer")
	}

	_, _, err = NewStore(t.TempDir(), Options{}, nil).OpenOrBuild(ctx, broken)
	if !errors.Is(err, ErrEmpty) {
		t.Errorf("broken corpus and no index: got %v, want ErrEmpty", err)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := NewStore(dir, Options{}, nil)
	ix, _, err := s.OpenOrBuild(ctx, testCorpus())
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	// Damage the index on disk: its meta file and Bleve files.
	for _, d := range versionDirs(t, dir) {
		os.WriteFile(filepath.Join(d, metaFile), []byte("{not json"), 0o644)
	}
	ix, rep, err := s.OpenOrBuild(ctx, testCorpus())
	if err != nil || !rep.Rebuilt {
		t.Fatalf("corrupt index: rebuilt %v, err %v; want a rebuild", rep.Rebuilt, err)
	}
	ix.Close()
	// CURRENT naming a missing directory is rebuilt too.
	os.WriteFile(filepath.Join(dir, currentFile), []byte("v-gone\n"), 0o644)
	ix, rep, err = s.OpenOrBuild(ctx, testCorpus())
	if err != nil || !rep.Rebuilt {
		t.Fatalf("missing index: rebuilt %v, err %v; want a rebuild", rep.Rebuilt, err)
	}
	ix.Close()
}

func TestOpenLockedIndex(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(dir, Options{}, nil)
	ix, _, err := s.OpenOrBuild(context.Background(), testCorpus())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, err = s.Current()
	if !errors.Is(err, ErrLocked) {
		t.Errorf("opening an index held open: got %v, want ErrLocked", err)
	}
}

func versionDirs(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "v-") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestShardedIndex builds the test corpus over two shards and checks that
// search, term statistics, synonyms and reopening work across them.
func TestShardedIndex(t *testing.T) {
	defer func(old int) { shardMinPassages = old }(shardMinPassages)
	shardMinPassages = 0
	dir := t.TempDir()
	c, _ := corpus.Load(testCorpus())
	ix, err := Build(context.Background(), filepath.Join(dir, "ix"), c, "fp", nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ix.Meta().Shards != 2 {
		t.Fatalf("shards: got %d, want 2", ix.Meta().Shards)
	}
	check := func(ix *Index) {
		for _, tt := range []struct {
			q    corpus.Query
			want string
		}{
			{corpus.Query{Text: "connecting neuron"}, "bci.md"},
			{corpus.Query{Entities: []string{"工信部"}}, "miit.md"},
			{corpus.Query{Text: "biotech"}, "bio.md"},
			{corpus.Query{Text: "how long to solve a challenge"}, "faq.yaml#1"},
		} {
			res, err := ix.Search(context.Background(), tt.q)
			if err != nil || len(res.Hits) == 0 || res.Hits[0].DocID != tt.want {
				t.Errorf("%+v: got %v (%v), want %s first", tt.q, docIDs(res), err, tt.want)
			}
		}
		res, _ := ix.Search(context.Background(), corpus.Query{Text: "the ministry guidelines"})
		total := 0
		for _, term := range res.Terms {
			if term.Text == "guidelin" {
				total = term.DocFreq
			}
		}
		if total != 1 {
			t.Errorf("document frequency of 'guidelines' across shards: %d, want 1", total)
		}
	}
	check(ix)
	ix.Close()
	ix, err = Open(filepath.Join(dir, "ix"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	check(ix)
}

// TestBrowseRanksConsistently: in a large index, pages of a browsing search
// come from one ranking, so they neither repeat nor skip passages.
func TestBrowseRanksConsistently(t *testing.T) {
	c := syntheticCorpus(t, 300, 10)
	ix, err := Build(context.Background(), filepath.Join(t.TempDir(), "ix"), c, "fp", nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	q := corpus.Query{Text: "humanoid robots companies Morgan Stanley", Limit: 10, Browse: true}
	all, _ := ix.Search(context.Background(), corpus.Query{Text: q.Text, Limit: 30, Browse: true})
	var paged []string
	for page := range 3 {
		q.From = page * 10
		res, _ := ix.Search(context.Background(), q)
		paged = append(paged, docIDsOf(res)...)
	}
	if want := docIDsOf(all); !slices.Equal(paged, want) {
		t.Errorf("three pages of ten differ from the first thirty:\n got %v\nwant %v", paged, want)
	}
}

func docIDsOf(res corpus.Results) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// TestCompoundsAndUS: members write "startups" where the sources write
// "start-ups", and "the US" where they write "United States"; the words
// match, and "us" the pronoun matches neither.
func TestCompoundsAndUS(t *testing.T) {
	ix := newTestIndex(t, fstest.MapFS{
		"hangzhou.md":  {Data: []byte("# Hangzhou\n\nLocal tech start-ups in Hangzhou drew stand-out attention.\n")},
		"therapies.md": {Data: []byte("# Therapies\n\nThe United States has approved six cell therapies.\n")},
		"market.md":    {Data: []byte("# Market\n\nThe U.S. market for humanoid robots is small.\n")},
		"pronoun.md":   {Data: []byte("# Letter\n\nReaders wrote to us about humanoid robots and cell therapies.\n")},
	})
	ctx := context.Background()
	tests := []struct {
		q       string
		want    string   // the top hit
		matched []string // words of the top hit that match the question
	}{
		{"hangzhou startups", "hangzhou.md", []string{"start-ups", "Hangzhou"}},
		{"standout", "hangzhou.md", []string{"stand-out"}},
		{"US therapies", "therapies.md", []string{"United States", "therapies"}},
		{"U.S. humanoid market", "market.md", []string{"U.S", "market", "humanoid"}},
		{"United States humanoid market", "market.md", []string{"U.S", "market", "humanoid"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := ix.Search(ctx, corpus.Query{Text: tt.q, Limit: 4, Locate: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].DocID != tt.want {
				t.Fatalf("top hit: got %v, want %s first", docIDs(res), tt.want)
			}
			var words []string
			for _, m := range res.Hits[0].Matches {
				words = append(words, res.Hits[0].Text[m.Start:m.End])
			}
			for _, w := range tt.matched {
				if !slices.Contains(words, w) {
					t.Errorf("matched %q, want %q among them", words, w)
				}
			}
		})
	}
	// "us" the pronoun is a stop word: it is not the country.
	res, err := ix.Search(ctx, corpus.Query{Text: "US", Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(docIDs(res), "pronoun.md") {
		t.Errorf("\"US\" found the pronoun: %v", docIDs(res))
	}
	// A question's compound is the words it writes: "car-t" is not missed
	// where the sources write "CAR T".
	res, err = ix.Search(ctx, corpus.Query{Text: "start-ups"})
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range res.Terms {
		if term.Text == "startup" {
			t.Errorf("question terms %+v hold the joined form", res.Terms)
		}
	}
}

// TestEntitiesWithoutAliases: a corpus whose entities have no aliases (front
// matter names, no entities.yaml) still searches by entity.
func TestEntitiesWithoutAliases(t *testing.T) {
	ix := newTestIndex(t, fstest.MapFS{
		"a.md": {Data: []byte("---\ntitle: Seaweed\ncompanies: [Blue Tide]\n---\n# Seaweed\n\nBlue Tide says seaweed farms grew by a third.\n")},
	})
	res, err := ix.Search(context.Background(), corpus.Query{Text: "Blue Tide", Entities: []string{"Blue Tide"}, Company: "Blue Tide"})
	if err != nil || len(res.Hits) != 1 {
		t.Errorf("search by an entity without aliases: %v hits, %v", len(res.Hits), err)
	}
}

// TestOneBuilderAtATime: while one build runs in a data directory, a second
// waits, then says who builds and gives up; it removes nothing, and the
// first build goes live.
func TestOneBuilderAtATime(t *testing.T) {
	dir := t.TempDir()
	first := NewStore(dir, Options{}, nil)
	second := NewStore(dir, Options{}, nil)
	second.lockWait = 200 * time.Millisecond
	indexing := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	type result struct {
		ix  *Index
		err error
	}
	done := make(chan result, 1)
	go func() {
		ix, _, err := first.Build(context.Background(), testCorpus(), func(p Progress) {
			if p.Stage == "indexing" {
				once.Do(func() { close(indexing); <-release })
			}
		})
		done <- result{ix, err}
	}()
	<-indexing
	if _, _, err := second.Build(context.Background(), testCorpus(), nil); !errors.Is(err, ErrBuilding) || !strings.Contains(err.Error(), "pid") {
		t.Errorf("second builder: %v, want ErrBuilding naming the pid", err)
	}
	second.cleanup("") // would remove every version, the one being built too
	close(release)
	r := <-done
	if r.err != nil {
		t.Fatalf("first build: %v", r.err)
	}
	r.ix.Close()
	cur, err := first.Current()
	if err != nil {
		t.Fatalf("after both: %v", err)
	}
	cur.Close()
}

// TestDamagedSegmentIsRebuilt: a segment file overwritten on disk (same
// size, other bytes) is found when the index opens, which is then rebuilt,
// instead of failing searches later.
func TestDamagedSegmentIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := NewStore(dir, Options{}, nil)
	ix, _, err := s.OpenOrBuild(ctx, testCorpus())
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	segs, _ := filepath.Glob(filepath.Join(dir, "v-*", "store", "*.zap"))
	if len(segs) == 0 {
		segs, _ = filepath.Glob(filepath.Join(dir, "v-*", "*", "store", "*.zap"))
	}
	if len(segs) == 0 {
		t.Fatal("no segment files found")
	}
	// Reopening an untouched index does not rebuild it.
	ix, rep, err := s.OpenOrBuild(ctx, testCorpus())
	if err != nil || rep.Rebuilt {
		t.Fatalf("untouched index: rebuilt %v, err %v", rep.Rebuilt, err)
	}
	ix.Close()
	info, _ := os.Stat(segs[0])
	junk := make([]byte, info.Size())
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	os.WriteFile(segs[0], junk, 0o644)
	if _, err := s.Current(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("open a damaged index: %v, want ErrCorrupt", err)
	}
	ix, rep, err = s.OpenOrBuild(ctx, testCorpus())
	if err != nil || !rep.Rebuilt {
		t.Fatalf("damaged segment: rebuilt %v, err %v; want a rebuild", rep.Rebuilt, err)
	}
	defer ix.Close()
	if res, err := ix.Search(ctx, corpus.Query{Text: "connecting neuron"}); err != nil || len(res.Hits) == 0 {
		t.Errorf("after the rebuild: %v hits, %v", len(res.Hits), err)
	}
}

// TestDamageWhileServingIsAnError: a segment overwritten under a running
// index makes its searches fail with an error; nothing crashes.
func TestDamageWhileServingIsAnError(t *testing.T) {
	ix := newTestIndex(t, testCorpus())
	segs, _ := filepath.Glob(filepath.Join(ix.Dir(), "*", "store", "*.zap"))
	if len(segs) == 0 {
		segs, _ = filepath.Glob(filepath.Join(ix.Dir(), "store", "*.zap"))
	}
	if len(segs) == 0 {
		t.Fatal("no segment files found")
	}
	f, err := os.OpenFile(segs[0], os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	junk := make([]byte, info.Size())
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	f.WriteAt(junk, 0) // in place: the open index reads the same file
	f.Close()
	for _, q := range []string{"connecting neuron", "how long to solve a challenge", "biotech"} {
		if res, err := ix.Search(context.Background(), corpus.Query{Text: q, Limit: 5, Locate: 5}); err == nil {
			t.Errorf("%q after the damage: %d hits and no error", q, len(res.Hits))
		}
	}
}

// TestSplitWordsJoined: a name the question splits in two ("wu kong",
// "brain co") finds the passages that write it as one word, and counts as
// one term; two known words are not joined ("car t" still finds "CAR T").
func TestSplitWordsJoined(t *testing.T) {
	ix := newTestIndex(t, fstest.MapFS{
		"game.md":  {Data: []byte("# Game\n\nGame Science made the video game Black Myth: Wukong.\n")},
		"brain.md": {Data: []byte("# Brain\n\nBrainCo makes headbands that read attention.\n")},
		"cart.md":  {Data: []byte("# Therapy\n\nFive CAR T therapies have been approved.\n")},
		"other.md": {Data: []byte("# Other\n\nThe brain of a robot is its controller.\n")},
	})
	for _, tt := range []struct{ q, doc, term string }{
		{"who made wu kong", "game.md", "wukong"},
		{"what does brain co make", "brain.md", "brainco"},
		{"how many car t therapies", "cart.md", ""},
	} {
		res, err := ix.Search(context.Background(), corpus.Query{Text: tt.q, Limit: 5, Locate: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].DocID != tt.doc {
			t.Errorf("%q found %v, want %s first", tt.q, docIDs(res), tt.doc)
		}
		var joined []string
		for _, term := range res.Terms {
			if strings.Contains(tt.q[max(term.Start, 0):max(term.End, 0)], " ") {
				joined = append(joined, term.Text)
			}
		}
		if want := []string{tt.term}; tt.term == "" && len(joined) > 0 || tt.term != "" && !slices.Equal(joined, want) {
			t.Errorf("%q: joined terms %v, want %q", tt.q, joined, tt.term)
		}
	}
}

// TestRunTogetherWordsSplit: two words run together ("blackmyth") are
// searched as the two words a passage holds side by side; words that no
// passage holds together stay one unknown word.
func TestRunTogetherWordsSplit(t *testing.T) {
	ix := newTestIndex(t, fstest.MapFS{
		"game.md":  {Data: []byte("# Game\n\nGame Science made the video game Black Myth: Wukong.\n")},
		"brain.md": {Data: []byte("# Brain\n\nBrainCo makes headbands that read attention.\n")},
	})
	for _, tt := range []struct {
		q     string
		terms []string
	}{
		{"who made blackmyth", []string{"made", "black", "myth"}},
		{"what are headbandsattention", []string{"headbandsattent"}},
		// A term the question already has is not made again.
		{"is blackmyth a black game", []string{"blackmyth", "black", "game"}},
		{"wukong or wu kong", []string{"wukong", "wu", "kong"}},
	} {
		res, err := ix.Search(context.Background(), corpus.Query{Text: tt.q, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var terms []string
		for _, term := range res.Terms {
			terms = append(terms, term.Text)
		}
		if !slices.Equal(terms, tt.terms) {
			t.Errorf("%q: terms %v, want %v", tt.q, terms, tt.terms)
		}
	}
	res, _ := ix.Search(context.Background(), corpus.Query{Text: "who made blackmyth", Limit: 5})
	if len(res.Hits) == 0 || res.Hits[0].DocID != "game.md" {
		t.Errorf("blackmyth found %v, want game.md", docIDs(res))
	}
}

// TestMisspeltWordMatchesNearest: a misspelt word matches the nearest
// word the passages hold ("unitre" is Unitree, one edit, not United, two);
// a real word the index lacks still matches its forms ("make": "makers").
func TestMisspeltWordMatchesNearest(t *testing.T) {
	ix := newTestIndex(t, fstest.MapFS{
		"unitree.md": {Data: []byte("# Unitree\n\nUnitree and Deep Robotics are robot makers.\n")},
		"us.md":      {Data: []byte("# Approvals\n\nThe United States has approved six therapies.\n")},
	})
	res, err := ix.Search(context.Background(), corpus.Query{Text: "what does unitre make", Misspelt: []string{"unitre"}, Limit: 5, Locate: 5})
	if err != nil {
		t.Fatal(err)
	}
	matched := map[string][]string{}
	for _, h := range res.Hits {
		for _, m := range h.Matches {
			matched[h.DocID] = append(matched[h.DocID], m.Term+"="+h.Text[m.Start:m.End])
		}
	}
	if got := matched["unitree.md"]; !slices.Contains(got, "unitr=Unitree") || !slices.Contains(got, "make=makers") {
		t.Errorf("unitree.md matched %v, want Unitree for the typo and makers for make", got)
	}
	if got := matched["us.md"]; len(got) > 0 {
		t.Errorf("us.md matched %v, want nothing (United is two edits from unitre)", got)
	}
}

// TestChineseQuestionOnALargeIndex: a large index (where common terms
// become optional and a strict first pass runs) searches a question with
// Chinese in it: its bigrams have no place in the English text.
func TestChineseQuestionOnALargeIndex(t *testing.T) {
	fsys := fstest.MapFS{"bci.md": {Data: []byte("# 脑机接口\n\n脑机接口公司 BrainCo makes headbands that read attention.\n")}}
	for i := range commonMinDocs + 100 {
		fsys[fmt.Sprintf("report-%05d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("# Report %d\n\nCargo drones in harbour %d carried %d parcels.\n", i, i, i))}
	}
	ix := newTestIndex(t, fsys)
	res, err := ix.Search(context.Background(), corpus.Query{Text: "what does brainco make 脑机接口", Han: "脑机接口", Limit: 5, Locate: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].DocID != "bci.md" {
		t.Errorf("found %v, want bci.md first", docIDs(res))
	}
}
