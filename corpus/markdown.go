package corpus

import (
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown parses CommonMark with GitHub's tables.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// loadMarkdown reads a Markdown article: its front matter, then the body
// through a CommonMark parser, reduced to text. The first level-1 heading
// (ATX or setext) is the title when the front matter gives none; other
// headings become heading paragraphs; each list item, table row and
// quoted paragraph is a paragraph; emphasis, links (inline or by
// reference) and code spans keep their text; HTML is left out.
func loadMarkdown(name string, data []byte) ([]Document, error) {
	doc, body, err := articleHead(name, data)
	if err != nil {
		return nil, err
	}
	source := []byte(strings.ReplaceAll(string(body), "\r\n", "\n"))
	root := markdown.Parser().Parse(text.NewReader(source))
	var paras []string
	add := func(p string) {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	err = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			t := strings.TrimSpace(inlineText(n, source))
			switch {
			case t == "":
			case n.Level == 1 && doc.Title == "":
				doc.Title = t
			default:
				add(HeadingPrefix + t)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			add(inlineText(n, source))
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			add(string(n.Lines().Value(source)))
			return ast.WalkSkipChildren, nil
		case *east.TableRow, *east.TableHeader:
			var cells []string
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t := strings.TrimSpace(inlineText(c, source)); t != "" {
					cells = append(cells, t)
				}
			}
			add(strings.Join(cells, " | "))
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.ThematicBreak:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	return finishArticle(doc, paras)
}

// inlineText is the text of n's inline content: emphasis without its
// markers, links and images by their text, code spans as written, line
// breaks as spaces, raw HTML left out.
func inlineText(n ast.Node, source []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				// A backslash escape ("2\*3") reads as the character,
				// except in code, which is as written.
				if _, code := c.Parent().(*ast.CodeSpan); code {
					b.Write(c.Segment.Value(source))
				} else {
					b.Write(util.UnescapePunctuations(c.Segment.Value(source)))
				}
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.Label(source))
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
