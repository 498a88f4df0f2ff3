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
	engine, err := openLibrary(ctx, c, log)
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

// jsonAnswer is the --json shape of an answer, one object per line.
type jsonAnswer struct {
	Question    string           `json:"question"`
	Answered    bool             `json:"answered"`
	Answer      string           `json:"answer"`
	Confidence  string           `json:"confidence"`
	Type        string           `json:"type"`
	Entities    []string         `json:"entities"`
	Citations   []jsonCitation   `json:"citations"`
	Suggestions []jsonSuggestion `json:"suggestions"`
	TookMS      float64          `json:"took_ms"`
}

type jsonCitation struct {
	N          int           `json:"n"`
	Title      string        `json:"title"`
	URL        string        `json:"url"`
	Source     string        `json:"source"`
	Published  string        `json:"published"`
	Snippet    string        `json:"snippet"`
	Highlights []corpus.Span `json:"highlights"`
	DocID      string        `json:"doc_id"`
}

type jsonSuggestion struct {
	Title   string `json:"title"`
	URL     string `json:"url"`
	Snippet string `json:"snippet,omitempty"`
}

func writeJSON(w io.Writer, a answers.Answer) error {
	j := jsonAnswer{
		Question: a.Question, Answered: a.Answered, Answer: a.Text, Confidence: string(a.Confidence),
		Type: string(a.Type), Entities: a.Entities, Citations: []jsonCitation{}, Suggestions: []jsonSuggestion{},
		TookMS: float64(a.Took.Microseconds()) / 1000,
	}
	if j.Entities == nil {
		j.Entities = []string{}
	}
	for _, c := range a.Citations {
		hl := c.Highlights
		if hl == nil {
			hl = []corpus.Span{}
		}
		j.Citations = append(j.Citations, jsonCitation{N: c.N, Title: c.Title, URL: c.URL, Source: c.Source,
			Published: c.Published, Snippet: c.Snippet, Highlights: hl, DocID: c.DocID})
	}
	for _, s := range a.Suggestions {
		j.Suggestions = append(j.Suggestions, jsonSuggestion{Title: s.Title, URL: s.URL, Snippet: s.Snippet})
	}
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// writeText prints an answer for a terminal: the quoted answer with matched
// terms in *stars*, then the numbered sources.
func writeText(w io.Writer, a answers.Answer) {
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
	fmt.Fprintf(w, "A: %s [1]\n", mark(a.Text, a.Highlights))
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
