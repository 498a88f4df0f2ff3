package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"futurebot/api"
	"futurebot/corpus"
	"futurebot/index"
	"futurebot/library"
)

// libraryOptions are the library settings every command shares.
func (c *config) libraryOptions(log *slog.Logger) (library.Options, error) {
	var problems []string
	maxFailed, err := c.maxFailed()
	if err != nil {
		problems = append(problems, err.Error())
	}
	stale, err := c.staleAfter()
	if err != nil {
		problems = append(problems, err.Error())
	}
	f, err := c.fetcher()
	if err != nil {
		problems = append(problems, err.Error())
	}
	interval, err := c.feedInterval()
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return library.Options{}, configError(problems)
	}
	return library.Options{DataDir: c.DataDir, CorpusDir: c.CorpusDir, MaxFailed: maxFailed, StaleAfter: stale, Log: log,
		Fetch: f, FeedInterval: interval}, nil
}

// sources answers the command line's questions: from the index in DATA_DIR,
// or, while a running bot holds it, through that bot's API.
type sources interface {
	Ask(ctx context.Context, q string) (api.Answer, error)
	// AskExplained answers and says how (the running bot's API answers
	// without it).
	AskExplained(ctx context.Context, q string) (api.Answer, error)
	Lookup(ctx context.Context, kind corpus.EntityKind, name string) (api.Card, error)
	// Names lists the names of an entity kind, for "did you mean"; nil when
	// they are not at hand.
	Names(kind corpus.EntityKind) []string
	Close() error
}

// openSources opens the index of the configured corpus, building it first
// when the corpus changed; when a running bot holds it, it asks that bot.
func openSources(ctx context.Context, c *config, log *slog.Logger) (sources, error) {
	opts, err := c.libraryOptions(log)
	if err != nil {
		return nil, err
	}
	lib, err := library.Open(ctx, opts)
	if err == nil {
		return localSources{lib}, nil
	}
	if !errors.Is(err, index.ErrLocked) {
		return nil, err
	}
	addr := c.httpAddr()
	if addr == "" {
		return nil, fmt.Errorf("%w; the bot's API is off (HTTP_ADDR), so ask it in Discord or stop it first", err)
	}
	client, cerr := api.NewClient(addr)
	if cerr != nil {
		return nil, fmt.Errorf("%w: %v", errConfig, cerr)
	}
	log.Info("a running futurebot holds the index; asking it", "api", client.Base)
	return remoteSources{client}, nil
}

type localSources struct{ lib *library.Library }

func (l localSources) Ask(ctx context.Context, q string) (api.Answer, error) {
	a, err := l.lib.Ask(ctx, q)
	return api.FromAnswer(a), err
}

func (l localSources) AskExplained(ctx context.Context, q string) (api.Answer, error) {
	a, err := l.lib.AskExplained(ctx, q)
	return api.FromAnswer(a), err
}

func (l localSources) Lookup(ctx context.Context, kind corpus.EntityKind, name string) (api.Card, error) {
	card, err := l.lib.Lookup(ctx, kind, name)
	return api.FromCard(card), err
}

func (l localSources) Names(kind corpus.EntityKind) []string {
	var names []string
	for _, m := range l.lib.Resolve(kind, "", 0) {
		names = append(names, m.Entity.Name)
	}
	return names
}

func (l localSources) Close() error { return l.lib.Close() }

type remoteSources struct{ *api.Client }

func (r remoteSources) AskExplained(ctx context.Context, q string) (api.Answer, error) {
	return r.Ask(ctx, q)
}

func (remoteSources) Names(corpus.EntityKind) []string { return nil }
func (remoteSources) Close() error                     { return nil }
