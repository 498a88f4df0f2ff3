package answers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// windowCorpus is a small corpus whose sentences test how answers are cut:
// references to the sentence before, headings, FAQ "Yes." openings, years
// and counts near look-alike sentences, and Chinese text. Its facts are
// made up for the test.
func windowCorpus(t *testing.T) *corpus.Corpus {
	t.Helper()
	c, probs := corpus.Load(fstest.MapFS{
		"seaweed.md": {Data: []byte(`---
title: Seaweed farming in Fujian
---
# Seaweed farming in Fujian

## Growth

Coastal farms in Fujian harvested 2.1 million tonnes of kelp last season.

Lianjiang County leads the province in kelp output. The county started its first offshore kelp farm in 1998, and the farm now employs 3,000 people.

## Who runs it

Blue Tide Aquaculture manages most of the offshore farms. The firm was founded by Chen Mei, a marine biologist.

Blue Tide Aquaculture was inspired by Sea Harvest, a Norwegian kelp grower.

## Quotas

Each spring the FOFB sets the kelp quota for every county.

## Permits

In 2019 the county began issuing kelp permits. Any cooperative that renews one within three months keeps its coastal plot.

## Plans

The county calls its coastal kelp plan the Blue Belt. First proposed by Governor Rose Lin in 2001, the plan set aside coastal waters for kelp farms.
`)},
		"exports.md": {Data: []byte("# Exports\n\nSea Harvest sold 40,000 tonnes of kelp abroad last year.\n")},
		"festival.md": {Data: []byte(`# Festival

The Lianjiang Kelp Festival is held every May in Fuzhou.

## Talks

At the same event, Chen Mei spoke about kelp exports to Japan. The best known of the exhibitors were Blue Tide Aquaculture and Sea Harvest.
`)},
		"faq.yaml": {Data: []byte(`entries:
  - id: kelp-priority
    question: Is kelp a priority crop in Fujian?
    answer: "Yes. The provincial plan names kelp as one of four priority marine crops."
  - id: kelp-county
    question: Which county harvests the most kelp?
    answer: "Lianjiang County. Warm bays there let farms harvest kelp twice a year."
`)},
		"chinese.md": {Data: []byte(`---
title: 海带养殖
---
# 海带养殖

连江县是福建省海带产量最高的县。该县于1998年建成第一个海上海带养殖场。
`)},
	})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return c
}

func ask(t *testing.T, e *answers.Engine, q string) answers.Answer {
	t.Helper()
	a, err := e.Ask(context.Background(), q)
	if err != nil {
		t.Fatalf("ask %q: %v", q, err)
	}
	return a
}

// TestFocusNamedByPersonOnly: "which plan did X propose" is not answered
// by a sentence where the only name near "the plan" is the person who
// proposed it.
func TestFocusNamedByPersonOnly(t *testing.T) {
	e := buildEngine(t, windowCorpus(t), index.Options{}, answers.Options{})
	a := ask(t, e, "which plan did rose first propose in 2001?")
	if a.Answered && !strings.Contains(a.Text, "Blue Belt") {
		t.Errorf("answer %q does not name the plan", a.Text)
	}
}

func TestAnswerWindows(t *testing.T) {
	e := buildEngine(t, windowCorpus(t), index.Options{}, answers.Options{})
	tests := []struct {
		q          string
		want       []string // all in the answer
		notWant    []string // none in the answer
		wantAnswer bool
	}{
		// A sentence that refers back ("The firm") brings in the one that
		// names it.
		{"which marine biologist founded the firm?", []string{"Chen Mei", "Blue Tide Aquaculture"}, nil, true},
		// "One" standing for a noun of the sentence before ("renews one")
		// refers back too.
		{"since what year do cooperatives that renew within three months keep their coastal plot?", []string{"2019", "renews one"}, nil, true},
		// "When" wants a year the question does not give.
		{"when did lianjiang start its first offshore kelp farm?", []string{"1998"}, nil, true},
		// "How many" wants a count, not a year.
		{"how many people does the lianjiang kelp farm employ?", []string{"3,000"}, nil, true},
		// An FAQ's "Yes." answers only a yes/no question.
		{"is kelp a priority crop in fujian?", []string{"Yes."}, nil, true},
		{"what does the provincial plan name as a priority marine crop?", []string{"kelp"}, []string{"Yes."}, true},
		// An FAQ answer's opening fragment ("Lianjiang County.") answers
		// its own question, not another kind.
		{"why do the farms harvest kelp twice a year?", []string{"twice a year"}, []string{"Lianjiang County."}, true},
		// "Based" and "located" say a place is asked for; an organisation
		// answers who inspired a firm as it answers who runs one.
		{"where is the kelp festival located?", []string{"Fuzhou"}, nil, true},
		{"who inspired blue tide aquaculture?", []string{"Sea Harvest"}, nil, true},
		// "Known for" asks what a thing is; it is no word to find.
		{"what is blue tide aquaculture known for?", []string{"manages"}, []string{"best known"}, true},
		// Never a heading at the front.
		{"who runs the offshore farms?", []string{"Blue Tide Aquaculture"}, []string{"Who runs it"}, true},
		// A question entirely in Chinese is answered from the Chinese text.
		{"连江县哪一年建成第一个海上海带养殖场？", []string{"1998"}, nil, true},
		// An organisation answers "who" when the question asks who did
		// what organisations do; it does not answer who heads one.
		{"who sets the kelp quota for the counties?", []string{"FOFB"}, nil, true},
		{"who heads the kelp quota body?", nil, nil, false},
		// "Which festival" wants the festival's name, which carries the
		// word; "the same event" names none.
		{"which festival is held every may?", []string{"Lianjiang Kelp Festival"}, nil, true},
		{"which festival did chen mei speak at about kelp exports to japan?", nil, nil, false},
		// Chat words for "some" and for the kind of thing asked about are
		// not topics the sources lack.
		{"who manages that bunch of offshore farms?", []string{"Blue Tide Aquaculture"}, nil, true},
		{"the offshore kelp studio chen mei founded, what's it called?", []string{"Blue Tide Aquaculture"}, nil, true},
		// "Which province" wants a name with the word ("Fujian province"),
		// not the city the festival is held in.
		{"the kelp festival is held in which province?", nil, nil, false},
		// Looks answerable, is not: no founding year, no price.
		{"when was blue tide aquaculture founded?", nil, nil, false},
		{"how much does a tonne of kelp cost?", nil, nil, false},
		// The sentence that matches best gives no count: a number from
		// another sentence is not the answer.
		{"how many offshore farms does blue tide aquaculture manage?", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			a := ask(t, e, tt.q)
			if a.Answered != tt.wantAnswer {
				t.Fatalf("answered %v (%q), want %v", a.Answered, a.Text, tt.wantAnswer)
			}
			for _, w := range tt.want {
				if !strings.Contains(a.Text, w) {
					t.Errorf("answer %q lacks %q", a.Text, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(a.Text, w) {
					t.Errorf("answer %q holds %q", a.Text, w)
				}
			}
			if a.Answered {
				if strings.HasPrefix(a.Text, corpus.HeadingPrefix) || strings.Contains(a.Text, "\n## ") {
					t.Errorf("answer %q carries a heading", a.Text)
				}
				// The answer is one stretch of the cited passage.
				if c := a.Citations[0]; c.Snippet != a.Text {
					t.Errorf("answer %q is not the quote of citation [1] %q", a.Text, c.Snippet)
				}
			}
		})
	}
}

// oneArticle is an engine over a corpus of one Markdown article.
func oneArticle(t *testing.T, markdown string) *answers.Engine {
	t.Helper()
	c, probs := corpus.Load(fstest.MapFS{"article.md": {Data: []byte(markdown)}})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	return buildEngine(t, c, index.Options{}, answers.Options{})
}

// TestFarBehindIsNoAnswer: when the sentences that match a question best
// do not hold what it asks for, a sentence that holds it but matches far
// less (only the name) is not the answer.
func TestFarBehindIsNoAnswer(t *testing.T) {
	e := oneArticle(t, "# Blue Tide\n\nBlue Tide Aquaculture manages most of the offshore farms.\n\n"+
		"Blue Tide Aquaculture exported 40,000 tonnes of kelp last year.\n")
	if a := ask(t, e, "how many offshore farms does blue tide aquaculture manage?"); a.Answered {
		t.Errorf("answered %q: a count of tonnes is no count of farms", a.Text)
	}
	if a := ask(t, e, "how many tonnes of kelp did blue tide aquaculture export?"); !a.Answered || !strings.Contains(a.Text, "40,000") {
		t.Errorf("answer %q, want the 40,000 tonnes", a.Text)
	}
	x, err := e.AskExplained(context.Background(), "how many offshore farms does blue tide aquaculture manage?")
	if err != nil || !strings.Contains(x.Explain.Why, "cover much less") {
		t.Errorf("why: %q (%v)", x.Explain.Why, err)
	}
}

// TestGroupAnswersWhoOnlyForWhatGroupsDo: "the commission" answers who
// warned, as a commission warns; it names no one who leads.
func TestGroupAnswersWhoOnlyForWhatGroupsDo(t *testing.T) {
	e := oneArticle(t, "# Fisheries\n\nA fisheries commission is a leader in kelp research.\n\n"+
		"A regional fisheries commission warned about the kelp quotas.\n")
	if a := ask(t, e, "who is the leader in kelp research?"); a.Answered {
		t.Errorf("answered %q: a commission is no one's name", a.Text)
	}
	if a := ask(t, e, "who warned about the kelp quotas?"); !a.Answered || !strings.Contains(a.Text, "commission") {
		t.Errorf("answer %q, want the commission that warned", a.Text)
	}
}

// TestIrregularForms: "sell" in a question finds "sold" in the sources, as
// the same word.
func TestIrregularForms(t *testing.T) {
	e := buildEngine(t, windowCorpus(t), index.Options{}, answers.Options{})
	a := ask(t, e, "how many tonnes of kelp does sea harvest sell abroad?")
	if !a.Answered || !strings.Contains(a.Text, "40,000") {
		t.Fatalf("answer %q, want the 40,000 tonnes sold", a.Text)
	}
	sold := false
	for _, h := range a.Highlights {
		sold = sold || a.Text[h.Start:h.End] == "sold"
	}
	if !sold {
		t.Errorf("\"sold\" is not matched for \"sell\" in %q", a.Text)
	}
}

// TestStaleSource: an answer quoting a source older than StaleAfter says
// the source's month; a recent or undated source says nothing.
func TestStaleSource(t *testing.T) {
	c, probs := corpus.Load(fstest.MapFS{
		"old.md":     {Data: []byte("---\ntitle: Old\npublished: 2025-07-13\n---\nThe Ningbo harbour runs 40 cargo drones.\n")},
		"new.md":     {Data: []byte("---\ntitle: New\npublished: 2026-10-01\n---\nThe Qingdao harbour runs 25 cargo drones.\n")},
		"undated.md": {Data: []byte("# Undated\n\nThe Xiamen harbour runs 12 cargo drones.\n")},
	})
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	now := func() time.Time { return time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC) }
	e := buildEngine(t, c, index.Options{}, answers.Options{Now: now})
	for q, want := range map[string]string{
		"How many cargo drones does the Ningbo harbour run?":  "July 2025",
		"How many cargo drones does the Qingdao harbour run?": "",
		"How many cargo drones does the Xiamen harbour run?":  "",
	} {
		a := ask(t, e, q)
		if !a.Answered || a.SourceMonth != want {
			t.Errorf("%q: answered %v, source month %q, want %q", q, a.Answered, a.SourceMonth, want)
		}
	}
	never := buildEngine(t, c, index.Options{}, answers.Options{Now: now, StaleAfter: -1})
	if a := ask(t, never, "How many cargo drones does the Ningbo harbour run?"); a.SourceMonth != "" {
		t.Errorf("StaleAfter -1: source month %q", a.SourceMonth)
	}
}

// TestAskExplained: the explanation names the expected type, the words
// and their weights, the chosen window among those weighed, and why; a
// declined question says why too. Ask gives no explanation.
func TestAskExplained(t *testing.T) {
	e := buildEngine(t, windowCorpus(t), index.Options{}, answers.Options{})
	a, err := e.AskExplained(context.Background(), "when did lianjiang start its first offshore kelp farm?")
	if err != nil {
		t.Fatal(err)
	}
	x := a.Explain
	if x == nil || !a.Answered || !slices.Contains(x.Types, "date") || len(x.Terms) == 0 || !strings.Contains(x.Why, "holds a date") {
		t.Fatalf("explanation: %+v", x)
	}
	chosen := 0
	for _, c := range x.Considered {
		if c.Chosen {
			chosen++
			if !c.Holds || !strings.Contains(a.Text, strings.TrimSuffix(c.Text, "…")[:20]) {
				t.Errorf("chosen window %+v is not the answer %q", c, a.Text)
			}
		}
	}
	if chosen != 1 {
		t.Errorf("%d windows marked chosen, want 1", chosen)
	}
	d, _ := e.AskExplained(context.Background(), "how much does a tonne of kelp cost?")
	if d.Answered || d.Explain == nil || d.Explain.Why == "" || slices.ContainsFunc(d.Explain.Considered, func(c answers.Considered) bool { return c.Chosen }) {
		t.Errorf("declined question's explanation: %+v", d.Explain)
	}
	if a := ask(t, e, "when did lianjiang start its first offshore kelp farm?"); a.Explain != nil {
		t.Error("Ask explained")
	}
}
