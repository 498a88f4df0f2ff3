package main

import (
	"context"
	"fmt"
	"log/slog"

	"futurebot/library"
)

// libraryOptions are the library settings every command shares.
func (c *config) libraryOptions(log *slog.Logger) (library.Options, error) {
	maxFailed, err := c.maxFailed()
	if err != nil {
		return library.Options{}, fmt.Errorf("%w: %v", errConfig, err)
	}
	return library.Options{DataDir: c.DataDir, CorpusDir: c.CorpusDir, MaxFailed: maxFailed, Log: log}, nil
}

// openLibrary opens the index of the configured corpus for a command that
// answers and exits, building it first when the corpus changed.
func openLibrary(ctx context.Context, c *config, log *slog.Logger) (*library.Library, error) {
	opts, err := c.libraryOptions(log)
	if err != nil {
		return nil, err
	}
	return library.Open(ctx, opts)
}
