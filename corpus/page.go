package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Page is a web page read for the corpus: its article and what is known
// about it.
type Page struct {
	Title string
	// URL is the page's canonical URL, or the one it was fetched from.
	URL string
	// Source is the site's name, or its host when the page gives none.
	Source string
	// Published is the page's date (2006-01-02), or "" when it gives none:
	// an undated page is never given one.
	Published string
	// Paragraphs are the article's blocks; headings start with
	// HeadingPrefix.
	Paragraphs []string
}

// ReadPage extracts the article of an HTML page fetched from pageURL with
// go-readability.
func ReadPage(pageURL string, data []byte) (Page, error) {
	if err := checkURL(pageURL); err != nil {
		return Page{}, err
	}
	p, err := readHTML(pageURL, data)
	if err != nil {
		return Page{}, err
	}
	p.Title = withoutSiteName(p.Title, p.Source)
	if p.Source == "" {
		if u, err := url.Parse(p.URL); err == nil {
			p.Source = strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	for i, t := range p.Paragraphs {
		p.Paragraphs[i] = strings.Join(strings.Fields(t), " ")
	}
	p.Paragraphs = RemoveClutter(p.Paragraphs, DefaultClutterRules)
	if p.Title == "" && len(p.Paragraphs) == 0 {
		return Page{}, errors.New("no readable article text in the page")
	}
	return p, nil
}

// withoutSiteName drops the site's name from a page title that carries it
// ("Unitree opens a factory | Robot News").
func withoutSiteName(title, site string) string {
	if site == "" {
		return title
	}
	for _, sep := range []string{" | ", " - ", " – ", " — ", " :: ", " · "} {
		if head, tail, ok := strings.Cut(title, sep); ok {
			switch {
			case strings.EqualFold(strings.TrimSpace(title[strings.LastIndex(title, sep)+len(sep):]), site):
				return strings.TrimSpace(title[:strings.LastIndex(title, sep)])
			case strings.EqualFold(strings.TrimSpace(head), site):
				return strings.TrimSpace(tail)
			}
		}
	}
	return title
}

// pageFront is the front matter of a saved page.
type pageFront struct {
	Title     string   `yaml:"title"`
	URL       string   `yaml:"url"`
	Source    string   `yaml:"source,omitempty"`
	Published string   `yaml:"published,omitempty"`
	Fetched   string   `yaml:"fetched"`
	Feed      string   `yaml:"feed,omitempty"`
	Tags      []string `yaml:"tags,omitempty"`
	Sectors   []string `yaml:"sectors,omitempty"`
	Companies []string `yaml:"companies,omitempty"`
	Policies  []string `yaml:"policies,omitempty"`
}

// PageMeta is what a saved page records beside the page itself: when it
// was fetched, the feed it came from, and tags and entities to file it
// under.
type PageMeta struct {
	Fetched                      time.Time
	Feed                         string
	Tags                         []string
	Sectors, Companies, Policies []string
}

// SavedPageMeta reads back the feed, tags and entity hints a saved page
// (Markdown) records, so that refreshing the page keeps them.
func SavedPageMeta(data []byte) (PageMeta, error) {
	head, _, _, err := splitFrontMatter(data)
	if err != nil {
		return PageMeta{}, err
	}
	var fm pageFront
	if err := yaml.Unmarshal(head, &fm); err != nil {
		return PageMeta{}, err
	}
	return PageMeta{Feed: fm.Feed, Tags: fm.Tags, Sectors: fm.Sectors, Companies: fm.Companies, Policies: fm.Policies}, nil
}

// Markdown is the page as a corpus document: front matter, then its
// paragraphs with Markdown's special characters escaped, so that the
// text is read back as it was.
func (p Page) Markdown(m PageMeta) []byte {
	fm := pageFront{Title: clip(p.Title, MaxTitleBytes), URL: p.URL, Source: clip(p.Source, MaxTitleBytes),
		Published: p.Published, Fetched: m.Fetched.UTC().Format(time.RFC3339), Feed: m.Feed, Tags: m.Tags,
		Sectors: m.Sectors, Companies: m.Companies, Policies: m.Policies}
	head, _ := yaml.Marshal(fm)
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(head)
	b.WriteString("---\n")
	for _, para := range p.Paragraphs {
		b.WriteString("\n")
		if h, ok := strings.CutPrefix(para, HeadingPrefix); ok {
			b.WriteString(HeadingPrefix + escapeMarkdown(h) + "\n")
			continue
		}
		b.WriteString(escapeMarkdown(para) + "\n")
	}
	return b.Bytes()
}

var (
	markdownSpecial = regexp.MustCompile("[\\\\`*_\\[\\]<>|~]")
	markdownStart   = regexp.MustCompile(`^(#|[-+=]|\d+[.)])`)
)

// escapeMarkdown makes one paragraph of plain text read back as itself.
func escapeMarkdown(s string) string {
	s = markdownSpecial.ReplaceAllString(s, `\$0`)
	if loc := markdownStart.FindStringIndex(s); loc != nil {
		s = s[:loc[1]-1] + `\` + s[loc[1]-1:]
	}
	return s
}

var slugChars = regexp.MustCompile(`[^a-z0-9]+`)

// PageFileName is the name a page fetched from pageURL is saved under in
// the corpus directory's ingested/: the site, the last part of the path,
// and a hash of the whole URL, so that the same URL always gives the same
// file and two URLs never share one.
func PageFileName(pageURL string) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not a web address", pageURL)
	}
	u.Fragment, u.User = "", nil
	u.Host = strings.ToLower(u.Host)
	sum := sha256.Sum256([]byte(u.String()))
	host := slugChars.ReplaceAllString(strings.TrimPrefix(u.Hostname(), "www."), "-")
	last := u.Path
	if i := strings.LastIndexByte(strings.TrimRight(last, "/"), '/'); i >= 0 {
		last = last[i+1:]
	}
	last = strings.TrimSuffix(strings.TrimSuffix(last, "/"), ".html")
	slug := strings.Trim(slugChars.ReplaceAllString(strings.ToLower(last), "-"), "-")
	name := strings.Trim(host, "-")
	if slug != "" {
		name = strings.TrimPrefix(name+"-"+slug, "-")
	}
	if name == "" {
		name = "page"
	}
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "-")
	}
	return name + "-" + hex.EncodeToString(sum[:4]) + ".md", nil
}
