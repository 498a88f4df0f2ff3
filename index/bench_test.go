package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"futurebot/corpus"
)

// syntheticCorpus makes docs documents of paras paragraphs each, written
// from the built-in corpus's vocabulary, so that each paragraph is about one
// passage.
func syntheticCorpus(tb testing.TB, docs, paras int) *corpus.Corpus {
	base, probs := corpus.Load(corpus.Default())
	if len(probs) > 0 {
		tb.Fatal(probs)
	}
	var words []string
	for _, d := range base.Documents {
		words = append(words, strings.Fields(d.Body)...)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	c := &corpus.Corpus{Entities: base.Entities}
	for i := range docs {
		var b strings.Builder
		for p := range paras {
			if p > 0 {
				b.WriteString("\n\n")
			}
			for w := range 70 {
				if w > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(words[rng.IntN(len(words))])
			}
			b.WriteByte('.')
		}
		c.Documents = append(c.Documents, corpus.Document{ID: fmt.Sprintf("doc%05d.md", i), Kind: corpus.KindArticle,
			Title: fmt.Sprintf("Synthetic article %d", i), Source: "bench", URL: "https://example.com/", Body: b.String()})
	}
	return c
}

func benchBuild(b *testing.B, c *corpus.Corpus) {
	passages := 0
	for i := range c.Documents {
		passages += len(corpus.SplitPassages(&c.Documents[i]))
	}
	for b.Loop() {
		ix, err := Build(context.Background(), filepath.Join(b.TempDir(), "ix"), c, "bench", nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
	b.ReportMetric(float64(passages), "passages")
}

// BenchmarkBuildDefault indexes the built-in corpus.
func BenchmarkBuildDefault(b *testing.B) {
	c, _ := corpus.Load(corpus.Default())
	benchBuild(b, c)
}

// BenchmarkBuild10k indexes about 10,000 passages.
func BenchmarkBuild10k(b *testing.B) { benchBuild(b, syntheticCorpus(b, 1000, 10)) }

// BenchmarkOpenUnchanged measures start-up when the corpus has not changed:
// fingerprint the corpus and open the index already on disk.
func BenchmarkOpenUnchanged(b *testing.B) {
	s := NewStore(b.TempDir(), Options{}, nil)
	ix, _, err := s.OpenOrBuild(context.Background(), corpus.Default())
	if err != nil {
		b.Fatal(err)
	}
	ix.Close()
	for b.Loop() {
		ix, rep, err := s.OpenOrBuild(context.Background(), corpus.Default())
		if err != nil || rep.Rebuilt {
			b.Fatalf("rebuilt %v, err %v", rep.Rebuilt, err)
		}
		ix.Close()
	}
}

func benchSearch(b *testing.B, c *corpus.Corpus, locate int) {
	ix, err := Build(context.Background(), filepath.Join(b.TempDir(), "ix"), c, "bench", nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	qs := []string{"humanoid robots Morgan Stanley share", "who are the six little dragons", "hydrogn storage", "MIIT guidelines 2024 target areas"}
	i := 0
	for b.Loop() {
		if _, err := ix.Search(context.Background(), corpus.Query{Text: qs[i%len(qs)], Limit: 10, Locate: locate}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSearch10k searches about 10,000 passages, with term locations for
// the top 8 hits (as answers ask) and without.
func BenchmarkSearch10k(b *testing.B) {
	c := syntheticCorpus(b, 1000, 10)
	b.Run("locate8", func(b *testing.B) { benchSearch(b, c, 8) })
	b.Run("locate0", func(b *testing.B) { benchSearch(b, c, 0) })
}
