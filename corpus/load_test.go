package corpus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func loadOne(t *testing.T, name, content string) (*Corpus, []Problem) {
	t.Helper()
	return Load(fstest.MapFS{name: {Data: []byte(content)}})
}

func TestLoadMarkdown(t *testing.T) {
	c, probs := loadOne(t, "a/robots.md", `---
title: Robots in ports
url: https://example.com/robots
source: Example News
published: 4 March 2025
sectors: [Humanoid robots]
tags: [ports]
---
# Ignored because front matter has a title

Robots unload **ships** in [three ports](https://example.com).

## Costs
- Cheaper than cranes
- Faster at night
`)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	d := c.Documents[0]
	want := Document{ID: "a/robots.md", Kind: KindArticle, Title: "Robots in ports", URL: "https://example.com/robots",
		Source: "Example News", Published: "2025-03-04", Sectors: []string{"Humanoid robots"}, Tags: []string{"ports"},
		Body: "## Ignored because front matter has a title\n\nRobots unload ships in three ports.\n\n## Costs\n\nCheaper than cranes\n\nFaster at night"}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("document mismatch (-want +got):\n%s", diff)
	}
}

// TestMarkdownKeepsWhatIsQuoted: Markdown is read by a CommonMark parser,
// so arithmetic keeps its stars, a setext heading is a title, reference
// links and tables read as text, and code keeps its characters.
func TestMarkdownKeepsWhatIsQuoted(t *testing.T) {
	c, probs := loadOne(t, "ports.md", `Drone ports
===========

Each dock handles 2 * 3 * 4 = 24 drones an hour, says the [port authority][pa].
The file_name_here and `+"`a*b*c`"+` stay as written; **bold** and _italic_ lose their markers.

[pa]: https://example.com/authority

Port costs
----------

| Port | Drones |
|------|--------|
| Ningbo | 40 |
| Qingdao | 25 |

<div>an HTML block</div>
`)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	d := c.Documents[0]
	if d.Title != "Drone ports" {
		t.Errorf("title: %q, want the setext heading", d.Title)
	}
	want := "Each dock handles 2 * 3 * 4 = 24 drones an hour, says the port authority. The file_name_here and a*b*c stay as written; bold and italic lose their markers.\n\n" +
		"## Port costs\n\nPort | Drones\n\nNingbo | 40\n\nQingdao | 25"
	if d.Body != want {
		t.Errorf("body:\n got %q\nwant %q", d.Body, want)
	}
}

func TestLoadScrapedText(t *testing.T) {
	data, err := os.ReadFile("testdata/scraped.txt")
	if err != nil {
		t.Fatal(err)
	}
	c, probs := loadOne(t, "scraped.txt", string(data))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	d := c.Documents[0]
	if got, want := d.Title, "Harbour cities race to build drone delivery networks"; got != want {
		t.Errorf("title: got %q, want %q", got, want)
	}
	if got, want := d.DateHint, "Tuesday, March 4"; got != want {
		t.Errorf("date hint: got %q, want %q", got, want)
	}
	for _, clutter := range []string{"Do you have questions", "Get the answers", "Share this", "More Articles",
		"lighthouses", "harbour walks", "tide tables", "originally appeared", "Copyright", "comments", "Post a Comment"} {
		if strings.Contains(d.Body, clutter) {
			t.Errorf("clutter %q left in body:\n%s", clutter, d.Body)
		}
	}
	for _, fact := range []string{"Port authorities in three coastal cities", "1,200 parcels", "## How far have the trials got?"} {
		if !strings.Contains(d.Body, fact) {
			t.Errorf("fact %q dropped from body:\n%s", fact, d.Body)
		}
	}
}

// TestCleanRealScrapedArticle runs the clutter rules on the real scraped
// article in ../shared/reference: every paragraph with facts stays, the
// blog's clutter goes.
func TestCleanRealScrapedArticle(t *testing.T) {
	matches, _ := filepath.Glob("../../shared/reference/*.txt")
	if len(matches) == 0 {
		t.Skip("../shared/reference is not beside the repository; skipping the real scraped article")
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	c, probs := loadOne(t, "ref.txt", string(data))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	d := c.Documents[0]
	if d.DateHint == "" || strings.Contains(d.Title, "Sunday") {
		t.Errorf("date line taken as title: title %q, hint %q", d.Title, d.DateHint)
	}
	if !strings.Contains(d.Title, "future industries") {
		t.Errorf("title: got %q", d.Title)
	}
	var facts int
	for _, p := range strings.Split(string(data), "\n\n") {
		p = strings.Join(strings.Fields(p), " ")
		if CountWords(p) >= 15 && strings.HasSuffix(p, ".") && !strings.Contains(p, "Copyright") &&
			!strings.Contains(p, "originally appeared") && !strings.Contains(p, "Get the answers") {
			facts++
			if !strings.Contains(d.Body, p) {
				t.Errorf("paragraph with facts dropped: %q", p)
			}
		}
	}
	if facts < 10 {
		t.Errorf("found only %d fact paragraphs in the reference; the test reads it wrong", facts)
	}
	for _, clutter := range []string{"More Articles", "Le Mans", "Lorde", "Copyright", "originally appeared",
		"Do you have questions", "Get the answers", "No comments", "Post a Comment", "deep space exploration"} {
		if strings.Contains(d.Body, clutter) {
			t.Errorf("clutter %q left in body", clutter)
		}
	}
}

func TestLoadHTML(t *testing.T) {
	page := `<!doctype html><html><head><title>Quantum labs expand | Example</title>
<link rel="canonical" href="https://example.com/quantum">
<meta property="og:site_name" content="Example News">
<script>var tracking = "do not index";</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> Subscribe now</nav>
<article><h1>Quantum labs expand</h1>
<p>Three universities opened quantum computing laboratories this spring, each with room for forty researchers and a dilution refrigerator that reaches a few millikelvin.</p>
<h2>Funding</h2>
<p>The laboratories are paid for by a provincial fund worth 2.5 billion yuan, which also covers scholarships for doctoral students working on error correction.</p>
<p>Officials expect the first results within two years, and say the work will be shared with companies in the region that build cryogenic equipment.</p>
</article>
<aside class="ad">Advertisement: buy a telescope</aside>
<footer>Copyright 2025 Example News</footer></body></html>`
	c, probs := loadOne(t, "web/quantum.html", page)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	d := c.Documents[0]
	if d.URL != "https://example.com/quantum" {
		t.Errorf("url: got %q", d.URL)
	}
	if !strings.Contains(d.Title, "Quantum labs expand") {
		t.Errorf("title: got %q", d.Title)
	}
	for _, want := range []string{"dilution refrigerator", "## Funding", "2.5 billion yuan", "cryogenic"} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, d.Body)
		}
	}
	for _, bad := range []string{"tracking", "telescope", "Home", "Copyright"} {
		if strings.Contains(d.Body, bad) {
			t.Errorf("body keeps %q:\n%s", bad, d.Body)
		}
	}
}

func TestLoadFAQ(t *testing.T) {
	c, probs := loadOne(t, "faq.yaml", `source: Example News
url: https://example.com/faq
entries:
  - id: first
    question: What is a drone corridor?
    answer: A fixed route where cargo drones may fly.
    sectors: [Drones]
  - question: Who runs it?
    answer: The port authority.
    source: Port office
`)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	got := []string{}
	for _, d := range c.Documents {
		got = append(got, d.ID+"|"+d.Question+"|"+d.Body+"|"+d.Source+"|"+d.URL+"|"+strings.Join(d.Sectors, ","))
	}
	want := []string{
		"faq.yaml#first|What is a drone corridor?|A fixed route where cargo drones may fly.|Example News|https://example.com/faq|Drones",
		"faq.yaml#2|Who runs it?|The port authority.|Port office|https://example.com/faq|",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FAQ entries mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadProblems(t *testing.T) {
	fsys := fstest.MapFS{
		"good.md":            {Data: []byte("# Good\n\nA fine paragraph.\n")},
		"bad-front.md":       {Data: []byte("---\ntitle: [unclosed\n---\nBody.\n")},
		"open-front.md":      {Data: []byte("---\ntitle: x\nBody without end.\n")},
		"bad-date.txt":       {Data: []byte("---\npublished: yesterday-ish\n---\nText.\n")},
		"faq.yaml":           {Data: []byte("entries:\n  - question: Q?\n    answer: A.\n  - question: Only a question?\n")},
		"bad.yaml":           {Data: []byte("entries: [\n")},
		"binary.txt":         {Data: []byte("abc\x00def")},
		"entities.yaml":      {Data: []byte("entities:\n  - name: Robots\n    kind: sector\n  - name: Bots\n    kind: gadget\n")},
		"empty.md":           {Data: []byte("---\ntitle: Nothing\n---\n")},
		"notes/ignored.json": {Data: []byte("{")},
		"README.md":          {Data: []byte("not indexed")},
	}
	c, probs := Load(fsys)
	got := map[string]string{}
	for _, p := range probs {
		got[p.File] = p.Error()
	}
	want := map[string]string{
		"bad-front.md":  "bad-front.md:2:",
		"open-front.md": "open-front.md:1: front matter opened with --- is never closed",
		"bad-date.txt":  `bad-date.txt:2: published: cannot read the date "yesterday-ish"; write it as 2025-07-13`,
		"faq.yaml":      "faq.yaml:4: entry 2 needs both a question and an answer",
		"bad.yaml":      "bad.yaml:",
		"binary.txt":    "binary.txt: binary data",
		"entities.yaml": `entities.yaml:4: entity "Bots": unknown entity kind "gadget"`,
		"empty.md":      "empty.md: no text left",
	}
	for file, prefix := range want {
		if !strings.HasPrefix(got[file], prefix) {
			t.Errorf("problem for %s: got %q, want prefix %q", file, got[file], prefix)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d: %v", len(got), len(want), probs)
	}
	// The FAQ file's good entry loads beside its bad one.
	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"faq.yaml#1", "good.md"}) {
		t.Errorf("documents: got %v, want faq.yaml#1 and good.md", ids)
	}
}

// TestFAQKeepsGoodEntries: every bad entry of an FAQ file is reported with
// its line, and the good ones still load.
func TestFAQKeepsGoodEntries(t *testing.T) {
	faq := "entries:\n  - id: a\n    question: A?\n    answer: Yes.\n  - id: b\n    question: No answer?\n" +
		"  - id: c\n    question: C?\n    answer: Sea.\n  - id: a\n    question: Again?\n    answer: Twice.\n"
	c, probs := Load(fstest.MapFS{"faq.yaml": {Data: []byte(faq)}})
	var lines []string
	for _, p := range probs {
		lines = append(lines, p.Error())
	}
	want := []string{"faq.yaml:5: entry 2 needs both a question and an answer", `faq.yaml:10: entry id "a" is used twice (first at line 2)`}
	if !slices.Equal(lines, want) {
		t.Errorf("problems:\n got %q\nwant %q", lines, want)
	}
	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
	}
	if !slices.Equal(ids, []string{"faq.yaml#a", "faq.yaml#c"}) {
		t.Errorf("documents: %v, want the two good entries", ids)
	}
	// Checking the file before adding it refuses it, naming both.
	if _, err := ParseFile("faq.yaml", []byte(faq)); err == nil || !strings.Contains(err.Error(), "entry 2") || !strings.Contains(err.Error(), "used twice") {
		t.Errorf("ParseFile: %v, want both problems", err)
	}
}

func TestLoadNothing(t *testing.T) {
	_, probs := Load(fstest.MapFS{"broken.md": {Data: []byte("---\ntitle: [\n---\n")}})
	if len(probs) != 2 || !errors.Is(&probs[1], ErrNoDocuments) {
		t.Errorf("got %v, want the file's problem and ErrNoDocuments", probs)
	}
}

func TestDefaultCorpus(t *testing.T) {
	c, probs := Load(Default())
	if len(probs) != 0 {
		t.Fatalf("default corpus has problems: %v", probs)
	}
	var faqs, articles int
	for _, d := range c.Documents {
		if d.Kind == KindFAQ {
			faqs++
		} else {
			articles++
		}
		if d.Source == "" || d.URL == "" || d.Published == "" {
			t.Errorf("%s does not cite its source (source %q, url %q, published %q)", d.ID, d.Source, d.URL, d.Published)
		}
		for _, k := range EntityKinds {
			for _, name := range d.Entities(k) {
				if !knownEntity(c.Entities, k, name) {
					t.Errorf("%s names %s %q, which entities.yaml lacks", d.ID, k, name)
				}
			}
		}
	}
	if faqs < 30 {
		t.Errorf("default FAQ has %d entries, want at least 30", faqs)
	}
	if articles < 25 {
		t.Errorf("default corpus has %d articles, want an overview and a brief per sector, company and policy", articles)
	}
	for _, name := range []string{"DeepSeek", "Unitree", "Deep Robotics", "BrainCo", "Game Science", "Manycore",
		"WuXi AppTec", "Humanoid robots", "Brain-computer interfaces", "Quantum information", "6G",
		"Made in China 2025", "14th Five-Year Plan", "MIIT 2024 future industries guidelines", "MIIT 2023 open challenge model"} {
		found := false
		for _, e := range c.Entities {
			found = found || e.Name == name
		}
		if !found {
			t.Errorf("entities.yaml lacks %q", name)
		}
	}
}

func knownEntity(ents []Entity, k EntityKind, name string) bool {
	for _, e := range ents {
		if e.Kind == k && NormalizeName(e.Name) == NormalizeName(name) {
			return true
		}
	}
	return false
}

func TestFingerprint(t *testing.T) {
	a := fstest.MapFS{"a.md": {Data: []byte("# A\n\nText.")}}
	b := fstest.MapFS{"a.md": {Data: []byte("# A\n\nText!")}}
	fa, _ := Fingerprint(a)
	fa2, _ := Fingerprint(a)
	fb, _ := Fingerprint(b)
	if fa != fa2 || fa == fb {
		t.Errorf("fingerprints: same corpus %q vs %q, changed corpus %q", fa, fa2, fb)
	}
}

// TestFingerprintMatchesLoad: the fingerprint Load records for what it read
// is the one Fingerprint computes, even with an unreadable, oversized file.
func TestFingerprintMatchesLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"a.md":   {Data: []byte("# A\n\nText.")},
		"big.md": {Data: make([]byte, MaxFileSize+1)},
		"f.yaml": {Data: []byte("entries: [")},
	}
	c, _ := Load(fsys)
	fp, err := Fingerprint(fsys)
	if err != nil || c.Fingerprint != fp || fp == "" {
		t.Errorf("Load recorded %q, Fingerprint gives %q (%v)", c.Fingerprint, fp, err)
	}
}

// TestDirStaysInside: a corpus directory on disk is read without leaving
// it. A link to a file outside (/etc/passwd, the bot's .env) is refused and
// reported, a link inside is followed, and a device, a link to one or a
// named pipe is skipped at once without being opened.
func TestDirStaysInside(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "corpus")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	secret := filepath.Join(root, ".env")
	os.WriteFile(secret, []byte("DISCORD_TOKEN=secret-token-value\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "sub", "real.md"), []byte("# Real\n\nKelp farms grew.\n"), 0o644)
	for link, target := range map[string]string{
		"env.md":    secret,
		"passwd.md": "/etc/passwd",
		"up.md":     "../.env",
		"zero.md":   "/dev/zero",
		"inside.md": "sub/real.md",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, probs := Load(Dir(dir))
	var ids []string
	for _, d := range c.Documents {
		ids = append(ids, d.ID)
		if strings.Contains(d.Body+d.Title, "secret-token") || strings.Contains(d.Body, "root:") {
			t.Errorf("%s holds text from outside the corpus: %q", d.ID, d.Body)
		}
	}
	if !slices.Equal(ids, []string{"inside.md", "sub/real.md"}) {
		t.Errorf("documents %v, want the file and the link to it inside the corpus", ids)
	}
	got := map[string]string{}
	for _, p := range probs {
		got[p.File] = p.Error()
	}
	for file, want := range map[string]string{"env.md": "escapes", "passwd.md": "escapes", "up.md": "escapes",
		"zero.md": "escapes", "pipe.md": "named pipe"} {
		if !strings.Contains(got[file], want) {
			t.Errorf("%s: problem %q, want it to say %q", file, got[file], want)
		}
	}
	if _, err := Fingerprint(Dir(dir)); err != nil {
		t.Errorf("fingerprint: %v", err)
	}
}

// TestLongTitlesAreCut: a title, FAQ question or heading of a megabyte is
// cut to MaxTitleBytes.
func TestLongTitlesAreCut(t *testing.T) {
	long := strings.Repeat("harbour ", 1<<17)
	c, probs := Load(fstest.MapFS{
		"a.md":     {Data: []byte("---\ntitle: " + long + "\n---\nBody text.\n\n## " + long + "\n\nMore text.\n")},
		"faq.yaml": {Data: []byte("entries:\n  - question: " + long + "?\n    answer: Yes.\n")},
	})
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	for _, d := range c.Documents {
		if len(d.Title) > MaxTitleBytes || len(d.Question) > MaxTitleBytes || !strings.HasSuffix(d.Title, "…") {
			t.Errorf("%s: title of %d bytes, question of %d", d.ID, len(d.Title), len(d.Question))
		}
		for _, p := range SplitPassages(&d) {
			if len(p.Heading) > MaxTitleBytes {
				t.Errorf("%s: heading of %d bytes", p.ID, len(p.Heading))
			}
		}
	}
}

// TestEntitiesKeepsGoodOnes: each bad entity is reported with its line and
// left out; the good ones are kept. A name listed twice and an entity with
// thousands of aliases are errors.
func TestEntitiesKeepsGoodOnes(t *testing.T) {
	var many strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&many, "a%d, ", i)
	}
	data := "entities:\n" +
		"  - name: Robots\n    kind: sector\n    aliases: [bots]\n" +
		"  - name: Robots\n    kind: sector\n" +
		"  - name: Kelp\n    kind: sector\n    related: [Nothing]\n" +
		"  - name: Huge\n    kind: company\n    aliases: [" + many.String() + "x]\n" +
		"  - name: Tide\n    kind: company\n    related: [Robots]\n"
	ents, err := ParseEntities([]byte(data))
	var names []string
	for _, e := range ents {
		names = append(names, e.Name)
	}
	if !slices.Equal(names, []string{"Robots", "Tide"}) {
		t.Errorf("kept %v, want Robots and Tide", names)
	}
	for _, want := range []string{`line 5: entity "Robots" is listed twice (first at line 2)`, `entity "Kelp": related "Nothing"`,
		`entity "Huge" has 10001 aliases; at most 50`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors %v, want %q", err, want)
		}
	}
	c, probs := Load(fstest.MapFS{"entities.yaml": {Data: []byte(data)}, "a.md": {Data: []byte("# A\n\nRobots and Tide.\n")}})
	if len(probs) != 3 || len(c.Entities) < 2 {
		t.Errorf("load: %d problems (%v), %d entities; want 3 problems and the good entities", len(probs), probs, len(c.Entities))
	}
}

// TestRandomBytesAreNoPage: random bytes saved as .html are refused as
// binary, not indexed as an article.
func TestRandomBytesAreNoPage(t *testing.T) {
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte((i*131 + 17) % 256)
	}
	_, err := ParseFile("page.html", junk)
	if err == nil || !strings.Contains(err.Error(), "binary") {
		t.Errorf("random bytes as .html: %v, want refused as binary", err)
	}
	if _, err := ParseFile("page.html", []byte("<html><head><title>Kelp</title></head><body><p>Kelp farms grew by a third in 2024, the county said.</p></body></html>")); err != nil {
		t.Errorf("a real page: %v", err)
	}
}
