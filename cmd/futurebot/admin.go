package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/bot"
	"futurebot/corpus"
	"futurebot/index"
)

// ingestedDir is where documents added from Discord go, inside CORPUS_DIR.
const ingestedDir = "ingested"

// errStorage is what an admin is told when the disk refuses a write; the
// log has the path and the cause.
var errStorage = errors.New("the corpus directory could not be written (disk full or read-only?); the details are in the bot's log")

// admin runs reindex jobs, one at a time, and adds and removes ingested
// corpus files. It satisfies bot.Admin; SIGHUP and the corpus watcher use
// it too.
type admin struct {
	live      *live
	store     *index.Store
	corpusDir string // empty: the built-in corpus
	corpus    func() fs.FS
	log       *slog.Logger
	runs      *prometheus.CounterVec
	took      prometheus.Histogram

	mu      sync.Mutex // guards running and files under ingested/
	running *job
}

func newAdmin(l *live, store *index.Store, c *config, log *slog.Logger, reg prometheus.Registerer) *admin {
	a := &admin{live: l, store: store, corpusDir: c.CorpusDir, corpus: c.corpusFS, log: log.With("component", "admin"),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futurebot_reindex_total",
			Help: "Reindex jobs, by outcome (swapped or kept, when the old index kept serving)."}, []string{"outcome"}),
		took: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "futurebot_reindex_seconds",
			Help: "Time to rebuild the index.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)}),
	}
	if reg != nil {
		reg.MustRegister(a.runs, a.took)
	}
	return a
}

// job is one reindex.
type job struct {
	mu     sync.Mutex
	status bot.ReindexStatus
	done   chan struct{}
}

func (j *job) Status() bot.ReindexStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.status
	if !s.Finished {
		s.Elapsed = time.Since(s.Started)
	}
	return s
}

func (j *job) Done() <-chan struct{} { return j.done }

func (j *job) update(f func(s *bot.ReindexStatus)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(&j.status)
}

// Reindex starts a rebuild, or returns the one already running.
func (a *admin) Reindex(by string) (bot.ReindexJob, bool) {
	j, started := a.start(by, false)
	return j, started
}

// start begins a job unless one runs. With ifChanged it does nothing when
// the corpus fingerprint matches the index in service (for the watcher).
func (a *admin) start(by string, ifChanged bool) (*job, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running != nil {
		return a.running, false
	}
	if ifChanged {
		if fp, err := corpus.Fingerprint(a.corpus()); err == nil && fp == a.live.current().Meta().Fingerprint {
			return nil, false
		}
	}
	j := &job{done: make(chan struct{}), status: bot.ReindexStatus{By: by, Started: time.Now(), Stage: "reading"}}
	a.running = j
	a.log.Info("reindex started", "by", by)
	go a.run(j)
	return j, true
}

// startFresh starts a job that reads the corpus as it is now: when a job is
// running, it may have read the files before a change, so wait for it.
func (a *admin) startFresh(by string) *job {
	for {
		j, started := a.start(by, false)
		if started {
			return j
		}
		<-j.done
	}
}

func (a *admin) run(j *job) {
	defer func() {
		a.mu.Lock()
		a.running = nil
		a.mu.Unlock()
		close(j.done)
	}()
	fail := func(err error, sum index.Summary) {
		a.runs.WithLabelValues("kept").Inc()
		j.update(func(s *bot.ReindexStatus) {
			s.Finished, s.Stage, s.Err, s.Elapsed = true, "failed", reindexReason(err), time.Since(s.Started)
			s.Problems = problemLines(sum.Problems)
		})
		a.log.Error("reindex failed; the previous index keeps serving", "err", err, "problems", len(sum.Problems))
	}
	ix, sum, err := a.store.Build(context.Background(), a.corpus(), func(p index.Progress) {
		j.update(func(s *bot.ReindexStatus) {
			s.Stage, s.FilesRead, s.Files, s.Docs, s.DocsTotal, s.Passages = p.Stage, p.FilesRead, p.Files, p.DocsIndexed, p.Docs, p.PassagesIndexed
			s.Percent = p.Percent()
		})
	})
	if err != nil {
		fail(err, sum)
		return
	}
	a.live.swap(ix)
	a.store.RemoveOthers(ix)
	a.runs.WithLabelValues("swapped").Inc()
	a.took.Observe(sum.Took.Seconds())
	j.update(func(s *bot.ReindexStatus) {
		s.Finished, s.Stage, s.Percent, s.Elapsed = true, "done", 100, sum.Took
		s.Version, s.Articles, s.FAQs, s.Passages = sum.Version, sum.Articles, sum.FAQs, sum.Passages
		s.Added = [2]int{sum.Added.Articles, sum.Added.FAQs}
		s.Changed = [2]int{sum.Changed.Articles, sum.Changed.FAQs}
		s.Removed = [2]int{sum.Removed.Articles, sum.Removed.FAQs}
		s.Problems = problemLines(sum.Problems)
	})
}

// reindexReason says why a rebuild was refused, for the admin: the known
// reasons as they are, anything else (disk errors with their paths) as a
// pointer to the log.
func reindexReason(err error) string {
	switch {
	case errors.Is(err, index.ErrEmpty):
		return "no document in the corpus could be loaded (see the problems below)"
	case errors.Is(err, index.ErrTooManyFailed):
		msg := err.Error()
		if i := strings.Index(msg, index.ErrTooManyFailed.Error()); i >= 0 {
			return msg[i:]
		}
		return index.ErrTooManyFailed.Error()
	}
	return "the new index could not be built or written (disk full or read-only?); the details are in the bot's log"
}

func problemLines(ps []corpus.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Error())
	}
	return out
}

// Allowed extensions for ingested files (not entities.yaml: it belongs at
// the corpus root and is edited there).
var ingestExts = map[string]bool{".md": true, ".markdown": true, ".txt": true, ".html": true, ".htm": true, ".yaml": true, ".yml": true}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// sanitizeName turns an uploaded file name into a safe base name under
// ingested/, or says why it cannot be used.
func sanitizeName(name string) (string, error) {
	if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") {
		return "", fmt.Errorf("file name %q may not contain a path", name)
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		case r == ' ':
			return '-'
		}
		return -1
	}, name)
	if !safeName.MatchString(clean) || strings.HasPrefix(clean, ".") {
		return "", fmt.Errorf("file name %q is not usable (letters, digits, dot, dash and underscore only)", name)
	}
	ext := strings.ToLower(path.Ext(clean))
	if !ingestExts[ext] || strings.EqualFold(clean, corpus.EntitiesFile) {
		return "", fmt.Errorf("file type %q is not accepted: send .md, .txt, .html or an FAQ .yaml", ext)
	}
	return clean, nil
}

// Ingest checks a file with the corpus loader and writes it atomically
// under CORPUS_DIR/ingested/, then starts a reindex. Nothing is written when
// the file does not load.
func (a *admin) Ingest(name string, data []byte, replace bool, by string) (bot.ReindexJob, error) {
	if a.corpusDir == "" {
		return nil, bot.ErrNoCorpusDir
	}
	clean, err := sanitizeName(name)
	if err != nil {
		return nil, err
	}
	if _, err := corpus.ParseFile(clean, data); err != nil {
		return nil, fmt.Errorf("%s does not load: %w", clean, err)
	}
	dir := filepath.Join(a.corpusDir, ingestedDir)
	target := filepath.Join(dir, clean)
	a.mu.Lock()
	err = func() error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", ingestedDir, err)
		}
		if _, err := os.Stat(target); err == nil && !replace {
			return bot.ErrExists
		}
		tmp, err := os.CreateTemp(dir, ".ingest-*")
		if err != nil {
			return fmt.Errorf("write %s: %w", clean, err)
		}
		defer os.Remove(tmp.Name())
		if _, err := tmp.Write(data); err != nil {
			tmp.Close()
			return fmt.Errorf("write %s: %w", clean, err)
		}
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return fmt.Errorf("write %s: %w", clean, err)
		}
		if err := tmp.Close(); err != nil {
			return fmt.Errorf("write %s: %w", clean, err)
		}
		return os.Rename(tmp.Name(), target)
	}()
	a.mu.Unlock()
	if errors.Is(err, bot.ErrExists) {
		return nil, err
	}
	if err != nil {
		// The admin sees a plain reason; the path and OS error go to the log.
		a.log.Error("ingest failed", "file", clean, "err", err)
		return nil, errStorage
	}
	a.log.Info("document ingested", "file", path.Join(ingestedDir, clean), "bytes", len(data), "by", by, "replace", replace)
	return a.startFresh(by), nil
}

// Forget removes an ingested file and starts a reindex.
func (a *admin) Forget(name, by string) (bot.ReindexJob, error) {
	if a.corpusDir == "" {
		return nil, bot.ErrNoCorpusDir
	}
	clean, err := sanitizeName(name)
	if err != nil {
		return nil, bot.ErrNotIngested
	}
	a.mu.Lock()
	err = os.Remove(filepath.Join(a.corpusDir, ingestedDir, clean))
	a.mu.Unlock()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, bot.ErrNotIngested
	}
	if err != nil {
		a.log.Error("forget failed", "file", clean, "err", err)
		return nil, errStorage
	}
	a.log.Info("document forgotten", "file", path.Join(ingestedDir, clean), "by", by)
	return a.startFresh(by), nil
}

// Ingested lists the files under CORPUS_DIR/ingested/.
func (a *admin) Ingested() []string {
	if a.corpusDir == "" {
		return nil
	}
	entries, err := os.ReadDir(filepath.Join(a.corpusDir, ingestedDir))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
