package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"futurebot/corpus"
	"futurebot/internal/lockfile"
)

// The data directory holds one directory per built index ("v-" + version)
// and a file CURRENT naming the one in service. CURRENT is replaced by
// rename, so a crash at any moment leaves either the old or the new index
// current, never a half-built one.
const currentFile = "CURRENT"

// Store manages the index versions under a data directory.
type Store struct {
	dir  string
	opts Options
	log  *slog.Logger
	// lockWait is how long Build waits for another builder (default 5 s).
	lockWait time.Duration
	// MaxFailed is the largest share of corpus files that may fail to load
	// for a build to go into service: 0 allows none, 1 (NewStore's) any, as
	// long as one document loads.
	MaxFailed float64
}

// NewStore returns a store over dir; the directory is created on first build.
func NewStore(dir string, opts Options, log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{dir: dir, opts: opts, log: log.With("component", "index"), MaxFailed: 1}
}

// Report says what OpenOrBuild did.
type Report struct {
	// Rebuilt is true when the corpus changed (or there was no usable index)
	// and a new index was built and put in service.
	Rebuilt bool
	// Kept is true when a rebuild failed and the previous index is serving.
	Kept bool
	// Problems are the corpus files that could not be loaded.
	Problems []corpus.Problem
	// BuildErr is why the rebuild failed, when Kept.
	BuildErr error
	Took     time.Duration
}

// Current opens the index named by CURRENT.
func (s *Store) Current() (*Index, error) {
	name, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", currentFile, err)
	}
	v := strings.TrimSpace(string(name))
	if v == "" || strings.ContainsAny(v, `/\`) || v == "." || v == ".." {
		return nil, fmt.Errorf("%s names no index: %q", currentFile, v)
	}
	return Open(filepath.Join(s.dir, v), s.opts)
}

// OpenOrBuild returns the index for the corpus in fsys: the current index
// when it was built from the same files (fingerprint), else a new build. When
// a rebuild fails and an index exists, the old index keeps serving and the
// report says why.
func (s *Store) OpenOrBuild(ctx context.Context, fsys fs.FS) (*Index, Report, error) {
	start := time.Now()
	var rep Report
	fp, err := corpus.Fingerprint(fsys)
	if err != nil {
		return nil, rep, err
	}
	cur, err := s.Current()
	switch {
	case err == nil && cur.Meta().Fingerprint == fp && cur.Meta().Format == Format:
		s.cleanup(cur.Dir())
		rep.Took = time.Since(start)
		return cur, rep, nil
	case errors.Is(err, ErrLocked):
		return nil, rep, err
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		s.log.Warn("index on disk is unusable; rebuilding from the corpus", "dir", s.dir, "err", err)
	}
	next, sum, err := s.Build(ctx, fsys, nil)
	rep.Problems = sum.Problems
	if err != nil {
		if cur == nil {
			return nil, rep, err
		}
		rep.Kept, rep.BuildErr = true, err
		rep.Took = time.Since(start)
		return cur, rep, nil
	}
	if cur != nil {
		cur.Close()
	}
	s.cleanup(next.Dir())
	rep.Rebuilt = true
	rep.Took = time.Since(start)
	return next, rep, nil
}

// Progress is how far a build has got.
type Progress struct {
	Stage             string // "reading", "indexing", "checking"
	FilesRead, Files  int
	DocsIndexed, Docs int
	PassagesIndexed   int
	Elapsed           time.Duration
}

// Percent estimates the share of the build done: reading files is the first
// tenth, indexing most of the rest.
func (p Progress) Percent() int {
	switch p.Stage {
	case "reading":
		if p.Files == 0 {
			return 0
		}
		return 10 * p.FilesRead / p.Files
	case "indexing":
		if p.Docs == 0 {
			return 10
		}
		return 10 + 85*p.DocsIndexed/p.Docs
	case "checking":
		return 97
	}
	return 100
}

// Diff counts documents by what a rebuild did to them.
type Diff struct {
	Articles, FAQs int
}

// Summary is what a build did.
type Summary struct {
	Version                 string
	Took                    time.Duration
	Files, FailedFiles      int
	Problems                []corpus.Problem
	Articles, FAQs          int
	Passages                int
	Added, Changed, Removed Diff
}

// ErrTooManyFailed is returned when more of the corpus files failed to load
// than the store allows; the previous index stays current.
var ErrTooManyFailed = errors.New("too many corpus files failed to load")

// Build loads the corpus, builds a new index version, checks it and makes it
// current; it does not close or remove the previous version (the caller may
// still be serving it: see RemoveOthers). The previous index stays current
// when the build fails, yields no documents, or more than MaxFailed of the
// files failed. The summary holds the problems and, on success, what changed.
func (s *Store) Build(ctx context.Context, fsys fs.FS, progress func(Progress)) (*Index, Summary, error) {
	start := time.Now()
	report := func(p Progress) {
		if progress != nil {
			p.Elapsed = time.Since(start)
			progress(p)
		}
	}
	var sum Summary
	c, problems := corpus.LoadProgress(fsys, func(read, total int) {
		report(Progress{Stage: "reading", FilesRead: read, Files: total})
	})
	sum.Files, sum.Problems = c.Files, problems
	failed := map[string]bool{} // a file with two bad FAQ entries failed once
	for _, p := range problems {
		if p.File != "." && !failed[p.File] {
			failed[p.File] = true
			sum.FailedFiles++
		}
	}
	if len(c.Documents) == 0 {
		return nil, sum, fmt.Errorf("build index: %w (%d of %d files failed)", ErrEmpty, sum.FailedFiles, c.Files)
	}
	if c.Files > 0 && float64(sum.FailedFiles)/float64(c.Files) > s.MaxFailed {
		return nil, sum, fmt.Errorf("build index: %w: %d of %d files (over %.0f%%)", ErrTooManyFailed, sum.FailedFiles, c.Files, 100*s.MaxFailed)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, sum, fmt.Errorf("create data directory: %w", err)
	}
	unlock, err := s.lockBuild(ctx)
	if err != nil {
		return nil, sum, err
	}
	defer unlock()
	dir, err := os.MkdirTemp(s.dir, "v-"+time.Now().UTC().Format("20060102T150405")+"-")
	if err != nil {
		return nil, sum, fmt.Errorf("create index directory: %w", err)
	}
	ix, err := BuildProgress(ctx, dir, c, c.Fingerprint, problems, s.opts, func(docs, passages int) {
		report(Progress{Stage: "indexing", FilesRead: c.Files, Files: c.Files, DocsIndexed: docs, Docs: len(c.Documents), PassagesIndexed: passages})
	})
	if err != nil {
		os.RemoveAll(dir)
		return nil, sum, err
	}
	report(Progress{Stage: "checking", FilesRead: c.Files, Files: c.Files, DocsIndexed: len(c.Documents), Docs: len(c.Documents), PassagesIndexed: ix.Meta().Passages})
	if err := ix.check(ctx); err != nil {
		ix.Close()
		os.RemoveAll(dir)
		return nil, sum, err
	}
	prev, _ := s.currentMeta()
	if err := s.setCurrent(filepath.Base(dir)); err != nil {
		ix.Close()
		os.RemoveAll(dir)
		return nil, sum, err
	}
	m := ix.Meta()
	sum.Version, sum.Articles, sum.FAQs, sum.Passages = m.Version, m.Articles, m.FAQs, m.Passages
	sum.Added, sum.Changed, sum.Removed = diffDocs(prev, &m)
	sum.Took = time.Since(start)
	s.log.Info("index built", "version", m.Version, "articles", m.Articles, "faqs", m.FAQs, "passages", m.Passages,
		"problems", len(problems), "added", sum.Added.Articles+sum.Added.FAQs, "changed", sum.Changed.Articles+sum.Changed.FAQs,
		"removed", sum.Removed.Articles+sum.Removed.FAQs, "took", sum.Took.Round(time.Millisecond))
	return ix, sum, nil
}

// diffDocs compares two builds' documents by content hash. FAQ entries are
// the IDs with a "#" (file#entry).
func diffDocs(prev, next *Meta) (added, changed, removed Diff) {
	count := func(d *Diff, id string) {
		if strings.Contains(id, "#") {
			d.FAQs++
		} else {
			d.Articles++
		}
	}
	var old map[string]string
	if prev != nil {
		old = prev.Docs
	}
	for id, h := range next.Docs {
		switch oh, ok := old[id]; {
		case !ok:
			count(&added, id)
		case oh != h:
			count(&changed, id)
		}
	}
	for id := range old {
		if _, ok := next.Docs[id]; !ok {
			count(&removed, id)
		}
	}
	return added, changed, removed
}

// currentMeta reads the meta of the current index without opening it (a
// running bot may hold it).
func (s *Store) currentMeta() (*Meta, error) {
	name, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(s.dir, strings.TrimSpace(string(name)), metaFile))
	if err != nil {
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// check makes sure a fresh index answers: it has documents and a search
// for the title of its first passage finds something.
func (ix *Index) check(ctx context.Context) error {
	if ix.documents() == 0 {
		return fmt.Errorf("check new index: %w", ErrEmpty)
	}
	res, err := ix.Search(ctx, corpus.Query{Text: ix.Meta().Probe, Limit: 1})
	if err != nil {
		return fmt.Errorf("check new index: %w", err)
	}
	if len(res.Hits) == 0 {
		return errors.New("check new index: the probe search found nothing")
	}
	return nil
}

func (s *Store) setCurrent(version string) error {
	tmp := filepath.Join(s.dir, currentFile+".tmp")
	if err := writeFileSync(tmp, []byte(version+"\n")); err != nil {
		return fmt.Errorf("write %s: %w", currentFile, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, currentFile)); err != nil {
		return fmt.Errorf("replace %s: %w", currentFile, err)
	}
	// The rename is durable once the directory is synced.
	d, err := os.Open(s.dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", s.dir, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", s.dir, err)
	}
	return nil
}

// cleanup removes index directories other than keep: old versions and
// builds interrupted by a crash.
func (s *Store) cleanup(keep string) {
	// A version being built belongs to whoever holds the build lock: while
	// another builds, remove nothing.
	unlock, err := s.tryLockBuild()
	if err != nil {
		s.log.Debug("not removing old indexes while another process builds", "err", err)
		return
	}
	defer unlock()
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(s.dir, e.Name())
		if e.IsDir() && strings.HasPrefix(e.Name(), "v-") && p != keep {
			if err := os.RemoveAll(p); err != nil {
				s.log.Warn("could not remove old index", "dir", p, "err", err)
			} else {
				s.log.Debug("removed old index", "dir", p)
			}
		}
	}
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

// RemoveOthers deletes every index version except ix's: superseded versions
// and builds a crash interrupted.
func (s *Store) RemoveOthers(ix *Index) { s.cleanup(ix.Dir()) }

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

// buildLockFile is held (flock) by whoever builds in the data directory; it
// says who that is.
const buildLockFile = "BUILDING"

// ErrBuilding is returned when another process builds in the data
// directory and does not finish within the wait.
var ErrBuilding = errors.New("another futurebot is building the index in this data directory")

// lockBuild takes the build lock, waiting up to s.lockWait (5 s by
// default) for another builder to finish; it returns the release.
func (s *Store) lockBuild(ctx context.Context) (func(), error) {
	wait := s.lockWait
	if wait == 0 {
		wait = 5 * time.Second
	}
	deadline := time.Now().Add(wait)
	for {
		unlock, err := s.tryLockBuild()
		if !errors.Is(err, ErrBuilding) || time.Now().After(deadline) {
			return unlock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// tryLockBuild takes the build lock if it is free, and writes who holds it
// into the lock file; ErrBuilding says who holds it otherwise.
func (s *Store) tryLockBuild() (func(), error) {
	unlock, err := lockfile.TryLock(filepath.Join(s.dir, buildLockFile), ErrBuilding)
	if err != nil && !errors.Is(err, ErrBuilding) {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	return unlock, err
}
