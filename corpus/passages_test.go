package corpus

import (
	"strings"
	"testing"
	"testing/fstest"
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

func FuzzLoadFiles(f *testing.F) {
	f.Add("---\ntitle: x\n---\n# T\n\nBody.", "entries:\n - question: q\n   answer: a\n", "<p>hi</p>")
	f.Fuzz(func(t *testing.T, md, faq, html string) {
		c, _ := Load(mapFS(map[string]string{"a.md": md, "a.txt": md, "f.yaml": faq, "p.html": html, "entities.yaml": faq}))
		for i := range c.Documents {
			for _, p := range SplitPassages(&c.Documents[i]) {
				if c.Documents[i].Body[p.Start:p.End] != p.Text {
					t.Fatalf("passage offsets wrong")
				}
			}
		}
	})
}

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for k, v := range files {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
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
