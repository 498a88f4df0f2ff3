package library

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"futurebot/corpus"
	"futurebot/feeds"
	"futurebot/service"
)

// feedStatus is what the last poll found, for /feeds, /sources and
// /healthz.
type feedStatus struct {
	mu    sync.Mutex
	state *feeds.State // nil until the first poll of this run
}

// Feeds lists the feeds of feeds.yaml with their last poll, last new item
// and last error.
func (l *Library) Feeds() []service.FeedInfo {
	if l.opts.CorpusDir == "" {
		return nil
	}
	list, _ := feeds.Load(l.opts.CorpusDir)
	l.feeds.mu.Lock()
	st := l.feeds.state
	l.feeds.mu.Unlock()
	if st == nil {
		st, _ = feeds.LoadState(l.opts.DataDir)
	}
	out := make([]service.FeedInfo, 0, len(list))
	for _, f := range list {
		fi := service.FeedInfo{Name: f.Name, URL: f.URL, Shown: feeds.Redact(f.URL)}
		if s := st.Feeds[f.URL]; s != nil {
			fi.LastPoll, fi.LastNew, fi.LastError, fi.Failures, fi.FailedPages = s.LastPoll, s.LastNew, s.LastError, s.Failures, len(s.Pending)
			var latest time.Time
			for _, p := range s.Pending {
				if p.NextTry.After(latest) {
					latest, fi.PageError = p.NextTry, p.LastError
				}
			}
		}
		out = append(out, fi)
	}
	return out
}

// AddFeed adds a feed to feeds.yaml and polls the feeds at once, in the
// background.
func (l *Library) AddFeed(rawURL, name string, tags []string, by string) (service.FeedInfo, error) {
	if l.opts.CorpusDir == "" {
		return service.FeedInfo{}, service.ErrNoCorpusDir
	}
	l.feedsMu.Lock()
	list, probs := feeds.Load(l.opts.CorpusDir)
	if len(probs) > 0 {
		l.feedsMu.Unlock()
		return service.FeedInfo{}, errFeedsFile(probs)
	}
	list, f, err := feeds.Add(list, feeds.Feed{URL: rawURL, Name: name, Tags: tags})
	if err == nil {
		err = feeds.Save(l.opts.CorpusDir, list)
	}
	l.feedsMu.Unlock()
	if err != nil {
		return service.FeedInfo{}, err
	}
	l.log.Info("feed added", "feed", f.Name, "by", by)
	l.pollSoon()
	return service.FeedInfo{Name: f.Name, URL: f.URL, Shown: feeds.Redact(f.URL)}, nil
}

// RemoveFeed removes a feed from feeds.yaml; the pages it brought stay
// (forget them one by one).
func (l *Library) RemoveFeed(rawURL, by string) (service.FeedInfo, error) {
	if l.opts.CorpusDir == "" {
		return service.FeedInfo{}, service.ErrNoCorpusDir
	}
	l.feedsMu.Lock()
	defer l.feedsMu.Unlock()
	list, probs := feeds.Load(l.opts.CorpusDir)
	if len(probs) > 0 {
		return service.FeedInfo{}, errFeedsFile(probs)
	}
	list, f, err := feeds.Remove(list, rawURL)
	if err == nil {
		err = feeds.Save(l.opts.CorpusDir, list)
	}
	if err != nil {
		return service.FeedInfo{}, err
	}
	l.log.Info("feed removed", "feed", f.Name, "by", by)
	return service.FeedInfo{Name: f.Name, URL: f.URL}, nil
}

// errFeedsFile refuses to rewrite a feeds.yaml with problems: the rewrite
// would drop what could not be read.
func errFeedsFile(probs []error) error {
	return fmt.Errorf("feeds.yaml has problems to fix by hand first, or they would be lost: %v", probs[0])
}

// FeedProblems are the problems of feeds.yaml, one a line.
func (l *Library) FeedProblems() []string {
	if l.opts.CorpusDir == "" {
		return nil
	}
	_, probs := feeds.Load(l.opts.CorpusDir)
	var out []string
	for _, p := range probs {
		out = append(out, p.Error())
	}
	return out
}

// pollSoon polls the feeds now, in the background, unless the library is
// closing.
func (l *Library) pollSoon() {
	l.jobMu.Lock()
	defer l.jobMu.Unlock()
	if l.closed || l.opts.Fetch == nil {
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.PollFeeds(l.ctx, false)
	}()
}

// PollFeeds polls every feed of feeds.yaml once, saves the new items'
// pages under ingested/ and starts a reindex when there are any; force
// ignores back-offs. Problems with feeds.yaml are returned beside the
// results: a bad entry never stops the good ones.
func (l *Library) PollFeeds(ctx context.Context, force bool) ([]feeds.Result, []error) {
	if l.opts.CorpusDir == "" || l.opts.Fetch == nil {
		return nil, []error{errors.New("feeds need a corpus directory and fetching")}
	}
	l.pollMu.Lock()
	p := feeds.Poller{Fetch: l.opts.Fetch, Interval: l.opts.FeedInterval, Now: time.Now,
		Save: func(ctx context.Context, pageURL string, meta corpus.PageMeta) (string, error) {
			s, data, err := readPage(ctx, l.opts.Fetch, l.opts.CorpusDir, pageURL, meta)
			if err == nil {
				l.jobMu.Lock()
				err = writePage(l.opts.CorpusDir, &s, data)
				l.jobMu.Unlock()
			}
			return s.File, err
		}}
	round, err := p.PollAll(ctx, l.opts.CorpusDir, l.opts.DataDir, force)
	if err != nil {
		l.pollMu.Unlock()
		return nil, []error{err}
	}
	if round.StateErr != nil {
		l.log.Warn("reading the feeds' state failed", "err", round.StateErr)
	}
	if round.SaveErr != nil {
		l.log.Error("saving the feeds' state failed", "err", round.SaveErr)
	}
	results, probs, st := round.Results, round.Problems, round.State
	l.feeds.mu.Lock()
	l.feeds.state = st
	l.feeds.mu.Unlock()
	var saved []string
	for _, r := range results {
		saved = append(saved, r.Saved...)
		switch {
		case r.Err != nil:
			l.log.Warn("feed failed", "feed", r.Feed.Name, "err", r.Err)
		case len(r.Saved) > 0 || len(r.Failed) > 0:
			l.log.Info("feed polled", "feed", r.Feed.Name, "new", len(r.Saved), "failed", len(r.Failed))
		}
		for _, f := range r.Failed {
			l.log.Warn("feed item failed; retried later", "feed", r.Feed.Name, "err", f)
		}
	}
	l.pollMu.Unlock()
	if len(saved) > 0 && ctx.Err() == nil {
		l.update("feeds", saved...)
	}
	return results, probs
}

// pollLoop polls the feeds every FeedInterval until the library closes.
func (l *Library) pollLoop() {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-l.ctx.Done():
			return
		case <-t.C:
		}
		_, probs := l.PollFeeds(l.ctx, false)
		for _, p := range probs {
			if errors.Is(p, feeds.ErrPolling) {
				l.log.Info("feeds not polled this time", "reason", p)
			} else {
				l.log.Warn("feeds.yaml", "err", p)
			}
		}
		t.Reset(l.opts.FeedInterval)
	}
}
