package bot

import (
	"context"

	"futurebot/service"
)

// Admin is what admins can do from Discord: reindex, and add or remove
// corpus files. The command wires it to the running library.
type Admin interface {
	// Reindex starts a rebuild of the index, or returns the one running
	// (started is false then).
	Reindex(by string) (job service.ReindexJob, started bool)
	// Ingest checks a corpus file and writes it under CORPUS_DIR/ingested/,
	// then starts a reindex.
	Ingest(name string, data []byte, replace bool, by string) (service.ReindexJob, error)
	// AddURL fetches a web page, saves its article under
	// CORPUS_DIR/ingested/ (replacing an earlier copy) and starts a reindex.
	AddURL(ctx context.Context, url, by string) (service.SavedPage, service.ReindexJob, error)
	// Feeds lists the news feeds with their polling; AddFeed and
	// RemoveFeed change the list (a new feed is polled at once).
	Feeds() []service.FeedInfo
	// FeedProblems are what is wrong in feeds.yaml, one a line.
	FeedProblems() []string
	AddFeed(url, name string, tags []string, by string) (service.FeedInfo, error)
	RemoveFeed(url, by string) (service.FeedInfo, error)
	// Forget removes an ingested file and starts a reindex.
	Forget(name, by string) (service.ReindexJob, error)
	// Ingested lists the ingested files.
	Ingested() []string
}
