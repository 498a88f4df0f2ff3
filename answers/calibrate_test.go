package answers_test

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"testing"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

var calibrate = flag.Bool("calibrate", false, "fit the answering thresholds on the development sets (slow)")

// TestCalibrate fits the decision to answer or decline on the development
// sets (testdata/eval.yaml and ../shared/data/dev-questions.json, each on
// the built-in corpus and the raw reference article): the thresholds that
// give the most right answers while wrong answers stay at most 3 % of the
// questions. The held-out set is not used. Run:
//
//	go test ./answers -run TestCalibrate -calibrate -v
func TestCalibrate(t *testing.T) {
	if !*calibrate {
		t.Skip("run with -calibrate to fit the thresholds")
	}
	sets := [][]evalQuestion{loadEval(t), devQuestions(t)}
	type run struct {
		ix     *index.Index
		cached *cachedSearcher
		name   string
	}
	var runs []run
	for _, ec := range evalCorpora {
		ix := buildIndex(t, ec.load(t))
		runs = append(runs, run{ix, &cachedSearcher{s: ix, seen: map[string]corpus.Results{}}, ec.name})
	}
	type result struct {
		o                   answers.Options
		right, wrong, total int
	}
	var results []result
	for _, cov := range []float64{0.3, 0.35, 0.4, 0.45, 0.5} {
		for _, miss := range []float64{0.2, 0.25, 0.3, 0.35, 0.4, 1} {
			for _, foreign := range []float64{0.15, 0.2, 0.25, 0.3, 0.4, 1} {
				for _, pen := range []float64{0, 0.2} {
					o := answers.DefaultOptions
					o.MinCoverage, o.MaxMissing, o.MaxForeign, o.OffTopicPenalty = cov, miss, foreign, pen
					r := result{o: o}
					for _, rn := range runs {
						e := answers.New(rn.cached, rn.ix.Entities(), o)
						for _, qs := range sets {
							q := runQuality(t, e, rn.name, qs)
							r.right += q.all.Right
							r.wrong += q.all.Wrong
							r.total += q.all.N
						}
					}
					results = append(results, r)
				}
			}
		}
	}
	// The trade-off: for each number of wrong answers, the most right ones;
	// the fitted setting is the best of those within 3 % wrong.
	sort.SliceStable(results, func(i, j int) bool {
		if results[i].wrong != results[j].wrong {
			return results[i].wrong < results[j].wrong
		}
		return results[i].right > results[j].right
	})
	best := -1
	for _, r := range results {
		if r.right <= best {
			continue
		}
		best = r.right
		mark := ""
		if r.wrong*100 <= 3*r.total {
			mark = " (within 3 %)"
		}
		t.Logf("coverage %.2f missing %.2f foreign %.2f off-topic +%.1f right %d wrong %d (%.1f%%) of %d%s",
			r.o.MinCoverage, r.o.MaxMissing, r.o.MaxForeign, r.o.OffTopicPenalty, r.right, r.wrong,
			100*float64(r.wrong)/float64(r.total), r.total, mark)
	}
}

// cachedSearcher answers each query once: the search does not depend on
// the thresholds being fitted, so every setting reuses it.
type cachedSearcher struct {
	s    answers.Searcher
	seen map[string]corpus.Results
}

func (c *cachedSearcher) Search(ctx context.Context, q corpus.Query) (corpus.Results, error) {
	key := fmt.Sprintf("%#v", q)
	if r, ok := c.seen[key]; ok {
		return r, nil
	}
	r, err := c.s.Search(ctx, q)
	if err == nil {
		c.seen[key] = r
	}
	return r, err
}

// withoutSynonyms drops the English synonyms and related words from every
// query, keeping the other senses of translated Chinese words.
type withoutSynonyms struct{ s answers.Searcher }

func (w withoutSynonyms) Search(ctx context.Context, q corpus.Query) (corpus.Results, error) {
	var keep []corpus.Alternative
	for _, a := range q.Alternatives {
		if a.Credit >= 0.9 {
			keep = append(keep, a)
		}
	}
	q.Alternatives = keep
	return w.s.Search(ctx, q)
}

// TestSynonymsEffect measures the development sets with and without the
// WordNet synonyms and related words, to show they earn their place. Run:
//
//	go test ./answers -run TestSynonymsEffect -calibrate -v
func TestSynonymsEffect(t *testing.T) {
	if !*calibrate {
		t.Skip("run with -calibrate to measure the synonyms")
	}
	dev := devQuestions(t)
	for _, ec := range evalCorpora {
		ix := buildIndex(t, ec.load(t))
		for _, v := range []struct {
			name string
			s    answers.Searcher
		}{{"with synonyms", ix}, {"without", withoutSynonyms{ix}}} {
			e := answers.New(v.s, ix.Entities(), answers.DefaultOptions)
			ev := runQuality(t, e, ec.name, loadEval(t))
			dv := runQuality(t, e, ec.name, dev)
			t.Logf("%-9s %-13s eval %d/%d/%d (paraphrase %d/%d/%d) | dev-questions %d/%d/%d (paraphrase %d/%d/%d)", ec.name, v.name,
				ev.all.Right, ev.all.Wrong, ev.all.Declined, ev.byCat["paraphrase"].Right, ev.byCat["paraphrase"].Wrong, ev.byCat["paraphrase"].Declined,
				dv.all.Right, dv.all.Wrong, dv.all.Declined, dv.byCat["paraphrase"].Right, dv.byCat["paraphrase"].Wrong, dv.byCat["paraphrase"].Declined)
		}
	}
}
