// Package library owns the running index. It opens or builds the index of a
// corpus, answers from it, rebuilds it in the background and swaps the new
// index in, adds and removes ingested corpus files, and watches the corpus
// for changes. Every goroutine it starts is stopped and waited for by
// Close, before the index is closed.
package library

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
	"futurebot/service"
)

// Options say which corpus to serve and how.
type Options struct {
	// DataDir holds the index versions.
	DataDir string
	// CorpusDir is the corpus; empty serves the built-in corpus.
	CorpusDir string
	// MaxFailed is the largest share of corpus files that may fail to load
	// for a rebuild to go into service: 0 allows none, 1 any (see
	// index.Store).
	MaxFailed float64
	// Watch rebuilds the index when files under CorpusDir change, once
	// they have been quiet for Debounce (default 2 s).
	Watch    bool
	Debounce time.Duration
	Log      *slog.Logger
	// Registerer, when set, receives the reindex metrics.
	Registerer prometheus.Registerer
	// StaleAfter is the age from which an answer says its source's month
	// (see answers.Options).
	StaleAfter time.Duration
	// Fetch, when set, fetches the pages admins add by URL and the feeds.
	Fetch Fetcher
	// FeedInterval, when set with Fetch and CorpusDir, polls the feeds of
	// the corpus directory's feeds.yaml that often (Start only).
	FeedInterval time.Duration
}

// Library is the index in service and the work on it.
type Library struct {
	opts  Options
	store *index.Store
	log   *slog.Logger
	runs  *prometheus.CounterVec
	took  prometheus.Histogram

	mu  sync.RWMutex // guards ix and eng: answers hold it for reading
	ix  *index.Index
	eng *answers.Engine

	jobMu   sync.Mutex // guards running, again, closed and the files under ingested/
	running *Job
	again   bool // the corpus changed while a job ran: check it again after
	closed  bool

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // jobs, the watcher and the feed poller

	pollMu  sync.Mutex // one poll of the feeds at a time
	feedsMu sync.Mutex // one change of feeds.yaml at a time
	feeds   feedStatus

	// progressed, when set, sees every progress report of a job (tests
	// wait on it for a stage); updated, every update in place (guarded by
	// jobMu).
	progressed func(index.Progress)
	updated    func(index.Summary)
}

func newLibrary(o Options) *Library {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Debounce <= 0 {
		o.Debounce = 2 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Library{opts: o, log: o.Log, ctx: ctx, cancel: cancel,
		store: index.NewStore(o.DataDir, index.Options{}, o.Log),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "futurebot_reindex_total",
			Help: "Reindex jobs, by outcome (swapped or kept, when the old index kept serving)."}, []string{"outcome"}),
		took: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "futurebot_reindex_seconds",
			Help: "Time to rebuild the index.", Buckets: prometheus.ExponentialBuckets(0.05, 2, 12)}),
	}
	l.store.MaxFailed = o.MaxFailed
	return l
}

// Open opens the index of the corpus, building it first when the corpus
// changed since it was built; it runs nothing in the background. It is for
// commands that answer and exit.
func Open(ctx context.Context, o Options) (*Library, error) {
	l := newLibrary(o)
	ix, err := l.openOrBuild(ctx)
	if err != nil {
		l.cancel()
		return nil, err
	}
	l.setLive(ix)
	return l, nil
}

// Start opens the index on disk and serves it at once, even when the
// corpus changed since it was built: the rebuild then runs in the
// background and swaps in when it is good. With Options.Watch it watches
// the corpus. It is for the bot; Close stops it.
func Start(ctx context.Context, o Options) (*Library, error) {
	l := newLibrary(o)
	if o.Watch && o.CorpusDir == "" {
		l.cancel()
		return nil, errors.New("watching needs a corpus directory: the built-in corpus never changes")
	}
	ix, err := l.store.Current()
	if err == nil && ix.Meta().Format == index.Format {
		l.store.RemoveOthers(ix) // builds a crash interrupted
	} else {
		if err == nil {
			ix.Close()
		}
		if ix, err = l.openOrBuild(ctx); err != nil {
			l.cancel()
			return nil, err
		}
	}
	l.setLive(ix)
	if o.Registerer != nil {
		if err := o.Registerer.Register(l.runs); err != nil {
			l.Close()
			return nil, err
		}
		if err := o.Registerer.Register(l.took); err != nil {
			l.Close()
			return nil, err
		}
	}
	// The job fingerprints the corpus and starts only if it changed.
	if _, started := l.start("start-up", true); started {
		l.log.Info("the corpus changed since the index was built; serving the previous index while it is rebuilt")
	}
	if o.Watch {
		w, err := newWatcher(l.opts.CorpusDir, l.log)
		if err != nil {
			l.Close()
			return nil, err
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			w.run(l.ctx, l.opts.Debounce, l.corpusChanged)
		}()
	}
	if o.Fetch != nil && o.CorpusDir != "" && o.FeedInterval > 0 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.pollLoop()
		}()
	}
	return l, nil
}

// Close stops the watcher and any reindex job, waits for them, and closes
// the index. Answers in flight finish first.
func (l *Library) Close() error {
	l.jobMu.Lock()
	l.closed = true
	l.jobMu.Unlock()
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ix == nil {
		return nil
	}
	err := l.ix.Close()
	l.ix, l.eng = nil, nil
	return err
}

// Corpus returns the corpus the library serves.
func (l *Library) Corpus() fs.FS {
	if l.opts.CorpusDir == "" {
		return corpus.Default()
	}
	return corpus.Dir(l.opts.CorpusDir)
}

// CorpusName names the corpus for people: its directory, or "the built-in
// corpus".
func (l *Library) CorpusName() string {
	if l.opts.CorpusDir == "" {
		return "the built-in corpus"
	}
	return l.opts.CorpusDir
}

// openOrBuild opens or builds the index, logging what happened.
func (l *Library) openOrBuild(ctx context.Context) (*index.Index, error) {
	ix, rep, err := l.store.OpenOrBuild(ctx, l.Corpus())
	for _, p := range rep.Problems {
		l.log.Warn("corpus file skipped", "problem", p.Error())
	}
	if err != nil {
		return nil, err
	}
	if rep.Kept {
		l.log.Error("rebuilding the index failed; answering from the previous index", "err", rep.BuildErr)
	}
	if rep.Rebuilt {
		m := ix.Meta()
		l.log.Info("index ready", "corpus", l.CorpusName(), "articles", m.Articles, "faqs", m.FAQs,
			"passages", m.Passages, "took", rep.Took.Round(time.Millisecond))
	}
	return ix, nil
}

// setLive puts ix in service and closes the index it replaces: questions
// hold a read lock while they are answered, so the swap waits for answers
// in flight on the old index, and every answer comes from one complete
// index.
func (l *Library) setLive(ix *index.Index) {
	eng := answers.New(ix, ix.Entities(), answers.Options{StaleAfter: l.opts.StaleAfter})
	l.mu.Lock()
	old := l.ix
	l.ix, l.eng = ix, eng
	l.mu.Unlock()
	if old != nil {
		if err := old.Close(); err != nil {
			l.log.Warn("closing the previous index", "err", err)
		}
	}
}

// Meta describes the index in service.
func (l *Library) Meta() index.Meta {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.ix == nil {
		return index.Meta{}
	}
	return l.ix.Meta()
}

// Info describes the index in service for /sources and /healthz.
func (l *Library) Info() service.IndexInfo {
	m := l.Meta()
	return service.IndexInfo{Version: m.Version, Built: m.Built, Articles: m.Articles, FAQs: m.FAQs, Passages: m.Passages,
		Sources: m.Sources, SourceDates: m.SourceDates}
}

// engine runs f with the engine in service, under the read lock.
func (l *Library) engine(f func(e *answers.Engine) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.eng == nil {
		return service.ErrClosed
	}
	return f(l.eng)
}

// Ask answers a question from the index in service.
func (l *Library) Ask(ctx context.Context, q string) (a answers.Answer, err error) {
	err = l.engine(func(e *answers.Engine) error { a, err = e.Ask(ctx, q); return err })
	return a, err
}

// AskExplained answers a question and says how the answer was chosen.
func (l *Library) AskExplained(ctx context.Context, q string) (a answers.Answer, err error) {
	err = l.engine(func(e *answers.Engine) error { a, err = e.AskExplained(ctx, q); return err })
	return a, err
}

// AskWithMeta answers a question and says which index answered it.
func (l *Library) AskWithMeta(ctx context.Context, q string) (a answers.Answer, m index.Meta, err error) {
	err = l.engine(func(e *answers.Engine) error { a, err = e.Ask(ctx, q); m = l.ix.Meta(); return err })
	return a, m, err
}

// Lookup describes one sector, company or policy.
func (l *Library) Lookup(ctx context.Context, kind corpus.EntityKind, name string) (c answers.Card, err error) {
	err = l.engine(func(e *answers.Engine) error { c, err = e.Lookup(ctx, kind, name); return err })
	return c, err
}

// Resolve finds the entities of a kind whose names match what was typed.
func (l *Library) Resolve(kind corpus.EntityKind, name string, n int) (out []answers.EntityMatch) {
	l.engine(func(e *answers.Engine) error { out = e.Resolve(kind, name, n); return nil })
	return out
}

// FollowUp reads a question asked in a conversation (see
// answers.Engine.FollowUp).
func (l *Library) FollowUp(earlier []string, q string) (out string, changed bool) {
	out = q
	l.engine(func(e *answers.Engine) error { out, changed = e.FollowUp(earlier, q); return nil })
	return out, changed
}

// SuggestQuestions completes a question being typed.
func (l *Library) SuggestQuestions(ctx context.Context, typed string, n int) (out []string, err error) {
	err = l.engine(func(e *answers.Engine) error { out, err = e.SuggestQuestions(ctx, typed, n); return err })
	return out, err
}

// Search finds passages.
func (l *Library) Search(ctx context.Context, q corpus.Query) (r corpus.Results, err error) {
	err = l.engine(func(e *answers.Engine) error { r, err = e.Search(ctx, q); return err })
	return r, err
}

// Entities lists the entities of the index in service.
func (l *Library) Entities() (out []corpus.Entity) {
	l.engine(func(e *answers.Engine) error { out = e.Entities(); return nil })
	return out
}
