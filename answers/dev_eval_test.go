package answers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// devQuestion is one question of ../shared/data/dev-questions.json.
type devQuestion struct {
	ID       string   `json:"id"`
	Category string   `json:"category"`
	Q        string   `json:"q"`
	Keys     []string `json:"keys"`
	Abstain  bool     `json:"abstain"`
}

func devQuestions(t testing.TB) []devQuestion {
	var qs []devQuestion
	if err := json.Unmarshal(sharedFile(t, "dev-questions.json"), &qs); err != nil {
		t.Fatal(err)
	}
	return qs
}

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

// fold lowercases and straightens quotes and dashes, as the dev set's
// README says to score.
var fold = strings.NewReplacer("‘", "'", "’", "'", "“", `"`, "”", `"`, "–", "-", "—", "-", "‐", "-", "‑", "-", "−", "-").Replace

type devTally struct{ right, wrong, declined, n int }

type devScore struct {
	byCat map[string]*devTally
	all   devTally
	lines []string
}

func runDev(t testing.TB, e *answers.Engine, qs []devQuestion) devScore {
	s := devScore{byCat: map[string]*devTally{}}
	for _, q := range qs {
		a, err := e.Ask(context.Background(), q.Q)
		if err != nil {
			t.Fatalf("ask %q: %v", q.Q, err)
		}
		tl := s.byCat[q.Category]
		if tl == nil {
			tl = &devTally{}
			s.byCat[q.Category] = tl
		}
		tl.n++
		s.all.n++
		mark := ""
		switch {
		case q.Abstain && !a.Answered, !q.Abstain && a.Answered && devKeysIn(a, q.Keys):
			tl.right++
			s.all.right++
			mark = "ok      "
		case !a.Answered:
			tl.declined++
			s.all.declined++
			mark = "DECLINED"
		default:
			tl.wrong++
			s.all.wrong++
			mark = "WRONG   "
		}
		s.lines = append(s.lines, fmt.Sprintf("%s %-8s %s -> %s", mark, q.ID, q.Q, summary(a)))
	}
	return s
}

func devKeysIn(a answers.Answer, keys []string) bool {
	text := fold(strings.ToLower(a.Text))
	quote := ""
	if len(a.Citations) > 0 {
		quote = fold(strings.ToLower(a.Citations[0].Snippet))
	}
	for _, k := range keys {
		k = fold(strings.ToLower(k))
		if !strings.Contains(text, k) && !strings.Contains(quote, k) {
			return false
		}
	}
	return true
}

func (s devScore) table() string {
	var b strings.Builder
	cats := make([]string, 0, len(s.byCat))
	for c := range s.byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	row := func(name string, t devTally) {
		fmt.Fprintf(&b, "%-18s %3d  right %3d  wrong %3d  declined %3d\n", name, t.n, t.right, t.wrong, t.declined)
	}
	for _, c := range cats {
		row(c, *s.byCat[c])
	}
	row("all", s.all)
	return b.String()
}

// TestSharedDevQuestions runs ../shared/data/dev-questions.json on the
// built-in corpus and on the raw reference article. Run with -v to see the
// numbers and every answer.
func TestSharedDevQuestions(t *testing.T) {
	qs := devQuestions(t)
	for _, c := range []struct {
		name string
		c    *corpus.Corpus
	}{{"built-in", defaultCorpus(t)}, {"reference", referenceCorpus(t)}} {
		s := runDev(t, buildEngine(t, c.c, index.Options{}, answers.Options{}), qs)
		t.Logf("dev-questions on the %s corpus:\n%s", c.name, s.table())
		if testing.Verbose() {
			t.Logf("%s", strings.Join(s.lines, "\n"))
		}
	}
}
