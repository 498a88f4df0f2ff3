package main

import (
	"context"
	"log/slog"

	"futurebot/answers"
	"futurebot/index"
)

// openEngine opens the index for the configured corpus (building it when the
// corpus changed) and returns an answering engine over it.
func openEngine(ctx context.Context, c *config, log *slog.Logger) (*index.Index, *answers.Engine, error) {
	ix, err := openIndex(ctx, c, index.NewStore(c.DataDir, index.Options{}, log), log)
	if err != nil {
		return nil, nil, err
	}
	return ix, answers.New(ix, ix.Entities(), answers.Options{}), nil
}

// openIndex opens or builds the index through store, logging what happened.
func openIndex(ctx context.Context, c *config, store *index.Store, log *slog.Logger) (*index.Index, error) {
	ix, rep, err := store.OpenOrBuild(ctx, c.corpusFS())
	for _, p := range rep.Problems {
		log.Warn("corpus file skipped", "problem", p.Error())
	}
	if err != nil {
		return nil, err
	}
	if rep.Kept {
		log.Error("rebuilding the index failed; answering from the previous index", "err", rep.BuildErr)
	}
	if rep.Rebuilt {
		m := ix.Meta()
		log.Info("index ready", "corpus", c.corpusName(), "articles", m.Articles, "faqs", m.FAQs,
			"passages", m.Passages, "took", rep.Took.Round(1e6))
	}
	return ix, nil
}
