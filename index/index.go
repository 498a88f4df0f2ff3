// Package index keeps the corpus in a Bleve index on disk and searches it.
// It is the only futurebot package that knows Bleve.
package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"

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
const Format = 10

// Meta describes one built index; it is stored beside the Bleve files.
type Meta struct {
	Format      int       `json:"format"`
	Version     string    `json:"version"`
	Fingerprint string    `json:"fingerprint"`
	Built       time.Time `json:"built"`
	// Updated is when documents were last changed in place, or zero.
	Updated  time.Time       `json:"updated,omitzero"`
	Scoring  string          `json:"scoring"`
	Articles int             `json:"articles"`
	FAQs     int             `json:"faqs"`
	Passages int             `json:"passages"`
	Entities []corpus.Entity `json:"entities"`
	Sources  map[string]int  `json:"sources"`
	// SourceDates are the oldest and newest publication dates of each
	// source's dated documents.
	SourceDates map[string][2]string `json:"source_dates,omitempty"`
	Problems    []string             `json:"problems,omitempty"`
	// Docs maps each document ID to its content hash, to diff rebuilds.
	Docs map[string]string `json:"docs"`
	// DocInfo is what an update in place needs of each document: where its
	// passages are, and what it adds to the counts.
	DocInfo map[string]DocInfo `json:"doc_info"`
	// Files are the digests of the corpus files as indexed (see
	// corpus.FileDigest): the fingerprint is theirs, and an update in
	// place changes only the digests of the files it read.
	Files map[string]string `json:"files,omitempty"`
	// DerivedFrom are the documents that entities or aliases were derived
	// from: changing or removing one of them takes a rebuild.
	DerivedFrom []string `json:"derived_from,omitempty"`
	// Probe is a text the index must find something for.
	Probe string `json:"probe"`
	// Shards is how many Bleve indexes the passages are spread over.
	Shards int `json:"shards"`
	// Segments are the CRC-32C checksums of the index's segment files
	// (relative paths) as built; a file that no longer matches is
	// corruption.
	Segments map[string]uint32 `json:"segments,omitempty"`
}

const metaFile = "meta.json"

// DocInfo is one indexed document.
type DocInfo struct {
	Kind      corpus.Kind `json:"kind"`
	Source    string      `json:"source,omitempty"`
	Published string      `json:"published,omitempty"`
	Passages  int         `json:"passages"`
	Shard     int         `json:"shard"`
}

// Index is an open, searchable index. It is safe for concurrent use.
type Index struct {
	dir string
	// shards hold the passages; searchShards searches them all, in
	// parallel when there are several.
	shards []bleve.Index
	// mu guards meta and docCount, which an update in place changes;
	// updating lets one update run at a time.
	mu       sync.RWMutex
	updating sync.Mutex
	// torn is set (under updating) when an update's batches failed part
	// way: the shards may hold some of it, the meta none, so the index
	// takes no more updates in place and reads as changed until rebuilt.
	torn     bool
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

// held reports at once whether another process holds the Bleve store file
// open for writing (Bleve's open would wait for the lock until its
// timeout).
func held(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

// openConfig is how Bleve opens an index: waiting a little for a lock held
// by another process, and read-only when the index sits on a read-only
// volume (a baked image, a read-only mount), where searching needs no
// writes.
func openConfig(dir string) map[string]interface{} {
	c := map[string]interface{}{"bolt_timeout": "2s"}
	if syscall.Access(dir, 2 /* W_OK */) != nil {
		c["read_only"] = true
	}
	return c
}

// ErrCorrupt is returned when an index file no longer holds what was
// built: the index is rebuilt like a missing one.
var ErrCorrupt = errors.New("index files are corrupt")

// segmentExt names Bleve's immutable segment files.
const segmentExt = ".zap"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// segmentSums returns the checksum of every segment file under dir.
func segmentSums(dir string) (map[string]uint32, error) {
	sums := map[string]uint32{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // merged away while we walked
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(p, segmentExt) {
			return err
		}
		sum, err := fileSum(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		sums[rel] = sum
		return err
	})
	return sums, err
}

func fileSum(name string) (uint32, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := crc32.New(castagnoli)
	if _, err := io.Copy(h, f); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}

// verifySegments checks the segment files recorded at build time. A file
// the index has since let go of (merged away) may be missing; one that is
// there must hold what was built.
func verifySegments(dir string, sums map[string]uint32) error {
	for rel, want := range sums {
		got, err := fileSum(filepath.Join(dir, rel))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%w: %s changed since it was built", ErrCorrupt, rel)
		}
	}
	return nil
}

// ErrLocked is returned when another process holds the index open.
var ErrLocked = errors.New("index is in use by another futurebot process")

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
	if err := verifySegments(dir, meta.Segments); err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	n := max(meta.Shards, 1)
	for i := range n {
		if held(filepath.Join(shardPath(dir, n, i), "store", "root.bolt")) {
			return nil, fmt.Errorf("open index %q: %w", dir, ErrLocked)
		}
	}
	var shards []bleve.Index
	for i := range n {
		b, err := bleve.OpenUsing(shardPath(dir, n, i), openConfig(dir))
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
	ix := &Index{dir: dir, shards: shards, meta: meta, opts: opts, analyzer: an, docCount: float64(n), synonyms: map[string][]string{}}
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

// Meta returns what the index was built from, and updated with since.
func (ix *Index) Meta() Meta {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.meta
}

// Entities returns the entities of the corpus the index was built from.
func (ix *Index) Entities() []corpus.Entity { return ix.Meta().Entities }

// documents is how many passages the index holds, for term weights.
func (ix *Index) documents() float64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.docCount
}

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
