package main

import (
	"context"
	"log/slog"

	"futurebot/library"
)

// libraryOptions are the library settings every command shares.
func (c *config) libraryOptions(log *slog.Logger) library.Options {
	return library.Options{DataDir: c.DataDir, CorpusDir: c.CorpusDir, Log: log}
}

// openLibrary opens the index of the configured corpus for a command that
// answers and exits, building it first when the corpus changed.
func openLibrary(ctx context.Context, c *config, log *slog.Logger) (*library.Library, error) {
	return library.Open(ctx, c.libraryOptions(log))
}
