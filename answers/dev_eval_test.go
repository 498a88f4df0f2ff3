package answers_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// referenceCorpus is the raw reference article as an admin would drop it
// into CORPUS_DIR: one scraped text file, no entities.yaml.
func referenceCorpus(t testing.TB) *corpus.Corpus {
	const name = "scmp-2025-07-13-future-industries.txt"
	data := sharedFile(t, "../reference/"+name)
	c, probs := corpus.Load(fstest.MapFS{name: {Data: data}})
	if len(probs) > 0 {
		t.Fatalf("reference article: %v", probs)
	}
	return c
}

// devQuestions reads ../shared/data/dev-questions.json.
func devQuestions(t testing.TB) []evalQuestion {
	var qs []evalQuestion
	if err := json.Unmarshal(sharedFile(t, "dev-questions.json"), &qs); err != nil {
		t.Fatal(err)
	}
	return qs
}

// TestSharedDevQuestions runs ../shared/data/dev-questions.json (questions
// written for this project by others) on the built-in corpus and on the raw
// reference article. Run with -v to see the numbers and every answer.
func TestSharedDevQuestions(t *testing.T) {
	qs := devQuestions(t)
	for _, c := range evalCorpora {
		r := runQuality(t, buildEngine(t, c.load(t), index.Options{}, answers.Options{}), c.name, qs)
		var b strings.Builder
		r.table(&b)
		t.Logf("dev-questions on the %s corpus:\n%s", c.name, b.String())
		if testing.Verbose() {
			t.Logf("%s", strings.Join(r.lines, "\n"))
		}
	}
}

// TestHeldOut measures testdata/heldout.yaml, questions of the same kinds
// written apart from the development sets and never used to tune answering.
// It reports the counts only (-v), so that tuning does not read them.
func TestHeldOut(t *testing.T) {
	qs := loadQuestions(t, "testdata/heldout.yaml")
	for _, c := range evalCorpora {
		r := runQuality(t, buildEngine(t, c.load(t), index.Options{}, answers.Options{}), c.name, qs)
		var b strings.Builder
		r.table(&b)
		t.Logf("held-out questions on the %s corpus:\n%s", c.name, b.String())
	}
}
