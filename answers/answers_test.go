package answers_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

func TestAnalyze(t *testing.T) {
	m := corpus.NewMatcher(defaultCorpus(t).Entities)
	tests := []struct {
		q          string
		wantType   answers.Type
		wantEntity string
		wantInText string
	}{
		{"Who are the Six Little Dragons?", answers.TypePerson, "Six Little Dragons", "Six Little Dragons"},
		{"How many CAR-T therapies has China approved?", answers.TypeNumber, "CAR T-cell therapy", "CAR T-cell therapy"},
		{"What share of humanoid robot firms are Chinese?", answers.TypeNumber, "Humanoid robots", "Humanoid robots"},
		{"When did the MIIT post its first challenge?", answers.TypeDate, "MIIT", "MIIT"},
		{"What is BCI?", answers.TypeDefinition, "Brain-computer interfaces", "Brain-computer interfaces"},
		{"Which sectors did the FYP highlight?", answers.TypeList, "14th Five-Year Plan", "14th Five-Year Plan"},
		{"List the target areas of the 2024 guidelines", answers.TypeList, "MIIT 2024 future industries guidelines", "MIIT 2024"},
		{"Why does Beijing back future industries?", answers.TypeReason, "Future industries", "Future industries"},
		{"工信部发布了什么？", answers.TypeOther, "MIIT", "MIIT"},
		{"Tell me about 宇树", answers.TypeDefinition, "Unitree", "Unitree"},
		// "co" spelt out as "company" only where it is no name's end.
		{"what does brain co make", answers.TypeDefinition, "BrainCo", "BrainCo"},
		{"which co made black myth", answers.TypeOrganisation, "", "which company made"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			q := answers.Analyze(tt.q, m)
			if q.Type != tt.wantType {
				t.Errorf("type: got %s, want %s", q.Type, tt.wantType)
			}
			var names []string
			for _, men := range q.Mentions {
				names = append(names, men.Entity.Name)
			}
			if !strings.Contains(strings.Join(names, "|"), tt.wantEntity) {
				t.Errorf("entities: got %v, want %s", names, tt.wantEntity)
			}
			if !strings.Contains(q.Search, tt.wantInText) {
				t.Errorf("search text %q lacks %q", q.Search, tt.wantInText)
			}
			for _, es := range q.EntitySpans {
				if q.Search[es.Start:es.End] != es.Entity.Name {
					t.Errorf("entity span %v of %q is %q, want %q", es.Span, q.Search, q.Search[es.Start:es.End], es.Entity.Name)
				}
			}
		})
	}
}

// TestClassify checks what kind of answer questions as members type them
// ask for, wherever the question word stands.
func TestClassify(t *testing.T) {
	tests := []struct {
		q     string
		types []answers.Type
		unit  answers.Unit
	}{
		{"wen did the ministry start posting challenges", []answers.Type{answers.TypeDate}, ""},
		{"wat year was it first used", []answers.Type{answers.TypeDate}, ""},
		{"how many CAR-T therapies does the US have?", []answers.Type{answers.TypeNumber}, answers.UnitCount},
		{"what share of humanoid integrators are in China", []answers.Type{answers.TypeNumber}, answers.UnitShare},
		{"how much does a humanoid robot cost", []answers.Type{answers.TypeNumber}, answers.UnitMoney},
		{"how long do teams have to solve a challenge", []answers.Type{answers.TypeNumber}, answers.UnitDuration},
		{"which city is the new silicon valley", []answers.Type{answers.TypePlace}, ""},
		{"the wukong game studio, what's it called?", []answers.Type{answers.TypeOrganisation}, ""},
		{"which chinese companies lead in quantum computing?", []answers.Type{answers.TypeOrganisation}, answers.UnitMany},
		{"which wall street firm counted the robot makers?", []answers.Type{answers.TypeOrganisation}, ""},
		{"which sectors did the plan name", []answers.Type{answers.TypeList}, ""},
		{"who coined the term, and in what year?", []answers.Type{answers.TypePerson, answers.TypeDate}, ""},
		{"why are lawmakers worried about the firm?", []answers.Type{answers.TypeReason}, ""},
		{"is 6G a target area?", []answers.Type{answers.TypeYesNo}, ""},
		{"“未来产业”这个说法是谁在哪一年提出的？", []answers.Type{answers.TypePerson, answers.TypeDate}, ""},
		{"截至2025年3月，中国一共批准了几款疗法？", []answers.Type{answers.TypeNumber}, answers.UnitCount},
		{"宇树是做什么的？", []answers.Type{answers.TypeDefinition}, ""},
		{"!!!???", []answers.Type{answers.TypeOther}, ""},
		// "Who is the … country" asks for a place; a misspelt kind of
		// answer is read as meant.
		{"whos the rival contry in chinas tech race", []answers.Type{answers.TypePlace}, ""},
		{"who is the country's leader", []answers.Type{answers.TypePerson}, ""},
		{"which compnay made black myth", []answers.Type{answers.TypeOrganisation}, ""},
		{"wat percnt of humanoid firms are chinese", []answers.Type{answers.TypeNumber}, answers.UnitShare},
		// "Who is" and a name asks what it is; "who is the …" asks for a name.
		{"who is pan gongsheng", []answers.Type{answers.TypeDefinition}, ""},
		{"whois deepseek?", []answers.Type{answers.TypeDefinition}, ""},
		{"who is the governor of the central bank", []answers.Type{answers.TypePerson}, ""},
		{"who's china's rival", []answers.Type{answers.TypePerson}, ""},
		{"whatis unitree", []answers.Type{answers.TypeDefinition}, ""},
		{"howmany therapies has teh us approved", []answers.Type{answers.TypeNumber}, answers.UnitCount},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			q := answers.Analyze(tt.q, nil)
			if !slices.Equal(q.Types, tt.types) || q.Unit != tt.unit {
				t.Errorf("got %v %q, want %v %q", q.Types, q.Unit, tt.types, tt.unit)
			}
		})
	}
}

func TestAskCitesAndAbstains(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	ctx := context.Background()

	a, err := e.Ask(ctx, "Who are the Six Little Dragons?")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"DeepSeek", "Game Science", "Unitree", "Deep Robotics", "BrainCo", "Manycore"} {
		if !strings.Contains(a.Text, name) {
			t.Errorf("answer %q does not name %s", a.Text, name)
		}
	}
	if !a.Answered || len(a.Citations) == 0 || a.Citations[0].URL == "" || a.Citations[0].Source == "" || a.Citations[0].Published == "" {
		t.Errorf("answer lacks a full citation: %+v", a)
	}
	if a.Citations[0].Snippet != a.Text {
		t.Errorf("citation [1] quotes %q, want the answer %q", a.Citations[0].Snippet, a.Text)
	}

	for _, q := range []string{"Who won the 2018 Tour de France?", "What is the best pancake recipe in Hangzhou?", "Which actor played Batman in 1989?"} {
		a, err := e.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered || a.Text != "" || len(a.Citations) != 0 {
			t.Errorf("%q: answered %q, want an abstention", q, a.Text)
		}
		if strings.Contains(q, "Hangzhou") && len(a.Suggestions) == 0 {
			t.Errorf("%q: abstained without pointing at the nearest sources", q)
		}
		for _, s := range a.Suggestions {
			if s.Snippet == "" || s.Title == "" {
				t.Errorf("%q: suggestion %+v lacks its title or the passage it quotes", q, s)
			}
		}
	}
}

// TestDeclinesSmallTalkAndOpinions: thanks, the time of day and requests
// for a view get "Not in my sources", not a quote that happens to share a
// word with them; a one-word question about something the sources name is
// still answered.
func TestDeclinesSmallTalkAndOpinions(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	for _, q := range []string{"thanks futurebot!", "what time is it", "what do you think about chinese tech",
		"is unitree a good investment?", "should i buy deepseek stock", "你觉得宇树怎么样"} {
		if a := ask(t, e, q); a.Answered {
			t.Errorf("%q: answered %q, want a decline", q, a.Text)
		}
	}
	for _, q := range []string{"what is BCI?", "Manycore?"} {
		if a := ask(t, e, q); !a.Answered {
			t.Errorf("%q: declined, want an answer", q)
		}
	}
}

func TestAskBadInput(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	ctx := context.Background()
	if _, err := e.Ask(ctx, "   \n\t "); !errors.Is(err, answers.ErrEmptyQuestion) {
		t.Errorf("empty question: got %v, want ErrEmptyQuestion", err)
	}
	for _, q := range []string{
		"?!?!", "\x00\x01\x02", "@everyone who are the dragons", strings.Repeat("robots ", 5000),
		"title:DeepSeek AND body:* OR +-~^", `"unbalanced quote`, "\xff\xfe invalid utf8", "🤖🤖🤖",
		strings.Repeat("工信部", 1000), "ｗｈｏ ａｒｅ ｔｈｅ ｄｒａｇｏｎｓ",
		"？！。，、；：", "…", "🤖 宇树是做什么的 🚀?", "wat r the 六小龙 lol 😂😂",
		strings.Repeat("量子 quantum Квант κβάντο ควอนตัม 🧪 ", 15)[:500], "宇树 AND 工信部 OR body:量子*",
		"2025年3月", "哪家公司？", "who who who who", "how many how many", "is is is?",
	} {
		a, err := e.Ask(ctx, q)
		if err != nil && !errors.Is(err, answers.ErrEmptyQuestion) {
			t.Errorf("Ask(%.40q): %v", q, err)
		}
		checkAnswer(t, q, a)
	}
}

// TestAskInvariants asks random questions made of corpus words, noise and
// odd characters, and checks what every answer must hold.
func TestAskInvariants(t *testing.T) {
	c := defaultCorpus(t)
	e := buildEngine(t, c, index.Options{}, answers.Options{})
	var words []string
	for _, d := range c.Documents {
		words = append(words, strings.Fields(d.Body)...)
	}
	noise := []string{"who", "what", "how many", "?", "「", "」", "@here", "**", "`", "\n", "\u200b", "é", "DROP TABLE", "~~", "||"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var parts []string
		for range 1 + rng.IntN(14) {
			if rng.IntN(4) == 0 {
				parts = append(parts, noise[rng.IntN(len(noise))])
			} else {
				parts = append(parts, words[rng.IntN(len(words))])
			}
		}
		q := strings.Join(parts, " ")
		a, err := e.Ask(context.Background(), q)
		if err != nil && !errors.Is(err, answers.ErrEmptyQuestion) {
			t.Fatalf("Ask(%q): %v", q, err)
		}
		checkAnswer(t, q, a)
	}
}

func checkAnswer(t *testing.T, q string, a answers.Answer) {
	t.Helper()
	if a.Answered != (a.Text != "") || a.Answered != (len(a.Citations) > 0) {
		t.Errorf("%.40q: answered %v with text %q and %d citations", q, a.Answered, a.Text, len(a.Citations))
	}
	if len(a.Text) > answers.DefaultOptions.MaxAnswerBytes && len(corpus.SplitSentences(a.Text)) > 1 {
		t.Errorf("%.40q: answer of %d bytes and several sentences exceeds the limit", q, len(a.Text))
	}
	if !utf8.ValidString(a.Text) || !utf8.ValidString(a.Question) {
		t.Errorf("%.40q: invalid UTF-8 in the answer", q)
	}
	if len(a.Citations) > 3 {
		t.Errorf("%.40q: %d citations, want at most 3", q, len(a.Citations))
	}
	perDoc := map[string]int{}
	for i, c := range a.Citations {
		perDoc[c.DocID]++
		if c.N != i+1 {
			t.Errorf("%.40q: citation %d numbered %d", q, i, c.N)
		}
		for _, h := range c.Highlights {
			if h.Start < 0 || h.End > len(c.Snippet) || h.Start >= h.End {
				t.Errorf("%.40q: highlight %v outside snippet of %d bytes", q, h, len(c.Snippet))
			}
		}
	}
	for doc, n := range perDoc {
		if n > 2 {
			t.Errorf("%.40q: %d citations from %s, want at most 2", q, n, doc)
		}
	}
	for _, h := range a.Highlights {
		if h.Start < 0 || h.End > len(a.Text) || h.Start >= h.End {
			t.Errorf("%.40q: highlight %v outside answer of %d bytes", q, h, len(a.Text))
		}
	}
}

func TestResolve(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	tests := []struct {
		kind     corpus.EntityKind
		name     string
		want     string
		wantRank int
	}{
		{corpus.Company, "Unitree", "Unitree", answers.RankExact},
		{corpus.Company, "unitree robotics", "Unitree", answers.RankExact},
		{corpus.Company, "宇树", "Unitree", answers.RankExact},
		{corpus.Company, "Unit", "Unitree", answers.RankPrefix},
		{corpus.Company, "Unitre", "Unitree", answers.RankPrefix},
		{corpus.Company, "Untiree", "Unitree", answers.RankFuzzy},
		{corpus.Company, "Manycor tech", "Manycore", answers.RankFuzzy},
		{corpus.Sector, "bci", "Brain-computer interfaces", answers.RankExact},
		{corpus.Sector, "brain computer", "Brain-computer interfaces", answers.RankPrefix},
		{corpus.Sector, "hydrogen", "Hydrogen energy and storage", answers.RankExact},
		{corpus.Sector, "hydro", "Hydrogen energy and storage", answers.RankPrefix},
		{corpus.Policy, "fyp", "14th Five-Year Plan", answers.RankExact},
		{corpus.Policy, "工信部", "MIIT", answers.RankExact},
		{corpus.Policy, "made in chna 2025", "Made in China 2025", answers.RankFuzzy},
	}
	for _, tt := range tests {
		got := e.Resolve(tt.kind, tt.name, 25)
		if len(got) == 0 || got[0].Entity.Name != tt.want || got[0].Rank != tt.wantRank {
			var names []string
			for _, g := range got {
				names = append(names, g.Entity.Name)
			}
			t.Errorf("Resolve(%s, %q): got %v (rank %v), want %s at rank %d first", tt.kind, tt.name, names, rankOf(got), tt.want, tt.wantRank)
		}
	}
	if got := e.Resolve(corpus.Company, "", 25); len(got) < 7 || len(got) > 25 {
		t.Errorf("empty name lists %d companies, want all of them up to 25", len(got))
	}
	if got := e.Resolve(corpus.Sector, "Unitree", 25); len(got) != 0 {
		t.Errorf("a company name resolved as a sector: %v", got[0].Entity.Name)
	}
	if got := e.Resolve("", "zzzzqqq", 25); len(got) != 0 {
		t.Errorf("nonsense resolved to %s", got[0].Entity.Name)
	}
}

func rankOf(ms []answers.EntityMatch) int {
	if len(ms) == 0 {
		return -1
	}
	return ms[0].Rank
}

func TestLookup(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	card, err := e.Lookup(context.Background(), corpus.Company, "unitre")
	if err != nil {
		t.Fatal(err)
	}
	if card.Entity.Name != "Unitree" || card.Entity.Description == "" || len(card.Related) == 0 {
		t.Errorf("card: %+v", card)
	}
	if len(card.Facts) == 0 {
		t.Fatal("card has no cited facts")
	}
	for _, f := range card.Facts {
		if !strings.Contains(f.Snippet, "Unitree") || f.URL == "" {
			t.Errorf("fact %q does not name Unitree or lacks a link", f.Snippet)
		}
	}
	if _, err := e.Lookup(context.Background(), corpus.Sector, "underwater basket weaving"); !errors.Is(err, answers.ErrUnknownEntity) {
		t.Errorf("unknown sector: got %v, want ErrUnknownEntity", err)
	}
}
