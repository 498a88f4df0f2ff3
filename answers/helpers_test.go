package answers_test

import (
	"context"
	"path/filepath"
	"testing"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// buildEngine indexes c into a fresh on-disk Bleve index and returns an
// engine over it.
func buildEngine(tb testing.TB, c *corpus.Corpus, iopts index.Options, aopts answers.Options) *answers.Engine {
	tb.Helper()
	return answers.New(buildIndexWith(tb, c, iopts), c.Entities, aopts)
}

// buildIndex indexes c with the default options into a fresh on-disk Bleve
// index, closed when the test ends.
func buildIndex(tb testing.TB, c *corpus.Corpus) *index.Index {
	tb.Helper()
	return buildIndexWith(tb, c, index.Options{})
}

func buildIndexWith(tb testing.TB, c *corpus.Corpus, iopts index.Options) *index.Index {
	tb.Helper()
	ix, err := index.Build(context.Background(), filepath.Join(tb.TempDir(), "ix"), c, "test", nil, iopts)
	if err != nil {
		tb.Fatalf("build index: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return ix
}

// defaultCorpus loads the built-in corpus.
func defaultCorpus(tb testing.TB) *corpus.Corpus {
	tb.Helper()
	c, probs := corpus.Load(corpus.Default())
	if len(probs) > 0 {
		tb.Fatalf("built-in corpus: %v", probs)
	}
	return c
}
