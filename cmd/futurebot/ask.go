package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"futurebot/answers"
	"futurebot/api"
	"futurebot/corpus"

	"golang.org/x/term"
)

// askCommand answers questions from the command line or standard input.
type askCommand struct{}

func (*askCommand) Run(ctx context.Context, m *Main, args []string) error {
	var asJSON *bool
	c, rest, err := m.setup("ask", true, args, func(fs *flag.FlagSet) { asJSON = fs.Bool("json", false, "print one JSON object per question") })
	if err != nil {
		return err
	}
	log := c.logger(m)
	engine, err := openSources(ctx, c, log)
	if err != nil {
		return err
	}
	defer engine.Close()

	out := bufio.NewWriter(m.Stdout)
	defer out.Flush()
	style, width := m.styler(), termWidth(m.Stdout)
	// answer answers one question; a question that cannot be answered is
	// reported in its place, and the others are still answered.
	failed := 0
	answerTo := func(out io.Writer, q string) error {
		a, err := engine.Ask(ctx, q)
		if err != nil && !errors.Is(err, answers.ErrEmptyQuestion) {
			failed++
			log.Error("question failed", "question", printable(clipLine(q)), "err", err)
			if *asJSON {
				return writeJSONError(out, q, err)
			}
			fmt.Fprintf(out, "Q: %s\nError: %s\n\n", printable(q), printable(err.Error()))
			return nil
		}
		if *asJSON {
			return writeJSON(out, a)
		}
		writeText(out, a, style, width)
		return nil
	}
	answer := func(q string) error { return answerTo(out, q) }
	if len(rest) > 0 {
		if err := answer(strings.Join(rest, " ")); err != nil {
			return err
		}
		return failedErr(failed)
	}
	// One question per line: every question is answered from the one index.
	// A line over maxLineBytes is reported and skipped, not the end.
	in := bufio.NewReaderSize(m.Stdin, 64*1024)
	// At a terminal a person types: say so, and prompt for each question,
	// with line editing and history when both ends are the terminal.
	interactive := isTerminal(m.Stdin)
	if interactive {
		fmt.Fprintln(m.Stderr, "Ask a question about China's future industries; Ctrl-D ends.")
		if edited, err := lineEditor(m, answerTo); edited {
			if err != nil {
				return err
			}
			return failedErr(failed)
		}
	}
	for {
		if interactive {
			out.Flush()
			fmt.Fprint(m.Stderr, "> ")
		}
		line, tooLong, err := readLine(in, maxLineBytes)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read questions: %w", err)
		}
		if tooLong {
			failed++
			e := fmt.Errorf("the question is over %d bytes", maxLineBytes)
			if *asJSON {
				if werr := writeJSONError(out, clipLine(line), e); werr != nil {
					return werr
				}
			} else {
				fmt.Fprintf(out, "Q: %s\nError: %s\n\n", printable(clipLine(line)), e)
			}
		} else if q := strings.TrimSpace(line); q != "" {
			if werr := answer(q); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return failedErr(failed)
}

// lineEditor reads questions with line editing and history (arrow keys,
// Ctrl-A/E/K/U…) and answers each on the terminal; it reports false when
// the terminal cannot be put in raw mode, and the caller reads plain lines.
func lineEditor(m *Main, answerTo func(io.Writer, string) error) (bool, error) {
	in, ok1 := m.Stdin.(*os.File)
	out, ok2 := m.Stdout.(*os.File)
	if !ok1 || !ok2 || !isTerminal(out) {
		return false, nil
	}
	state, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return false, nil
	}
	defer term.Restore(int(in.Fd()), state)
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{in, out}, "> ")
	for {
		line, err := t.ReadLine()
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			return true, fmt.Errorf("read questions: %w", err)
		}
		if q := strings.TrimSpace(line); q != "" {
			if err := answerTo(t, q); err != nil { // the terminal turns "\n" into "\r\n"
				return true, err
			}
		}
	}
}

// maxLineBytes bounds one question read from standard input.
const maxLineBytes = 1 << 20

// readLine reads one line of at most max bytes; a longer one is read to its
// end and reported as too long, with its first bytes.
func readLine(r *bufio.Reader, max int) (string, bool, error) {
	var b strings.Builder
	tooLong := false
	for {
		chunk, err := r.ReadSlice('\n')
		if b.Len()+len(chunk) > max {
			tooLong = true
		}
		if !tooLong {
			b.Write(chunk)
		} else if b.Len() < 80 {
			b.Write(chunk[:min(len(chunk), 80-b.Len())])
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return strings.TrimRight(b.String(), "\r\n"), tooLong, err
	}
}

// clipLine is the start of a long line, for messages.
func clipLine(s string) string {
	if len(s) <= 80 {
		return s
	}
	return strings.ToValidUTF8(s[:80], "") + "…"
}

// failedErr says how many questions could not be answered (exit status 1).
func failedErr(n int) error {
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%s could not be answered; see above", plural(n, "question"))
}

func writeJSONError(w io.Writer, q string, err error) error {
	data, jerr := json.Marshal(struct {
		Question string `json:"question"`
		Error    string `json:"error"`
	}{q, err.Error()})
	if jerr != nil {
		return jerr
	}
	_, werr := fmt.Fprintf(w, "%s\n", data)
	return werr
}

// printable removes control characters and so terminal escape sequences
// (ESC [2J clears the screen) from text headed for a terminal; line breaks
// and tabs stay.
func printable(s string) string {
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

func writeJSON(w io.Writer, a api.Answer) error {
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// writeText prints an answer for people: the quoted answer with the matched
// words styled by style, then the numbered sources, one per line, wrapped
// to width (0: not wrapped); control characters and escape sequences in
// the sources' text are left out.
func writeText(out io.Writer, a api.Answer, style *strings.Replacer, width int) {
	var b strings.Builder
	w := &b
	defer func() { io.WriteString(out, wrap(style.Replace(printable(b.String())), width)) }()
	fmt.Fprintf(w, "Q: %s\n", a.Question)
	if !a.Answered {
		fmt.Fprintln(w, "Not in my sources.")
		if len(a.Suggestions) > 0 {
			fmt.Fprintln(w, "The nearest sources I have:")
			for _, s := range a.Suggestions {
				fmt.Fprintf(w, "  - %s  %s\n", s.Title, s.URL)
				if s.Snippet != "" {
					fmt.Fprintf(w, "    “%s”\n", strings.Join(strings.Fields(s.Snippet), " "))
				}
			}
		}
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "A: %s [1]\n", mark(a.Answer, a.Highlights))
	fmt.Fprintf(w, "   (confidence: %s)\n", a.Confidence)
	fmt.Fprintln(w, "Sources:")
	for _, c := range a.Citations {
		fmt.Fprintf(w, "  [%d] %s", c.N, c.Title)
		if c.Source != "" {
			fmt.Fprintf(w, " | %s", c.Source)
		}
		if c.Published != "" {
			fmt.Fprintf(w, " | %s", c.Published)
		}
		fmt.Fprintln(w)
		if c.URL != "" {
			fmt.Fprintf(w, "      %s\n", c.URL)
		}
		if c.N > 1 {
			fmt.Fprintf(w, "      “%s”\n", strings.Join(strings.Fields(c.Snippet), " "))
		}
	}
	fmt.Fprintln(w)
}

// mark wraps each highlighted span of text in stars.
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
// source uses and printable keeps.
const (
	markOn  = "\ue000"
	markOff = "\ue001"
)

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	st, err := file.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// styler puts the matched words in bold on a terminal (unless NO_COLOR is
// set) and leaves them plain elsewhere.
func (m *Main) styler() *strings.Replacer {
	if isTerminal(m.Stdout) {
		if v, set := m.Getenv("NO_COLOR"); !set || v == "" {
			return strings.NewReplacer(markOn, "\x1b[1m", markOff, "\x1b[0m")
		}
	}
	return strings.NewReplacer(markOn, "", markOff, "")
}
