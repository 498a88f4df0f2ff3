package corpus

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitPassagesSizesAndOffsets(t *testing.T) {
	c, _ := Load(Default())
	long := strings.Repeat("Robots now unload cargo ships in three busy ports every night. ", 40)
	c.Documents = append(c.Documents, Document{ID: "long.md", Kind: KindArticle, Title: "Long",
		Body: "## One\n\nShort intro.\n\n" + long + "\n\n## Two\n\nA closing paragraph with a few words."})
	for i := range c.Documents {
		d := &c.Documents[i]
		ps := SplitPassages(d)
		if len(ps) == 0 {
			t.Errorf("%s: no passages", d.ID)
		}
		for j, p := range ps {
			if d.Body[p.Start:p.End] != p.Text || p.Position != j || p.DocID != d.ID || p.Title != d.Title {
				t.Errorf("%s passage %d: offsets or identity wrong: %+v", d.ID, j, p)
			}
			if w := CountWords(p.Text); w > MaxPassageWords+30 {
				t.Errorf("%s passage %d has %d words, want at most about %d", d.ID, j, w, MaxPassageWords)
			}
			if strings.Contains(p.Text, HeadingPrefix) {
				t.Errorf("%s passage %d contains a heading: %q", d.ID, j, p.Text)
			}
		}
	}
	ps := SplitPassages(&c.Documents[len(c.Documents)-1])
	if ps[0].Heading != "One" || ps[len(ps)-1].Heading != "Two" {
		t.Errorf("headings: got %q .. %q, want One .. Two", ps[0].Heading, ps[len(ps)-1].Heading)
	}
	for _, p := range ps[:len(ps)-1] {
		if w := CountWords(p.Text); w < MinPassageWords {
			t.Errorf("passage %d under One has %d words, want at least %d", p.Position, w, MinPassageWords)
		}
	}
}

func TestMatcher(t *testing.T) {
	m := NewMatcher([]Entity{
		{Name: "Brain-computer interfaces", Kind: Sector, Aliases: []string{"BCI", "脑机接口"}},
		{Name: "MIIT", Kind: Policy, Aliases: []string{"Ministry of Industry and Information Technology", "工信部"}},
		{Name: "Humanoid robots", Kind: Sector, Aliases: []string{"humanoid robot"}},
	})
	tests := []struct{ text, want string }{
		{"What does the BCI sector do?", "Brain-computer interfaces"},
		{"brain computer interfaces are growing", "Brain-computer interfaces"},
		{"工信部发布了关于脑机接口的指南", "Brain-computer interfaces,MIIT"},
		{"A humanoid robot walked", "Humanoid robots"},
		{"BCIs and humanoid robots", "Brain-computer interfaces,Humanoid robots"},
		{"ABCIX is not an alias", ""},
		{"the ministry of industry and information technology said", "MIIT"},
	}
	for _, tt := range tests {
		var names []string
		for _, m := range m.Find(tt.text) {
			names = append(names, m.Entity.Name)
		}
		if got := strings.Join(names, ","); got != tt.want {
			t.Errorf("Find(%q): got %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestFindLoose: a question's misspelt name (one edit in a word of five
// letters or more, a word no dictionary knows) is a mention, and lengthens
// the mention of a shorter alias of the same entity; real words, short
// names and names two edits away are not.
func TestFindLoose(t *testing.T) {
	m := NewMatcher([]Entity{
		{Name: "Unitree", Kind: Company},
		{Name: "WuXi AppTec", Kind: Company, Aliases: []string{"WuXi"}},
		{Name: "MIIT", Kind: Policy},
	})
	dictionary := map[string]bool{"united": true, "states": true}
	known := func(w string) bool { return dictionary[w] }
	tests := []struct{ text, want, span string }{
		{"what is unitre", "Unitree", "unitre"},
		{"what does untiree make", "Unitree", "untiree"},
		{"wuxi apptek is called what", "WuXi AppTec", "wuxi apptek"},
		{"what is the united states", "", ""},
		{"what is untire", "", ""},
		{"what did miitt publish", "", ""},
		{"Unitree and unitre", "Unitree", "Unitree"},
		{"who makes wuxiapptec", "WuXi AppTec", "wuxiapptec"},
	}
	for _, tt := range tests {
		var names, spans []string
		for _, men := range m.FindLoose(tt.text, known) {
			names = append(names, men.Entity.Name)
			spans = append(spans, tt.text[men.Start:men.End])
		}
		if got := strings.Join(names, ","); got != tt.want || strings.Join(spans, ",") != tt.span {
			t.Errorf("FindLoose(%q): %q at %q, want %q at %q", tt.text, got, spans, tt.want, tt.span)
		}
	}
}

// checkParsed is what every parser must give, whatever its input: no
// panic, documents whose passages point into their bodies, FAQ entries with
// both halves.
func checkParsed(t *testing.T, docs []Document, err error) {
	if err != nil {
		return
	}
	for i := range docs {
		d := &docs[i]
		if d.Kind == KindFAQ && (d.Question == "" || strings.TrimSpace(d.Body) == "") {
			t.Fatalf("FAQ entry %s without question or answer", d.ID)
		}
		for _, p := range SplitPassages(d) {
			if p.Start < 0 || p.End > len(d.Body) || d.Body[p.Start:p.End] != p.Text {
				t.Fatalf("passage %s does not point into its body", p.ID)
			}
		}
	}
}

func FuzzMarkdown(f *testing.F) {
	f.Add([]byte("---\ntitle: x\nsectors: [a]\n---\n# T\n\nBody **bold** [l](http://x).\n\n## H\n- item\n"))
	f.Fuzz(func(t *testing.T, data []byte) { docs, err := ParseFile("a.md", data); checkParsed(t, docs, err) })
}

func FuzzScrapedText(f *testing.F) {
	f.Add([]byte("Sunday, July 13\n\nA headline here\n\nFirst paragraph. Second one.\n\nWhat next?\n\nMore text.\n\nMore Articles from X\n\nOther headline\n"))
	f.Fuzz(func(t *testing.T, data []byte) { docs, err := ParseFile("a.txt", data); checkParsed(t, docs, err) })
}

func FuzzHTML(f *testing.F) {
	f.Add([]byte(`<html><head><title>T</title><link rel="canonical" href="https://e.com/a"></head><body><article><h1>T</h1><p>Text one.</p><h2>H</h2><p>Two.</p></article><script>x()</script></body></html>`))
	f.Fuzz(func(t *testing.T, data []byte) { docs, err := ParseFile("a.html", data); checkParsed(t, docs, err) })
}

func FuzzFAQ(f *testing.F) {
	f.Add([]byte("source: S\nentries:\n  - id: a\n    question: Q?\n    answer: A.\n  - question: Q2?\n    answer: A2.\n    url: https://e.com\n"))
	f.Fuzz(func(t *testing.T, data []byte) { docs, err := ParseFile("f.yaml", data); checkParsed(t, docs, err) })
}

func FuzzEntities(f *testing.F) {
	f.Add([]byte("entities:\n  - name: A\n    kind: sector\n    aliases: [B, 工信部]\n    related: [C]\n  - name: C\n    kind: company\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ents, err := ParseEntities(data)
		if err != nil {
			return
		}
		m := NewMatcher(ents)
		for _, e := range ents {
			if e.Name == "" || (e.Kind != Sector && e.Kind != Company && e.Kind != Policy) {
				t.Fatalf("entity %+v accepted", e)
			}
			m.Find(e.Name + " and " + strings.Join(e.Aliases, ", "))
		}
	})
}

func BenchmarkSplitSentences(b *testing.B) {
	c, _ := Load(Default())
	var text strings.Builder
	for _, d := range c.Documents {
		text.WriteString(d.Body + "\n\n")
	}
	s := text.String()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		SplitSentences(s)
	}
}

func BenchmarkMatcherFind(b *testing.B) {
	c, _ := Load(Default())
	m := NewMatcher(c.Entities)
	var texts []string
	for i := range c.Documents {
		for _, p := range SplitPassages(&c.Documents[i]) {
			texts = append(texts, p.Text)
		}
	}
	i := 0
	for b.Loop() {
		m.Find(texts[i%len(texts)])
		i++
	}
}

// TestLongParagraphsAreCut: a paragraph of one endless sentence, or of one
// endless word, becomes passages of bounded size that keep all its text.
func TestLongParagraphsAreCut(t *testing.T) {
	var words strings.Builder
	for i := 0; words.Len() < 1<<20; i++ {
		fmt.Fprintf(&words, "word%d ", i)
	}
	for name, body := range map[string]string{
		"one sentence":         words.String(),
		"one word":             strings.Repeat("x", 1<<20),
		"one word of Chinese":  strings.Repeat("海带", 200000),
		"short then very long": "A short sentence. " + strings.Repeat("y", 300000) + " and an end.",
	} {
		for _, kind := range []Kind{KindArticle, KindFAQ} {
			doc := Document{ID: "long.md", Kind: kind, Title: "Long", Question: "Long?", Body: body}
			checkCut(t, name, body, SplitPassages(&doc))
		}
	}
}

// checkCut checks that passages are bounded, whole characters, and hold
// all of body's text.
func checkCut(t *testing.T, name, body string, ps []Passage) {
	t.Helper()
	covered := 0
	for _, p := range ps {
		if len(p.Text) > MaxPassageBytes {
			t.Fatalf("%s: a passage of %d bytes, over %d", name, len(p.Text), MaxPassageBytes)
		}
		if !utf8.ValidString(p.Text) {
			t.Fatalf("%s: a passage cuts a character", name)
		}
		covered += len(strings.Join(strings.Fields(p.Text), ""))
	}
	if want := len(strings.Join(strings.Fields(body), "")); covered != want {
		t.Errorf("%s: passages hold %d bytes of text, want all %d", name, covered, want)
	}
}
