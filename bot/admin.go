package bot

import (
	"errors"
	"time"
)

// Admin is what admins can do from Discord: reindex, and add or remove
// corpus files. The command wires it to the index store.
type Admin interface {
	// Reindex starts a rebuild of the index, or returns the one running
	// (started is false then).
	Reindex(by string) (job ReindexJob, started bool)
	// Ingest checks a corpus file and writes it under CORPUS_DIR/ingested/,
	// then starts a reindex.
	Ingest(name string, data []byte, replace bool, by string) (ReindexJob, error)
	// Forget removes an ingested file and starts a reindex.
	Forget(name, by string) (ReindexJob, error)
	// Ingested lists the ingested files.
	Ingested() []string
}

// ReindexJob is one rebuild of the index.
type ReindexJob interface {
	Status() ReindexStatus
	Done() <-chan struct{}
}

// Errors Admin returns that the bot explains to the admin.
var (
	// ErrNoCorpusDir: the bot serves the built-in corpus; files can only be
	// added to a CORPUS_DIR.
	ErrNoCorpusDir = errors.New("the bot serves its built-in corpus; set CORPUS_DIR to a directory to add documents")
	// ErrExists: a file of that name is already ingested.
	ErrExists = errors.New("a document of that name already exists; use replace:true to overwrite it")
	// ErrNotIngested: no ingested file of that name.
	ErrNotIngested = errors.New("no ingested document of that name")
)

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
}
