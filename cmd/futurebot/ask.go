package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"futurebot/answers"
	"futurebot/api"
	"futurebot/corpus"
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
	answer := func(q string) error {
		a, err := engine.Ask(ctx, q)
		if err != nil && !errors.Is(err, answers.ErrEmptyQuestion) {
			return err
		}
		if *asJSON {
			return writeJSON(out, a)
		}
		writeText(out, a)
		return nil
	}
	if len(rest) > 0 {
		return answer(strings.Join(rest, " "))
	}
	// One question per line: every question is answered from the one index.
	sc := bufio.NewScanner(m.Stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := answer(q); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

func writeJSON(w io.Writer, a api.Answer) error {
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// writeText prints an answer for a terminal: the quoted answer with matched
// terms in *stars*, then the numbered sources.
func writeText(w io.Writer, a api.Answer) {
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
			fmt.Fprintf(w, "      %q\n", c.Snippet)
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
		b.WriteString("*" + text[s.Start:s.End] + "*")
		pos = s.End
	}
	b.WriteString(text[pos:])
	return b.String()
}
