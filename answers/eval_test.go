package answers_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"futurebot/answers"
	"futurebot/index"
)

var update = flag.Bool("update", false, "rewrite golden files")

type evalQuestion struct {
	Q       string   `yaml:"q"`
	Kind    string   `yaml:"kind"`
	Doc     []string `yaml:"doc"`
	Answer  []string `yaml:"answer"`
	Abstain bool     `yaml:"abstain"`
}

func loadEval(t testing.TB) []evalQuestion {
	data, err := os.ReadFile("testdata/eval.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Questions []evalQuestion `yaml:"questions"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	return f.Questions
}

// evalScores are the numbers the report keeps.
type evalScores struct {
	answerable, outside                                       int
	recall1, answerHit1, citationHit, abstained, falseAbstain int
	lines                                                     []string
}

func (s evalScores) ratio(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3f (%d/%d)", float64(n)/float64(d), n, d)
}

func runEval(t testing.TB, e *answers.Engine, qs []evalQuestion) evalScores {
	var s evalScores
	for _, q := range qs {
		a, err := e.Ask(context.Background(), q.Q)
		if err != nil {
			t.Fatalf("ask %q: %v", q.Q, err)
		}
		if q.Abstain {
			s.outside++
			mark := "MISS"
			if !a.Answered {
				s.abstained++
				mark = "ok  "
			}
			s.lines = append(s.lines, fmt.Sprintf("%s abstain       | %-14s | %s -> %s", mark, q.Kind, q.Q, summary(a)))
			continue
		}
		s.answerable++
		if !a.Answered {
			s.falseAbstain++
		}
		recall := len(a.Citations) > 0 && docMatches(a.Citations[0].DocID, q.Doc)
		hit := a.Answered && containsAll(a.Text, q.Answer)
		cited := slices.ContainsFunc(a.Citations, func(c answers.Citation) bool { return docMatches(c.DocID, q.Doc) })
		if recall {
			s.recall1++
		}
		if hit {
			s.answerHit1++
		}
		if cited {
			s.citationHit++
		}
		mark := "ok  "
		if !recall || !hit {
			mark = "MISS"
		}
		s.lines = append(s.lines, fmt.Sprintf("%s recall=%s hit=%s | %-14s | %s -> %s", mark, yn(recall), yn(hit), q.Kind, q.Q, summary(a)))
	}
	return s
}

func (s evalScores) report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Answers on the built-in corpus, questions in answers/testdata/eval.yaml.\n")
	fmt.Fprintf(&b, "# Rewrite with: go test ./answers -run TestEval -update\n")
	fmt.Fprintf(&b, "questions:           %d answerable, %d out of corpus\n", s.answerable, s.outside)
	fmt.Fprintf(&b, "recall@1:            %s  citation [1] is from an expected document\n", s.ratio(s.recall1, s.answerable))
	fmt.Fprintf(&b, "answer-hit@1:        %s  the answer holds every expected word\n", s.ratio(s.answerHit1, s.answerable))
	fmt.Fprintf(&b, "citation accuracy:   %s  some citation is from an expected document\n", s.ratio(s.citationHit, s.answerable))
	fmt.Fprintf(&b, "abstention accuracy: %s  out-of-corpus questions that abstained\n", s.ratio(s.abstained, s.outside))
	fmt.Fprintf(&b, "false abstentions:   %s  answerable questions that abstained\n", s.ratio(s.falseAbstain, s.answerable))
	fmt.Fprintf(&b, "\n")
	for _, l := range s.lines {
		fmt.Fprintln(&b, l)
	}
	return b.String()
}

func summary(a answers.Answer) string {
	if !a.Answered {
		return fmt.Sprintf("(abstained, coverage %.2f)", a.Coverage)
	}
	doc := ""
	if len(a.Citations) > 0 {
		doc = a.Citations[0].DocID
	}
	return fmt.Sprintf("%s [%s] %q", doc, a.Confidence, truncate(a.Text, 90))
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func yn(b bool) string {
	if b {
		return "y"
	}
	return "n"
}

func docMatches(docID string, want []string) bool {
	for _, w := range want {
		if docID == w || strings.HasPrefix(docID, w+"#") {
			return true
		}
	}
	return false
}

func containsAll(text string, words []string) bool {
	text = strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(text, strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// TestEval answers every question of the evaluation set and compares the
// report with testdata/eval.golden, so every ranking change shows up in
// review. It also holds the answers to a floor.
func TestEval(t *testing.T) {
	qs := loadEval(t)
	s := runEval(t, buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{}), qs)
	got := s.report()
	const golden = "testdata/eval.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("eval report changed (-golden +now); if the change is intended, run with -update:\n%s", diff)
	}
	if s.answerable < 60 || s.outside < 8 {
		t.Errorf("eval set has %d answerable and %d out-of-corpus questions, want at least 60 and 8", s.answerable, s.outside)
	}
	for _, floor := range []struct {
		name    string
		n, d    int
		atLeast float64
	}{
		{"recall@1", s.recall1, s.answerable, 0.85},
		{"answer-hit@1", s.answerHit1, s.answerable, 0.8},
		{"abstention accuracy", s.abstained, s.outside, 0.85},
	} {
		if got := float64(floor.n) / float64(floor.d); got < floor.atLeast {
			t.Errorf("%s: got %.3f, want at least %.2f", floor.name, got, floor.atLeast)
		}
	}
}

var scoring = flag.Bool("scoring", false, "run the scoring comparison (slow)")

// TestEvalScoring compares scoring models and field boosts on the built-in
// eval and, when ../shared/data is there, on SQuAD and StackFAQ (answering
// always, to measure ranking apart from abstention). It is how
// index.DefaultOptions were chosen. Run:
//
//	go test ./answers -run TestEvalScoring -scoring -v
func TestEvalScoring(t *testing.T) {
	if !*scoring {
		t.Skip("run with -scoring to compare scoring models")
	}
	qs := loadEval(t)
	c := defaultCorpus(t)
	sqc, sqq := squadSet(t)
	stc, stq := stackSet(t)
	d := index.DefaultOptions.Boosts
	with := func(f func(b *index.Boosts)) index.Options {
		b := d
		f(&b)
		return index.Options{Scoring: index.DefaultOptions.Scoring, Boosts: b}
	}
	variants := []struct {
		name string
		opts index.Options
	}{
		{"default", index.DefaultOptions},
		{"bm25", index.Options{Scoring: "bm25", Boosts: d}},
		{"title 3", with(func(b *index.Boosts) { b.Title, b.Heading = 3, 3 })},
		{"title 1", with(func(b *index.Boosts) { b.Title, b.Heading = 1, 1 })},
		{"title 0.05", with(func(b *index.Boosts) { b.Title, b.Heading = 0.05, 0.05 })},
		{"question 1", with(func(b *index.Boosts) { b.Question = 1 })},
		{"question 3", with(func(b *index.Boosts) { b.Question = 3 })},
		{"entity 2", with(func(b *index.Boosts) { b.Entity = 2 })},
		{"entity 0.1", with(func(b *index.Boosts) { b.Entity = 0.1 })},
	}
	type variant struct {
		name  string
		opts  index.Options
		aopts answers.Options
	}
	var all []variant
	for _, v := range variants {
		all = append(all, variant{v.name, v.opts, answers.DefaultOptions})
	}
	withAnswers := func(f func(o *answers.Options)) answers.Options {
		o := answers.DefaultOptions
		f(&o)
		return o
	}
	all = append(all,
		variant{"retrieval 0", index.DefaultOptions, withAnswers(func(o *answers.Options) { o.RetrievalWeight = 0 })},
		variant{"retrieval .3", index.DefaultOptions, withAnswers(func(o *answers.Options) { o.RetrievalWeight = 0.3 })},
		variant{"retrieval .6", index.DefaultOptions, withAnswers(func(o *answers.Options) { o.RetrievalWeight = 0.6 })},
		variant{"passages 4", index.DefaultOptions, withAnswers(func(o *answers.Options) { o.Passages = 4 })},
		variant{"passages 15", index.DefaultOptions, withAnswers(func(o *answers.Options) { o.Passages = 15 })},
	)
	for _, v := range all {
		never := v.aopts
		never.MinCoverage = -1
		s := runEval(t, buildEngine(t, c, v.opts, v.aopts), qs)
		sq := scoreSQuAD(t, buildEngine(t, sqc, v.opts, never), sqq)
		st := scoreStack(t, buildEngine(t, stc, v.opts, never), stq)
		t.Logf("%-11s eval recall@1 %s hit@1 %s abstain %s | SQuAD hit@1 %s | StackFAQ @1 %s", v.name,
			s.ratio(s.recall1, s.answerable), s.ratio(s.answerHit1, s.answerable), s.ratio(s.abstained, s.outside),
			pct(sq.hit, sq.n), pct(st.hit, st.n))
	}
}
