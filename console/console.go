// Package console writes answers and entity cards for people, at a
// terminal or into a pipe, and reads questions typed at a terminal. At a
// terminal the matched words are bold (unless NO_COLOR is set) and lines
// wrap to its width; piped, the text is plain. Control characters and
// escape sequences that the sources may hold never reach the terminal.
package console

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"futurebot/answers"
	"futurebot/api"
	"futurebot/corpus"
)

// Style is how text is shown where it goes.
type Style struct {
	// Bold shows the matched words in bold.
	Bold bool
	// Width wraps lines to this many columns; 0 does not wrap.
	Width int
}

// StyleFor is the style for out: bold and wrapped at a terminal (no bold
// when noColor), plain into a pipe or file.
func StyleFor(out io.Writer, noColor bool) Style {
	f, ok := out.(*os.File)
	if !ok || !IsTerminal(f) {
		return Style{}
	}
	s := Style{Bold: !noColor}
	if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
		s.Width = int(ws.Col)
	}
	return s
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// write renders text built with markOn/markOff for where it goes.
func (s Style) write(out io.Writer, text string) error {
	on, off := "", ""
	if s.Bold {
		on, off = "\x1b[1m", "\x1b[0m"
	}
	_, err := io.WriteString(out, Wrap(strings.NewReplacer(markOn, on, markOff, off).Replace(Printable(text)), s.Width))
	return err
}

// Text writes plain text (an error, a note) in the style, without the
// control characters it may hold.
func (s Style) Text(out io.Writer, text string) error { return s.write(out, text) }

// Answer writes an answer: the quoted answer with its matched words, its
// confidence, then the numbered sources, one per line; a question the
// sources do not answer says so and lists the nearest sources.
func (s Style) Answer(out io.Writer, a api.Answer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Q: %s\n", a.Question)
	if !a.Answered {
		fmt.Fprintln(&b, "Not in my sources.")
		if len(a.Suggestions) > 0 {
			fmt.Fprintln(&b, "The nearest sources I have:")
			for _, sg := range a.Suggestions {
				fmt.Fprintf(&b, "  - %s  %s\n", sg.Title, sg.URL)
				if sg.Snippet != "" {
					fmt.Fprintf(&b, "    “%s”\n", strings.Join(strings.Fields(sg.Snippet), " "))
				}
			}
		}
		fmt.Fprintln(&b)
		return s.write(out, b.String())
	}
	fmt.Fprintf(&b, "A: %s [1]\n", mark(a.Answer, a.Highlights))
	fmt.Fprintf(&b, "   (confidence: %s)\n", a.Confidence)
	if a.SourceMonth != "" {
		fmt.Fprintf(&b, "   (from a source of %s; it may have changed since)\n", a.SourceMonth)
	}
	fmt.Fprintln(&b, "Sources:")
	for _, c := range a.Citations {
		fmt.Fprintf(&b, "  [%d] %s", c.N, c.Title)
		if c.Source != "" {
			fmt.Fprintf(&b, " | %s", c.Source)
		}
		if c.Published != "" {
			fmt.Fprintf(&b, " | %s", c.Published)
		} else {
			fmt.Fprint(&b, " | undated")
		}
		fmt.Fprintln(&b)
		if c.URL != "" {
			fmt.Fprintf(&b, "      %s\n", c.URL)
		}
		if c.N > 1 {
			fmt.Fprintf(&b, "      “%s”\n", strings.Join(strings.Fields(c.Snippet), " "))
		}
	}
	fmt.Fprintln(&b)
	return s.write(out, b.String())
}

// Explanation writes how an answer was chosen.
func (s Style) Explanation(out io.Writer, x *answers.Explanation) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Why this answer?\n  understood as: %s\n", x.Understood)
	if len(x.Entities) > 0 {
		fmt.Fprintf(&b, "  entities: %s\n", strings.Join(x.Entities, ", "))
	}
	fmt.Fprintf(&b, "  expects: %s\n", strings.Join(x.Types, " and "))
	fmt.Fprintf(&b, "  words and their weight: %s\n", x.TermList())
	if len(x.Alternatives) > 0 {
		fmt.Fprintf(&b, "  also searched: %s\n", strings.Join(x.Alternatives, "; "))
	}
	fmt.Fprintln(&b, "  passages weighed (score, coverage):")
	for _, c := range x.Considered {
		flag := " "
		switch {
		case c.Chosen:
			flag = "*"
		case !c.Holds:
			flag = "-"
		}
		fmt.Fprintf(&b, "   %s %.2f %.2f  %s: %s\n", flag, c.Score, c.Coverage, c.Title, c.Text)
	}
	fmt.Fprintf(&b, "  (* the answer, - does not hold what is asked)\n  why: %s\n\n", x.Why)
	return s.write(out, b.String())
}

// Card writes what the sources say about one sector, company or policy.
func (s Style) Card(out io.Writer, card api.Card) error {
	var b strings.Builder
	e := card.Entity
	fmt.Fprintf(&b, "%s (%s)\n", e.Name, e.Kind)
	if len(e.Aliases) > 0 {
		fmt.Fprintf(&b, "Also: %s\n", strings.Join(e.Aliases, ", "))
	}
	if e.Description != "" {
		fmt.Fprintf(&b, "%s\n", e.Description)
	}
	if len(card.Related) > 0 {
		var names []string
		for _, r := range card.Related {
			names = append(names, fmt.Sprintf("%s (%s)", r.Name, r.Kind))
		}
		fmt.Fprintf(&b, "Related: %s\n", strings.Join(names, ", "))
	}
	if len(card.Facts) > 0 {
		fmt.Fprintln(&b, "\nFrom the sources:")
	}
	for _, f := range card.Facts {
		fmt.Fprintf(&b, "  [%d] %s\n      %s | %s | %s\n      %s\n", f.N, mark(f.Snippet, f.Highlights), f.Title, f.Source, f.Published, f.URL)
	}
	return s.write(out, b.String())
}

// mark sets off each highlighted span of text.
func mark(text string, spans []corpus.Span) string {
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.Start < pos || s.End > len(text) {
			continue
		}
		b.WriteString(text[pos:s.Start])
		b.WriteString(markOn + text[s.Start:s.End] + markOff)
		pos = s.End
	}
	b.WriteString(text[pos:])
	return b.String()
}

// markOn and markOff stand for the start and end of a matched word until
// the text is styled for where it goes: private-use characters, which no
// source uses and Printable keeps.
const (
	markOn  = "\ue000"
	markOff = "\ue001"
)

// Printable removes control characters and so terminal escape sequences
// (ESC [2J clears the screen) from text headed for a terminal; line breaks
// and tabs stay.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, s)
}

// Wrap breaks the lines of text longer than width at spaces; a continued
// line keeps the indentation of its first line (under "A: ", the answer's).
// A width under 20 leaves the text as it is.
func Wrap(text string, width int) string {
	if width < 20 {
		return text
	}
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if VisibleWidth(line) <= width {
			b.WriteString(line)
			continue
		}
		body := strings.TrimLeft(line, " ")
		indent := strings.Repeat(" ", len(line)-len(body))
		if strings.HasPrefix(body, "A: ") || strings.HasPrefix(body, "Q: ") {
			indent += "   "
		}
		col := 0
		for j, word := range strings.Fields(line) {
			w := VisibleWidth(word)
			switch {
			case j == 0:
				b.WriteString(line[:len(line)-len(body)] + word)
				col = len(line) - len(body) + w
			case col+1+w > width:
				b.WriteString("\n" + indent + word)
				col = len(indent) + w
			default:
				b.WriteString(" " + word)
				col += 1 + w
			}
		}
	}
	return b.String()
}

var csi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// VisibleWidth is how many columns s takes: escape sequences take none,
// wide (CJK) characters two.
func VisibleWidth(s string) int {
	s = csi.ReplaceAllString(s, "")
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) ||
			unicode.Is(unicode.Katakana, r) || r >= 0xFF00 && r <= 0xFFEF {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Prompt reads lines typed at the terminal in, with line editing and
// history (arrow keys, Ctrl-A/E/K/U…), and calls handle with each and a
// writer onto the terminal, until Ctrl-D or Ctrl-C. It reports false when
// in and out are not both a terminal that can be put in raw mode; the
// caller then reads plain lines.
func Prompt(in, out any, prompt string, handle func(w io.Writer, line string) error) (bool, error) {
	inf, ok1 := in.(*os.File)
	outf, ok2 := out.(*os.File)
	if !ok1 || !ok2 || !IsTerminal(inf) || !IsTerminal(outf) {
		return false, nil
	}
	state, err := term.MakeRaw(int(inf.Fd()))
	if err != nil {
		return false, nil
	}
	defer term.Restore(int(inf.Fd()), state)
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{inf, outf}, prompt)
	for {
		line, err := t.ReadLine()
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return true, fmt.Errorf("read questions: %w", err)
		}
		if line = strings.TrimSpace(line); line != "" {
			if err := handle(t, line); err != nil { // the terminal turns "\n" into "\r\n"
				return true, err
			}
		}
	}
}
