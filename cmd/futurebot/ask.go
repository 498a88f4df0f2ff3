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
	"futurebot/console"
)

// askCommand answers questions from the command line or standard input.
type askCommand struct{}

func (*askCommand) Run(ctx context.Context, m *Main, args []string) error {
	var asJSON, explain *bool
	c, rest, err := m.setup("ask", true, args, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print one JSON object per question")
		explain = fs.Bool("explain", false, "say how each answer was chosen (in --json, an \"explain\" object)")
	})
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
	style := m.style()
	// answer answers one question; a question that cannot be answered is
	// reported in its place, and the others are still answered.
	failed := 0
	askOne := engine.Ask
	if *explain {
		askOne = engine.AskExplained
	}
	answerTo := func(out io.Writer, q string) error {
		a, err := askOne(ctx, q)
		if err != nil && !errors.Is(err, answers.ErrEmptyQuestion) {
			failed++
			log.Error("question failed", "question", console.Printable(clipLine(q)), "err", err)
			if *asJSON {
				return writeJSONError(out, q, err)
			}
			return style.Text(out, fmt.Sprintf("Q: %s\nError: %s\n\n", q, err))
		}
		if *asJSON {
			return writeJSON(out, a)
		}
		if err := style.Answer(out, a); err != nil || a.Explain == nil {
			return err
		}
		return style.Explanation(out, a.Explain)
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
	interactive := console.IsTerminal(m.Stdin)
	if interactive {
		fmt.Fprintln(m.Stderr, "Ask a question about China's future industries; Ctrl-D ends.")
		if edited, err := console.Prompt(m.Stdin, m.Stdout, "> ", answerTo); edited {
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
				if werr := style.Text(out, fmt.Sprintf("Q: %s\nError: %s\n\n", clipLine(line), e)); werr != nil {
					return werr
				}
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

func writeJSON(w io.Writer, a api.Answer) error {
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// style is how answers are shown on standard output (see console.StyleFor).
func (m *Main) style() console.Style {
	v, set := m.Getenv("NO_COLOR")
	return console.StyleFor(m.Stdout, set && v != "")
}
