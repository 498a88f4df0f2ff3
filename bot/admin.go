package bot

import "futurebot/service"

// Admin is what admins can do from Discord: reindex, and add or remove
// corpus files. The command wires it to the running library.
type Admin interface {
	// Reindex starts a rebuild of the index, or returns the one running
	// (started is false then).
	Reindex(by string) (job service.ReindexJob, started bool)
	// Ingest checks a corpus file and writes it under CORPUS_DIR/ingested/,
	// then starts a reindex.
	Ingest(name string, data []byte, replace bool, by string) (service.ReindexJob, error)
	// Forget removes an ingested file and starts a reindex.
	Forget(name, by string) (service.ReindexJob, error)
	// Ingested lists the ingested files.
	Ingested() []string
}
