package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"futurebot/corpus"
	"futurebot/feeds"
	"futurebot/library"
)

// addCommand saves web pages into the corpus directory.
type addCommand struct{}

func (*addCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, urls, err := m.setup("add", false, args, nil)
	if err != nil {
		return err
	}
	if len(urls) == 0 {
		return fmt.Errorf("%w: give the address of a page, for example: futurebot add https://example.com/article", errUsage)
	}
	if c.CorpusDir == "" {
		return errors.New("add needs a corpus directory (--corpus or CORPUS_DIR): the built-in corpus is read-only")
	}
	f, err := c.fetcher()
	if err != nil {
		return err
	}
	failed := 0
	for _, u := range urls {
		s, err := library.SavePage(ctx, f, c.CorpusDir, u, corpus.PageMeta{Fetched: time.Now()})
		if err != nil {
			failed++
			fmt.Fprintf(m.Stderr, "%s: %v\n", u, err)
			continue
		}
		verb := "Added"
		if s.Refreshed {
			verb = "Refreshed"
		}
		date := s.Published
		if date == "" {
			date = "undated"
		}
		fmt.Fprintf(m.Stdout, "%s %q (%s, %s), %s → %s\n", verb, s.Title, s.Source, date, plural(s.Passages, "passage"), s.File)
	}
	if failed < len(urls) {
		fmt.Fprintln(m.Stdout, "A running bot answers from it after its next reindex (/reindex, SIGHUP, or at once with WATCH_CORPUS=true).")
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d pages could not be added", failed, len(urls))
	}
	return nil
}

// pollCommand polls every feed of feeds.yaml once.
type pollCommand struct{}

func (*pollCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, _, err := m.setup("poll", true, args, nil)
	if err != nil {
		return err
	}
	if c.CorpusDir == "" {
		return errors.New("poll needs a corpus directory (--corpus or CORPUS_DIR) with a feeds.yaml")
	}
	opts, err := c.libraryOptions(c.logger(m))
	if err != nil {
		return err
	}
	p := feeds.Poller{Fetch: opts.Fetch, Interval: opts.FeedInterval, Now: time.Now,
		Save: func(ctx context.Context, pageURL string, meta corpus.PageMeta) (string, error) {
			s, err := library.SavePage(ctx, opts.Fetch, c.CorpusDir, pageURL, meta)
			return s.File, err
		}}
	round, err := p.PollAll(ctx, c.CorpusDir, c.DataDir, true)
	if err != nil {
		return err // ErrPolling: the bot is polling them, and its poll saves what this one would
	}
	for _, p := range round.Problems {
		fmt.Fprintln(m.Stderr, p)
	}
	if round.StateErr != nil {
		fmt.Fprintln(m.Stderr, round.StateErr)
	}
	if round.SaveErr != nil {
		return fmt.Errorf("save the feeds' state: %w", round.SaveErr)
	}
	if len(round.Results) == 0 {
		return fmt.Errorf("no feeds to poll: list them in %s/%s (- url: https://…/feed.xml, name: …)", c.CorpusDir, corpus.FeedsFile)
	}
	results := round.Results
	var b strings.Builder
	saved, failedFeeds := 0, 0
	for _, r := range results {
		switch {
		case r.Err != nil:
			failedFeeds++
			fmt.Fprintf(&b, "%s: failed: %v\n", r.Feed.Name, r.Err)
		case r.NotModified:
			fmt.Fprintf(&b, "%s: not changed since the last poll\n", r.Feed.Name)
		default:
			fmt.Fprintf(&b, "%s: %s\n", r.Feed.Name, plural(len(r.Saved), "new page"))
		}
		for _, f := range r.Saved {
			fmt.Fprintf(&b, "  + %s\n", f)
		}
		for _, f := range r.Failed {
			fmt.Fprintf(&b, "  ! %s (retried at the next poll)\n", f)
		}
		saved += len(r.Saved)
	}
	if saved > 0 {
		b.WriteString("A running bot answers from them after its next reindex (at once with WATCH_CORPUS=true).\n")
	}
	fmt.Fprint(m.Stdout, b.String())
	if failedFeeds > 0 {
		return fmt.Errorf("%d of %d feeds failed", failedFeeds, len(results))
	}
	return nil
}
