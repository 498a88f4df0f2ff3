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
	ix, err := index.Build(context.Background(), filepath.Join(tb.TempDir(), "ix"), c, "test", nil, iopts)
	if err != nil {
		tb.Fatalf("build index: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	return answers.New(ix, c.Entities, aopts)
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
