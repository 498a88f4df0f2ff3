package answers

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"futurebot/corpus"
)

// FuzzAnalyze feeds arbitrary questions to the question parser: it must not
// panic, must keep its output valid UTF-8 and bounded, and entity spans must
// point at the canonical names in the search text.
func FuzzAnalyze(f *testing.F) {
	m := corpus.NewMatcher([]corpus.Entity{
		{Name: "Brain-computer interfaces", Kind: corpus.Sector, Aliases: []string{"BCI", "脑机接口"}},
		{Name: "MIIT", Kind: corpus.Policy, Aliases: []string{"Ministry of Industry and Information Technology", "工信部"}},
	})
	for _, s := range []string{"What is BCI?", "工信部脑机接口", "how many BCIs does MIIT list", "\xff", strings.Repeat("bci ", 300),
		"“未来产业”这个说法是谁在哪一年提出的？", "截至2025年3月，中国一共批准了几款疗法？", "wat r the 六小龙 n who made them",
		"which firm got dubbed the huawei of biotech", "2025年13月", "哪哪哪哪哪", "🤖宇树🚀是", "what kind of"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Analyze(s, m)
		if !utf8.ValidString(q.Search) || !utf8.ValidString(q.Raw) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if len(q.Raw) > MaxQuestionBytes {
			t.Fatalf("raw question of %d bytes, limit %d", len(q.Raw), MaxQuestionBytes)
		}
		if len(q.Types) == 0 || len(q.Types) > 2 {
			t.Fatalf("%q: %d answer types, want 1 or 2", s, len(q.Types))
		}
		for _, a := range q.Alternatives {
			if a.Credit <= 0 || a.Credit > 1 || len(a.Words) == 0 {
				t.Fatalf("%q: alternative %+v out of range", s, a)
			}
		}
		if !utf8.ValidString(q.Han) {
			t.Fatalf("%q: invalid UTF-8 in the Chinese text", s)
		}
		for _, es := range q.EntitySpans {
			if es.Start < 0 || es.End > len(q.Search) || q.Search[es.Start:es.End] != es.Entity.Name {
				t.Fatalf("entity span %v wrong in %q", es.Span, q.Search)
			}
		}
	})
}

// TestCountryUS: "us" is the country where a member means it ("the us",
// "us lawmakers", 美国) and the pronoun elsewhere.
func TestCountryUS(t *testing.T) {
	tests := []struct {
		q       string
		country bool
	}{
		{"how many therapies does the us have", true},
		{"why are us lawmakers nervous", true},
		{"美国国会怎么说", true}, // the dictionary glosses 美国国会 "US Congress"
		{"can you tell us about BCI", false},
		{"what does this mean for us", false},
	}
	for _, tt := range tests {
		q := Analyze(tt.q, nil)
		if got := strings.Contains(q.Search, "US"); got != tt.country {
			t.Errorf("%q: search %q names the US: %v, want %v", tt.q, q.Search, got, tt.country)
		}
	}
	// Clipped words and their full forms stand in for each other.
	for q, want := range map[string][2]string{"which tech firms lead": {"tech", "technology"}, "what biotechnology firm": {"biotechnology", "biotech"}} {
		found := false
		for _, a := range Analyze(q, nil).Alternatives {
			found = found || a.Word == want[0] && slices.Contains(a.Words, want[1])
		}
		if !found {
			t.Errorf("%q: no alternative %q for %q", q, want[1], want[0])
		}
	}
	// "American" and "US" stand in for each other.
	for q, want := range map[string][2]string{"why are american lawmakers nervous": {"american", "US"}, "what does the US regulate": {"us", "American"}} {
		found := false
		for _, a := range Analyze(q, nil).Alternatives {
			found = found || a.Word == want[0] && slices.Contains(a.Words, want[1])
		}
		if !found {
			t.Errorf("%q: no alternative %q for %q", q, want[1], want[0])
		}
	}
}

// TestQuestionWordTypos: a misspelt question word is read as the word
// meant, so the question keeps its type and the typo is no topic; a real
// word and an unclear typo are left alone.
func TestQuestionWordTypos(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want Type
	}{
		{"whta is brainco", TypeDefinition},
		{"wht share of robots are chinese", TypeNumber},
		{"whn did it start", TypeDate},
		{"hwo many therapies", TypeNumber},
		{"who is the minister", TypePerson},
	} {
		if got := Analyze(tt.q, nil).Type; got != tt.want {
			t.Errorf("%q: type %s, want %s", tt.q, got, tt.want)
		}
	}
	// A name is never taken for a misspelt word: Citi is no city.
	citi := corpus.NewMatcher([]corpus.Entity{{Name: "Citi", Kind: corpus.Company}})
	for _, q := range []string{"what does citi say about china", "what does Citi say about china"} {
		if a := Analyze(q, citi); a.Type == TypePlace || len(a.Mentions) != 1 {
			t.Errorf("%q: type %s, mentions %v: Citi was read as a misspelt city", q, a.Type, a.Mentions)
		}
	}
	if a := Analyze("what did Wht Holdings report", nil); !strings.Contains(a.Search, "Wht") {
		t.Errorf("a capitalised name was corrected: %q", a.Search)
	}
	for _, q := range []string{"hwo is pan gongsheng", "whom did they warn"} {
		if got := Analyze(q, nil).Search; !strings.Contains(got, strings.Fields(q)[0]) {
			t.Errorf("%q: read as %q", q, got)
		}
	}
}

// TestSameQuestion: an FAQ answer needs less coverage when the entry's
// question is what the member asked in other words, not when the member
// asks something the entry leaves out.
func TestSameQuestion(t *testing.T) {
	faq := func(question string, matched ...string) *corpus.Hit {
		h := &corpus.Hit{Passage: corpus.Passage{Kind: corpus.KindFAQ, Question: question}}
		for _, m := range matched {
			h.QuestionMatches = append(h.QuestionMatches, corpus.Match{Term: m, Exact: true})
		}
		return h
	}
	for _, tt := range []struct {
		name    string
		c       candidate
		relieve bool
	}{
		{"the entry's question, in other words", candidate{hit: faq("How are kelp quotas set?", "kelp", "quota", "set")}, true},
		{"a word the window lacks weighs much", candidate{hit: faq("Who is Pan Gongsheng?", "pan", "gongsheng"), missing: 0.35}, false},
		{"little of the entry's question", candidate{hit: faq("How are kelp quotas set for each county?", "kelp")}, false},
		{"not an FAQ entry", candidate{hit: &corpus.Hit{Passage: corpus.Passage{Kind: corpus.KindArticle}}}, false},
	} {
		if got := tt.c.sameQuestion() > 0; got != tt.relieve {
			t.Errorf("%s: relieved %v, want %v", tt.name, got, tt.relieve)
		}
	}
}

// TestLeadIn: chat before a colon is not part of the question; a topic
// before a colon is.
func TestLeadIn(t *testing.T) {
	for q, want := range map[string]string{
		"quick q: what is manycore":               "what is manycore",
		"hey bot, question: who inspired brainco": "who inspired brainco",
		"Made in China 2025: what came after it?": "Made in China 2025: what came after it?",
		"note: this is not a question":            "note: this is not a question",
	} {
		if got := Analyze(q, nil).Raw; got != want {
			t.Errorf("%q: read %q, want %q", q, got, want)
		}
	}
}
