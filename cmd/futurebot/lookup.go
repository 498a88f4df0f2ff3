package main

import (
	"context"
	"errors"
	"fmt"
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
	return m.style().Card(m.Stdout, card)
}
