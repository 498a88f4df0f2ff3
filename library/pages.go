package library

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"os"
	"path"
	"path/filepath"
	"time"

	"futurebot/corpus"
	"futurebot/fetch"
	"futurebot/service"
)

// Fetcher gets web pages and feeds (fetch.Fetcher: safe addresses only,
// size and time capped, robots.txt respected).
type Fetcher interface {
	Get(ctx context.Context, rawURL string, c fetch.Conditional) (*fetch.Page, error)
}

// Saved is a page saved in the corpus directory.
type Saved = service.SavedPage

// SavePage fetches a web page, extracts its article and saves it under
// corpusDir's ingested/ as a Markdown document with its title, URL, site,
// date and fetch time. The same page fetched again (by its canonical URL)
// replaces its earlier copy. Nothing is written for a page that fails.
func SavePage(ctx context.Context, f Fetcher, corpusDir, rawURL string, meta corpus.PageMeta) (Saved, error) {
	if corpusDir == "" {
		return Saved{}, service.ErrNoCorpusDir
	}
	s, data, err := readPage(ctx, f, corpusDir, rawURL, meta)
	if err != nil {
		return Saved{}, err
	}
	return s, writePage(corpusDir, &s, data)
}

// readPage fetches a page and makes the document to save of it in
// corpusDir. A page saved before keeps the feed, tags and entity hints it
// was filed with, unless meta gives its own.
func readPage(ctx context.Context, f Fetcher, corpusDir, rawURL string, meta corpus.PageMeta) (Saved, []byte, error) {
	page, err := f.Get(ctx, rawURL, fetch.Conditional{})
	if err != nil {
		return Saved{}, nil, err
	}
	if mt, _, _ := mime.ParseMediaType(page.ContentType); page.ContentType != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return Saved{}, nil, fmt.Errorf("%s is not a web page (it is %s)", page.URL, mt)
	}
	p, err := corpus.ReadPage(page.URL, page.Body)
	if err != nil {
		return Saved{}, nil, fmt.Errorf("%s: %w", page.URL, err)
	}
	name, err := corpus.PageFileName(p.URL)
	if err != nil {
		return Saved{}, nil, err
	}
	if meta.Fetched.IsZero() {
		meta.Fetched = time.Now()
	}
	file := path.Join(IngestedDir, name)
	if meta.Feed == "" && len(meta.Tags)+len(meta.Sectors)+len(meta.Companies)+len(meta.Policies) == 0 {
		if old, err := os.ReadFile(filepath.Join(corpusDir, filepath.FromSlash(file))); err == nil {
			if was, err := corpus.SavedPageMeta(old); err == nil {
				was.Fetched = meta.Fetched
				meta = was
			}
		}
	}
	data := p.Markdown(meta)
	docs, err := corpus.ParseFile(file, data)
	if err != nil {
		return Saved{}, nil, fmt.Errorf("%s does not load: %w", page.URL, err)
	}
	s := Saved{File: file, Title: docs[0].Title, URL: p.URL, Source: p.Source, Published: p.Published}
	for i := range docs {
		s.Passages += len(corpus.SplitPassages(&docs[i]))
	}
	return s, data, nil
}

// writePage writes a page's document, replacing an earlier copy.
func writePage(corpusDir string, s *Saved, data []byte) error {
	dir := filepath.Join(corpusDir, IngestedDir)
	target := filepath.Join(corpusDir, filepath.FromSlash(s.File))
	_, statErr := os.Stat(target)
	s.Refreshed = statErr == nil
	if err := writeNew(dir, path.Base(s.File), data, true); err != nil {
		return errors.Join(service.ErrStorage, err)
	}
	return nil
}

// AddURL saves a web page in the corpus (SavePage) and starts a reindex.
func (l *Library) AddURL(ctx context.Context, rawURL, by string) (Saved, service.ReindexJob, error) {
	if l.opts.Fetch == nil {
		return Saved{}, nil, errors.New("fetching pages is not set up")
	}
	if l.opts.CorpusDir == "" {
		return Saved{}, nil, service.ErrNoCorpusDir
	}
	s, data, err := readPage(ctx, l.opts.Fetch, l.opts.CorpusDir, rawURL, corpus.PageMeta{})
	if err == nil {
		l.jobMu.Lock()
		err = writePage(l.opts.CorpusDir, &s, data)
		l.jobMu.Unlock()
	}
	if err != nil {
		if errors.Is(err, service.ErrStorage) {
			l.log.Error("saving a page failed", "url", rawURL, "err", err)
			return Saved{}, nil, service.ErrStorage
		}
		return Saved{}, nil, err
	}
	l.log.Info("page added", "file", s.File, "url", s.URL, "passages", s.Passages, "refreshed", s.Refreshed, "by", by)
	return s, l.update(by, s.File), nil
}
