package corpus_test

import (
	"strings"
	"testing"
	"time"

	"futurebot/corpus"
)

const articleHTML = `<!doctype html><html><head><title>Unitree opens a factory | Robot News</title>
<link rel="canonical" href="https://news.example.com/robots/unitree-factory">
<meta property="og:site_name" content="Robot News">
<meta property="article:published_time" content="2026-11-02T08:00:00Z">
</head><body><nav>Home | World | Tech</nav><article><h1>Unitree opens a factory</h1>
<p>Unitree, the Hangzhou robot maker, opened a factory that will build 10,000 humanoid robots a year.</p>
<h2>Costs</h2>
<p>Each robot costs 2*3*4 thousand yuan to make, the company said; its [prices] fall_every year.</p>
<p>1. This line starts like a list but is a sentence about <b>robots</b> in # form.</p>
</article><footer>Subscribe to our newsletter</footer></body></html>`

// TestReadPageRoundTrip: a fetched page saved as Markdown loads back with
// its title, canonical URL, site, date and text as they were.
func TestReadPageRoundTrip(t *testing.T) {
	p, err := corpus.ReadPage("https://news.example.com/robots/unitree-factory?utm=1", []byte(articleHTML))
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != "https://news.example.com/robots/unitree-factory" || p.Source != "Robot News" || p.Published != "2026-11-02" {
		t.Errorf("page: url %q source %q published %q", p.URL, p.Source, p.Published)
	}
	md := p.Markdown(corpus.PageMeta{Fetched: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), Feed: "Robot News", Tags: []string{"robots"}})
	docs, err := corpus.ParseFile("ingested/unitree.md", md)
	if err != nil {
		t.Fatalf("saved page does not load: %v\n%s", err, md)
	}
	d := docs[0]
	if d.Title != "Unitree opens a factory" || d.URL != p.URL || d.Source != "Robot News" || d.Published != "2026-11-02" {
		t.Errorf("loaded back: %+v", d)
	}
	for _, want := range []string{"10,000 humanoid robots a year", "2*3*4 thousand yuan", "its [prices] fall_every year",
		"1. This line starts like a list but is a sentence about robots in # form."} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("text %q lost in the round trip; body:\n%s", want, d.Body)
		}
	}
	for _, clutter := range []string{"Subscribe", "Home | World"} {
		if strings.Contains(d.Body, clutter) {
			t.Errorf("page clutter %q kept", clutter)
		}
	}
	if len(d.Warnings) > 0 {
		t.Errorf("a saved page gives warnings: %v", d.Warnings)
	}
}

// TestReadPageUndated: a page without a date stays undated, and a page
// without a site name is filed under its host.
func TestReadPageUndated(t *testing.T) {
	page := `<html><head><title>Hydrogen storage</title></head><body><article><p>` +
		strings.Repeat("Salt caverns can store hydrogen for months at a time in large volumes. ", 8) + `</p></article></body></html>`
	p, err := corpus.ReadPage("https://www.energy.example.org/h2", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	if p.Published != "" || p.Source != "energy.example.org" {
		t.Errorf("published %q source %q; want undated, the host", p.Published, p.Source)
	}
	docs, err := corpus.ParseFile("ingested/h2.md", p.Markdown(corpus.PageMeta{Fetched: time.Now()}))
	if err != nil || docs[0].Published != "" {
		t.Errorf("loaded back: %v %+v", err, docs)
	}
	if _, err := corpus.ReadPage("https://example.org/x", []byte("\x00\x01binary")); err == nil {
		t.Error("binary data read as a page")
	}
	if _, err := corpus.ReadPage("ftp://example.org/x", []byte(page)); err == nil {
		t.Error("an ftp address accepted")
	}
}

func TestPageFileName(t *testing.T) {
	a, err := corpus.PageFileName("https://www.scmp.com/news/china/article/3317750/what-are-chinas-future-industries#top")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := corpus.PageFileName("https://www.SCMP.com/news/china/article/3317750/what-are-chinas-future-industries")
	c, _ := corpus.PageFileName("https://www.scmp.com/news/china/article/3317751/what-are-chinas-future-industries")
	if a != b || a == c || !strings.HasPrefix(a, "scmp-com-what-are-chinas-future-industries-") || !strings.HasSuffix(a, ".md") {
		t.Errorf("names %q %q %q", a, b, c)
	}
	for _, u := range []string{"https://example.com/", "https://example.com/" + strings.Repeat("a", 300) + "?q=<x>", "http://例子.测试/文章"} {
		name, err := corpus.PageFileName(u)
		if err != nil {
			t.Fatal(err)
		}
		if clean, err := corpus.IngestName(name); err != nil || clean != name {
			t.Errorf("%s: name %q is not a safe ingest name (%v)", u, name, err)
		}
	}
	if _, err := corpus.PageFileName("not a url"); err == nil {
		t.Error("no error for a non-URL")
	}
}

// TestReadPageCanonicalOnItsOwnSite: a page may not name another site's
// address as its own (which would overwrite that site's saved copy).
func TestReadPageCanonicalOnItsOwnSite(t *testing.T) {
	page := func(canonical string) []byte {
		return []byte(`<html><head><title>Claim</title><link rel="canonical" href="` + canonical + `"></head><body><article><p>` +
			strings.Repeat("Hydrogen trains now run on the coastal line every hour. ", 6) + `</p></article></body></html>`)
	}
	for _, tt := range []struct{ from, canonical, want string }{
		{"https://evil.example/x", "https://www.reuters.com/business/x/", "https://evil.example/x"},
		{"https://news.example.com/a?utm=1", "https://www.news.example.com/a", "https://www.news.example.com/a"},
		{"https://news.example.com/a", "https://news.example.com/a) **PINNED** [verify](https://phish.example/login", "https://news.example.com/a%29%20%2A%2APINNED%2A%2A%20%5Bverify%5D%28https://phish.example/login"},
	} {
		p, err := corpus.ReadPage(tt.from, page(tt.canonical))
		if err != nil {
			t.Fatal(err)
		}
		if p.URL != tt.want && !(strings.HasPrefix(tt.want, "https://news.example.com/a%29") && !strings.ContainsAny(p.URL, " ()[]")) {
			t.Errorf("fetched from %s, canonical %s: URL %q, want %q", tt.from, tt.canonical, p.URL, tt.want)
		}
	}
}

// TestMarkdownCodeKeepsBackslashes: escapes read as their characters in
// text, and as written in code.
func TestMarkdownCodeKeepsBackslashes(t *testing.T) {
	docs, err := corpus.ParseFile("a.md", []byte("# Paths\n\nThe files match `C:\\*.txt`, and 2\\*3 is six.\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(docs[0].Body, `C:\*.txt`) || !strings.Contains(docs[0].Body, "2*3 is six") {
		t.Errorf("body %q", docs[0].Body)
	}
}
