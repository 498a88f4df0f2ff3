package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"futurebot/index"
)

// reindexCommand rebuilds the on-disk index from the corpus.
type reindexCommand struct{}

func (*reindexCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, _, err := m.setup("reindex", true, args, nil)
	if err != nil {
		return err
	}
	maxFailed, err := c.maxFailed()
	if err != nil {
		return fmt.Errorf("%w: %v", errConfig, err)
	}
	log := c.logger(m)
	store := index.NewStore(c.DataDir, index.Options{}, log)
	store.MaxFailed = maxFailed
	// A running bot holds the current index; replacing it underneath would
	// pull its files away, so refuse and say what to do instead.
	if cur, err := store.Current(); err == nil {
		cur.Close()
	} else if errors.Is(err, index.ErrLocked) {
		return fmt.Errorf("%w: a running futurebot holds the index in %s; reindex from inside it instead (/reindex in Discord, or kill -HUP <its pid>)", err, c.DataDir)
	}
	start := time.Now()
	ix, sum, err := store.Build(ctx, c.corpusFS(), nil)
	problems := sum.Problems
	for _, p := range problems {
		fmt.Fprintln(m.Stderr, p.Error())
	}
	if err != nil {
		return fmt.Errorf("%w; the previous index (if any) is still in place", err)
	}
	defer ix.Close()
	store.RemoveOthers(ix)
	meta := ix.Meta()
	fmt.Fprintf(m.Stdout, "indexed %s: %s, %s, %s in %s (version %s, %s)\n", c.corpusName(),
		plural(meta.Articles, "article"), plural(meta.FAQs, "FAQ entry"), plural(meta.Passages, "passage"),
		time.Since(start).Round(time.Millisecond), meta.Version, plural(len(problems), "problem"))
	return nil
}
