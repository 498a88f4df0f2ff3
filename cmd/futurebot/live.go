package main

import (
	"context"
	"log/slog"
	"sync"

	"futurebot/answers"
	"futurebot/bot"
	"futurebot/corpus"
	"futurebot/index"
)

// live is the index in service and the engine over it. A reindex swaps both
// at once: questions hold a read lock while they are answered, so the swap
// waits for answers in flight on the old index, and the old index is closed
// only when nothing uses it. Every answer comes from one complete index.
type live struct {
	mu  sync.RWMutex
	ix  *index.Index
	eng *answers.Engine
	log *slog.Logger
}

func newLive(ix *index.Index, log *slog.Logger) *live {
	return &live{ix: ix, eng: answers.New(ix, ix.Entities(), answers.Options{}), log: log}
}

// swap puts next in service and closes the index it replaces.
func (l *live) swap(next *index.Index) {
	eng := answers.New(next, next.Entities(), answers.Options{})
	l.mu.Lock()
	old := l.ix
	l.ix, l.eng = next, eng
	l.mu.Unlock()
	if old != nil {
		if err := old.Close(); err != nil {
			l.log.Warn("closing the previous index", "err", err)
		}
	}
}

// current returns the index in service (for reading its meta).
func (l *live) current() *index.Index {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.ix
}

func (l *live) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ix.Close()
}

func (l *live) Ask(ctx context.Context, q string) (answers.Answer, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.eng.Ask(ctx, q)
}

func (l *live) Lookup(ctx context.Context, kind corpus.EntityKind, name string) (answers.Card, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.eng.Lookup(ctx, kind, name)
}

func (l *live) Resolve(kind corpus.EntityKind, name string, n int) []answers.EntityMatch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.eng.Resolve(kind, name, n)
}

func (l *live) SuggestQuestions(ctx context.Context, typed string, n int) ([]string, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.eng.SuggestQuestions(ctx, typed, n)
}

func (l *live) Search(ctx context.Context, q corpus.Query) (corpus.Results, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.eng.Search(ctx, q)
}

// info describes the index in service for /sources and /healthz.
func (l *live) info() bot.IndexInfo {
	m := l.current().Meta()
	return bot.IndexInfo{Version: m.Version, Built: m.Built, Articles: m.Articles, FAQs: m.FAQs, Passages: m.Passages, Sources: m.Sources}
}
