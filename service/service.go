// Package service holds what the running service reports to the people who
// run it: the index in service, a reindex job's progress and summary, and
// the reasons a change to the corpus is refused. It imports nothing of
// futurebot's, so that the bot can show these without knowing the index.
package service

import (
	"errors"
	"time"
)

// IndexInfo describes the index in service.
type IndexInfo struct {
	Version  string
	Built    time.Time
	Articles int
	FAQs     int
	Passages int
	// Sources lists each source with its number of documents.
	Sources map[string]int
	// SourceDates are the oldest and newest publication dates of each
	// source's dated documents.
	SourceDates map[string][2]string
}

// ReindexJob is one rebuild of the index.
type ReindexJob interface {
	Status() ReindexStatus
	// Done is closed when the job has finished.
	Done() <-chan struct{}
}

// ReindexStatus is a reindex job's progress, then its summary.
type ReindexStatus struct {
	By      string
	Started time.Time
	// Stage is reading, indexing, checking, done or failed.
	Stage            string
	FilesRead, Files int
	Docs, DocsTotal  int
	Passages         int
	Percent          int
	Elapsed          time.Duration

	Finished bool
	// Err says why the new index was not put in service (the old one keeps
	// serving); empty on success.
	Err      string
	Version  string
	Articles int
	FAQs     int
	// Added, Changed and Removed count articles and FAQ entries.
	Added, Changed, Removed [2]int
	// Problems are the files that failed, "file:line: reason".
	Problems []string
	// InPlace is true when a few documents were changed in the index in
	// service instead of rebuilding it.
	InPlace bool
}

// Errors a change to the corpus returns, worded for the admin who asked.
var (
	// ErrNoCorpusDir: the service answers from the built-in corpus; files
	// can only be added to a CORPUS_DIR.
	ErrNoCorpusDir = errors.New("the bot serves its built-in corpus; set CORPUS_DIR to a directory to add documents")
	// ErrExists: a file of that name is already ingested.
	ErrExists = errors.New("a document of that name already exists; use replace:true to overwrite it")
	// ErrNotIngested: no ingested file of that name.
	ErrNotIngested = errors.New("no ingested document of that name")
	// ErrStorage: the disk refused a write; the log has the path and the
	// cause.
	ErrStorage = errors.New("the corpus directory could not be written (disk full or read-only?); the details are in the bot's log")
	// ErrClosed: the service is shutting down.
	ErrClosed = errors.New("the bot is shutting down")
)

// SavedPage is a web page saved in the corpus directory (/ingest url:,
// futurebot add, a feed's new item).
type SavedPage struct {
	// File is the page's file, relative to the corpus directory.
	File      string
	Title     string
	URL       string
	Source    string
	Published string // "" when the page gives no date
	Passages  int
	// Refreshed is true when the page replaced an earlier copy of itself.
	Refreshed bool
}

// FeedInfo is one news feed's polling, as shown to admins.
type FeedInfo struct {
	Name, URL string
	// Shown is the address as shown to people: without a password or a
	// query, where feeds often carry keys.
	Shown             string
	LastPoll, LastNew time.Time // zero: never
	// LastError is why the last poll of the feed failed, or "".
	LastError string
	// Failures counts the polls in a row that failed; FailedPages the
	// items whose page failed and waits for a retry, PageError why the
	// latest of them failed.
	Failures, FailedPages int
	PageError             string
}
