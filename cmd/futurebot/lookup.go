package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"futurebot/answers"
	"futurebot/corpus"
)

// lookupCommand prints the card of one sector, company or policy.
type lookupCommand struct{}

func (*lookupCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, rest, err := m.setup("lookup", true, args, nil)
	if err != nil {
		return err
	}
	if len(rest) < 2 {
		return fmt.Errorf("%w: futurebot lookup sector|company|policy NAME", errUsage)
	}
	kind, err := corpus.ParseEntityKind(rest[0])
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	engine, err := openSources(ctx, c, c.logger(m))
	if err != nil {
		return err
	}
	defer engine.Close()
	name := strings.Join(rest[1:], " ")
	card, err := engine.Lookup(ctx, kind, name)
	if errors.Is(err, answers.ErrUnknownEntity) {
		fmt.Fprintf(m.Stdout, "No %s called %q in my sources.\n", kind, name)
		if names := engine.Names(kind); len(names) > 0 {
			fmt.Fprintf(m.Stdout, "Known %s names: %s\n", kind, strings.Join(names, ", "))
		}
		return errReported
	}
	if err != nil {
		return err
	}
	// The card is written whole, without control characters or escape
	// sequences from the sources.
	var b strings.Builder
	w := &b
	defer func() { io.WriteString(m.Stdout, wrap(m.styler().Replace(printable(b.String())), termWidth(m.Stdout))) }()
	e := card.Entity
	fmt.Fprintf(w, "%s (%s)\n", e.Name, e.Kind)
	if len(e.Aliases) > 0 {
		fmt.Fprintf(w, "Also: %s\n", strings.Join(e.Aliases, ", "))
	}
	if e.Description != "" {
		fmt.Fprintf(w, "%s\n", e.Description)
	}
	if len(card.Related) > 0 {
		var names []string
		for _, r := range card.Related {
			names = append(names, fmt.Sprintf("%s (%s)", r.Name, r.Kind))
		}
		fmt.Fprintf(w, "Related: %s\n", strings.Join(names, ", "))
	}
	if len(card.Facts) > 0 {
		fmt.Fprintln(w, "\nFrom the sources:")
	}
	for _, f := range card.Facts {
		fmt.Fprintf(w, "  [%d] %s\n      %s | %s | %s\n      %s\n", f.N, mark(f.Snippet, f.Highlights), f.Title, f.Source, f.Published, f.URL)
	}
	return nil
}
