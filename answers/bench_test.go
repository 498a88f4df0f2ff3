package answers_test

import (
	"context"
	"testing"

	"futurebot/answers"
	"futurebot/index"
)

// BenchmarkAsk answers the evaluation questions over the built-in corpus,
// one question per iteration.
func BenchmarkAsk(b *testing.B) {
	e := buildEngine(b, defaultCorpus(b), index.Options{}, answers.Options{})
	qs := loadEval(b)
	i := 0
	for b.Loop() {
		if _, err := e.Ask(context.Background(), qs[i%len(qs)].Q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAskSQuAD answers SQuAD questions over its 12 Wikipedia articles.
func BenchmarkAskSQuAD(b *testing.B) {
	c, qs := squadSet(b)
	e := buildEngine(b, c, index.Options{}, answers.DefaultOptions)
	i := 0
	for b.Loop() {
		if _, err := e.Ask(context.Background(), qs[i%len(qs)].q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkFollowUp reads a follow-up with five earlier questions: what a
// question in a thread costs before it is answered.
func BenchmarkFollowUp(b *testing.B) {
	e := buildEngine(b, defaultCorpus(b), index.Options{}, answers.Options{})
	earlier := []string{"What is BCI?", "Who are the Six Little Dragons?", "What does Unitree make?",
		"Which city is DeepSeek from?", "What is Game Science?"}
	for b.Loop() {
		if _, changed := e.FollowUp(earlier, "when was it founded?"); !changed {
			b.Fatal("not read as a follow-up")
		}
	}
}
