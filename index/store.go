package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"futurebot/corpus"
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
}

// NewStore returns a store over dir; the directory is created on first build.
func NewStore(dir string, opts Options, log *slog.Logger) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Store{dir: dir, opts: opts, log: log.With("component", "index")}
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
	next, problems, err := s.Build(ctx, fsys, fp)
	rep.Problems = problems
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

// Build loads the corpus, builds a new index version, checks it and makes it
// current. It returns the corpus problems even on success. The previous
// index stays current when the build fails or yields no documents.
func (s *Store) Build(ctx context.Context, fsys fs.FS, fingerprint string) (*Index, []corpus.Problem, error) {
	c, problems := corpus.Load(fsys)
	if len(c.Documents) == 0 {
		return nil, problems, fmt.Errorf("build index: %w (%d of %d files failed)", ErrEmpty, len(problems)-1, c.Files)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, problems, fmt.Errorf("create data directory: %w", err)
	}
	dir, err := os.MkdirTemp(s.dir, "v-"+time.Now().UTC().Format("20060102T150405")+"-")
	if err != nil {
		return nil, problems, fmt.Errorf("create index directory: %w", err)
	}
	ix, err := Build(ctx, dir, c, fingerprint, problems, s.opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, problems, err
	}
	if err := ix.check(ctx); err != nil {
		ix.Close()
		os.RemoveAll(dir)
		return nil, problems, err
	}
	if err := s.setCurrent(filepath.Base(dir)); err != nil {
		ix.Close()
		os.RemoveAll(dir)
		return nil, problems, err
	}
	s.log.Info("index built", "version", ix.meta.Version, "articles", ix.meta.Articles, "faqs", ix.meta.FAQs,
		"passages", ix.meta.Passages, "problems", len(problems))
	return ix, problems, nil
}

// check makes sure a fresh index answers: it has documents and a search
// for the title of its first passage finds something.
func (ix *Index) check(ctx context.Context) error {
	if ix.docCount == 0 {
		return fmt.Errorf("check new index: %w", ErrEmpty)
	}
	res, err := ix.Search(ctx, corpus.Query{Text: ix.meta.Probe, Limit: 1})
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
	if d, err := os.Open(s.dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// cleanup removes index directories other than keep: old versions and
// builds interrupted by a crash.
func (s *Store) cleanup(keep string) {
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

// RemoveOthers deletes every index version except ix's: superseded versions
// and builds a crash interrupted.
func (s *Store) RemoveOthers(ix *Index) { s.cleanup(ix.Dir()) }
