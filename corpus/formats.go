package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/readeck/go-readability/v2"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// frontMatter is the YAML header of .md and .txt articles.
type frontMatter struct {
	Title     string   `yaml:"title"`
	URL       string   `yaml:"url"`
	Source    string   `yaml:"source"`
	Published string   `yaml:"published"`
	Sectors   []string `yaml:"sectors"`
	Companies []string `yaml:"companies"`
	Policies  []string `yaml:"policies"`
	Tags      []string `yaml:"tags"`
	// lines are the file lines of the keys, for messages.
	lines map[string]int
}

func (fm *frontMatter) apply(d *Document) error {
	d.Title = strings.TrimSpace(fm.Title)
	d.URL = strings.TrimSpace(fm.URL)
	d.Source = strings.TrimSpace(fm.Source)
	d.Sectors, d.Companies, d.Policies, d.Tags = fm.Sectors, fm.Companies, fm.Policies, fm.Tags
	if d.URL != "" {
		if err := checkURL(d.URL); err != nil {
			return err
		}
	}
	if fm.Published != "" {
		p, err := ParseDate(fm.Published)
		if err != nil {
			return err
		}
		d.Published = p
	}
	return nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("url: %q is not an http(s) link", s)
	}
	return nil
}

var dateLayouts = []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "2 January 2006", "January 2, 2006",
	"2 Jan 2006", "Jan 2, 2006", "Monday, January 2, 2006", "2006/01/02", "2006-01"}

// ParseDate reads a publication date in one of the common layouts and
// returns it as 2006-01-02 (or 2006-01 when only the month is known).
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == "2006-01" {
				return t.Format("2006-01"), nil
			}
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("published: cannot read the date %q; write it as 2025-07-13, 13 July 2025 or July 13, 2025", s)
}

// splitFrontMatter separates a leading "---" YAML block from the rest. It
// returns the YAML, the body, and the line number where the body starts.
func splitFrontMatter(data []byte) (fm []byte, body []byte, bodyLine int, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.HasPrefix(data, []byte("---\r\n")) {
		return nil, data, 1, nil
	}
	rest := data[bytes.IndexByte(data, '\n')+1:]
	for off, line := 0, 2; off <= len(rest); line++ {
		nl := bytes.IndexByte(rest[off:], '\n')
		end := len(rest)
		if nl >= 0 {
			end = off + nl
		}
		if t := bytes.TrimRight(rest[off:end], "\r \t"); string(t) == "---" || string(t) == "..." {
			next := end + 1
			if next > len(rest) {
				next = len(rest)
			}
			return rest[:off], rest[next:], line + 1, nil
		}
		if nl < 0 {
			break
		}
		off = end + 1
	}
	return nil, nil, 0, &lineError{1, errors.New("front matter opened with --- is never closed")}
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlError wraps a YAML error with the file line it points at; offset is
// the file line of the YAML's first line minus one.
func yamlError(err error, offset int) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.Replace(msg, m[0]+":", "", 1))
		return &lineError{n + offset, errors.New(msg)}
	}
	return errors.New(msg)
}

// parseFrontMatter reads a file's front matter; it returns warnings for the
// keys it does not know, each with its line.
func parseFrontMatter(data []byte) (*frontMatter, []byte, []string, error) {
	raw, body, _, err := splitFrontMatter(data)
	if err != nil {
		return nil, nil, nil, err
	}
	fm := &frontMatter{}
	if raw == nil {
		return fm, body, nil, nil
	}
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		return nil, nil, nil, yamlError(err, 1)
	}
	if err := node.Decode(fm); err != nil {
		return nil, nil, nil, yamlError(err, 1)
	}
	fm.lines = map[string]int{}
	var warnings []string
	if len(node.Content) == 1 && node.Content[0].Kind == yaml.MappingNode {
		m := node.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			key := m.Content[i]
			fm.lines[key.Value] = key.Line + 1 // the opening --- is line 1
			if !frontMatterKeys[key.Value] {
				warnings = append(warnings, fmt.Sprintf("line %d: front matter key %q is not used (known: title, url, source, published, sectors, companies, policies, tags, fetched, feed)",
					key.Line+1, key.Value))
			}
		}
	}
	return fm, body, warnings, nil
}

// frontMatterKeys are the front matter keys futurebot reads.
var frontMatterKeys = map[string]bool{"title": true, "url": true, "source": true, "published": true, "sectors": true,
	"companies": true, "policies": true, "tags": true, "fetched": true, "feed": true}

// binary reports whether data looks like anything but text in some
// encoding: a NUL byte, or many control characters, in its first 8 KiB.
func binary(data []byte) bool {
	head := data[:min(len(data), 8<<10)]
	controls := 0
	for _, c := range head {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f', c == 0x7f:
			controls++
		}
	}
	return controls*20 > len(head) // over 5 %
}

func checkText(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8 text")
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return errors.New("binary data (NUL byte) in a text file")
	}
	return nil
}

// articleHead checks a text article and reads its front matter; it returns
// the document so far and the body after the front matter.
func articleHead(name string, data []byte) (Document, []byte, error) {
	doc := Document{ID: name, Kind: KindArticle}
	if err := checkText(data); err != nil {
		return doc, nil, err
	}
	fm, body, warnings, err := parseFrontMatter(data)
	if err != nil {
		return doc, nil, err
	}
	doc.Warnings = warnings
	if err := fm.apply(&doc); err != nil {
		// Point at the line of the key that failed, when it is known.
		if key, _, ok := strings.Cut(err.Error(), ":"); ok && fm.lines[key] > 0 {
			return doc, nil, &lineError{fm.lines[key], err}
		}
		return doc, nil, err
	}
	return doc, body, nil
}

// finishArticle removes clutter, takes a title from the first heading-like
// paragraph when there is none, and joins the body.
func finishArticle(doc Document, paras []string) ([]Document, error) {
	// Line breaks inside a paragraph are soft: the text reads as one line.
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	paras = RemoveClutter(paras, DefaultClutterRules)
	if doc.Title == "" {
		for i, p := range paras {
			if strings.HasPrefix(p, HeadingPrefix) {
				doc.Title = strings.TrimPrefix(p, HeadingPrefix)
				paras = append(paras[:i:i], paras[i+1:]...)
				break
			}
		}
	}
	if doc.Title == "" {
		doc.Title = titleFromID(doc.ID)
	}
	doc.Body = strings.Join(paras, "\n\n")
	if strings.TrimSpace(doc.Body) == "" {
		return nil, errors.New("no text left after removing front matter and clutter")
	}
	return []Document{doc}, nil
}

func titleFromID(id string) string {
	base := id[strings.LastIndexByte(id, '/')+1:]
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return strings.ReplaceAll(strings.ReplaceAll(base, "-", " "), "_", " ")
}

var dateLine = regexp.MustCompile(`(?i)^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?` +
	`((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(st|nd|rd|th)?|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)(,?\s+\d{4})?$|` +
	`^\d{4}-\d{2}-\d{2}$`)

// loadText reads an article as scraped: paragraphs separated by blank lines
// (or one a line when the file has no blank line), a leading date line taken
// as a date hint, the first heading-like line as the title, and later short
// unpunctuated lines as headings.
func loadText(name string, data []byte) ([]Document, error) {
	doc, body, err := articleHead(name, data)
	if err != nil {
		return nil, err
	}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	var paras []string
	sep := "\n\n"
	if !strings.Contains(strings.TrimSpace(text), "\n\n") {
		sep = "\n"
	}
	for _, p := range strings.Split(text, sep) {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	paras = RemoveClutter(paras, DefaultClutterRules)
	if len(paras) > 0 && dateLine.MatchString(paras[0]) {
		if p, err := ParseDate(paras[0]); err == nil && doc.Published == "" {
			doc.Published = p
		} else {
			doc.DateHint = paras[0]
		}
		paras = paras[1:]
	}
	if doc.Title == "" && len(paras) > 1 && isTitleLike(paras[0]) {
		doc.Title = paras[0]
		paras = paras[1:]
	}
	for i, p := range paras {
		if i+1 < len(paras) && isHeadingLike(p) {
			paras[i] = HeadingPrefix + p
		}
	}
	return finishArticle(doc, paras)
}

func isTitleLike(p string) bool {
	return !strings.Contains(p, "\n") && CountWords(p) <= 20 && !strings.HasSuffix(p, ".")
}

func isHeadingLike(p string) bool {
	if strings.Contains(p, "\n") || CountWords(p) > 12 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(p)
	switch last {
	case '.', ',', ';', '。', '"', '”':
		return false
	}
	return true
}

// loadHTML extracts the readable part of a saved web page with go-readability:
// scripts, navigation and ads go; headings, paragraphs and list items stay.
func loadHTML(name string, data []byte) ([]Document, error) {
	p, err := readHTML("", data)
	if err != nil {
		return nil, err
	}
	doc := Document{ID: name, Kind: KindArticle, Title: p.Title, URL: p.URL, Source: p.Source, Published: p.Published}
	return finishArticle(doc, p.Paragraphs)
}

// readHTML extracts a page's article; from, when given, is where it was
// fetched, used when the page names no canonical URL.
func readHTML(from string, data []byte) (Page, error) {
	if binary(data) {
		return Page{}, errors.New("binary data, not a web page")
	}
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return Page{}, fmt.Errorf("parse html: %w", err)
	}
	p := Page{URL: from}
	if canonical := canonicalURL(root); canonical != "" && sameSite(from, canonical) {
		p.URL = canonical
	}
	var base *url.URL
	if p.URL != "" {
		base, _ = url.Parse(p.URL)
	}
	art, err := readability.FromDocument(root, base)
	if err != nil {
		return Page{}, fmt.Errorf("extract article: %w", err)
	}
	if art.Node == nil {
		return Page{}, errors.New("no readable article text in the page")
	}
	p.Title = strings.TrimSpace(art.Title())
	p.Source = strings.TrimSpace(art.SiteName())
	if t, err := art.PublishedTime(); err == nil {
		p.Published = t.Format("2006-01-02")
	}
	collectBlocks(art.Node, &p.Paragraphs)
	if len(p.Paragraphs) > 0 && strings.TrimPrefix(p.Paragraphs[0], HeadingPrefix) == p.Title {
		p.Paragraphs = p.Paragraphs[1:]
	}
	return p, nil
}

// sameSite reports whether a page fetched from from may name canonical as
// its address: on the same host, give or take "www.". A page cannot claim
// another site's address (and so overwrite that site's saved copy). A
// saved page (from "") names its own.
func sameSite(from, canonical string) bool {
	if from == "" {
		return true
	}
	f, err1 := url.Parse(from)
	c, err2 := url.Parse(canonical)
	if err1 != nil || err2 != nil {
		return false
	}
	host := func(u *url.URL) string { return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.") }
	return host(f) == host(c)
}

// canonicalURL finds the canonical link or og:url of a page, written as
// Go writes URLs (spaces and brackets escaped).
func canonicalURL(n *html.Node) string {
	var found string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if n.DataAtom == atom.Link && attrs["rel"] == "canonical" || n.DataAtom == atom.Meta && attrs["property"] == "og:url" {
				href := attrs["href"] + attrs["content"]
				if u, err := url.Parse(strings.TrimSpace(href)); err == nil && checkURL(u.String()) == nil {
					u.User = nil
					found = u.String()
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return found
}

// collectBlocks turns the article tree into paragraphs, one per block element.
func collectBlocks(n *html.Node, out *[]string) {
	var inline strings.Builder
	flush := func() {
		if t := strings.Join(strings.Fields(inline.String()), " "); t != "" {
			*out = append(*out, t)
		}
		inline.Reset()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			inline.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Nav, atom.Aside, atom.Footer, atom.Form, atom.Button, atom.Noscript:
				return
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				flush()
				if t := strings.Join(strings.Fields(textOf(n)), " "); t != "" {
					*out = append(*out, HeadingPrefix+t)
				}
				return
			case atom.Br:
				inline.WriteString(" ")
				return
			case atom.P, atom.Li, atom.Blockquote, atom.Pre, atom.Div, atom.Section, atom.Article, atom.Td, atom.Figcaption, atom.Dd, atom.Dt, atom.Tr, atom.Ul, atom.Ol, atom.Table:
				flush()
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
				flush()
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	flush()
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
