package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"futurebot/gaps"
)

// gapsCommand lists what members asked that the sources lack.
type gapsCommand struct{}

func (*gapsCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, _, err := m.setup("gaps", true, args, nil)
	if err != nil {
		return err
	}
	log, err := c.gapsLog()
	if err != nil {
		return err
	}
	if log == nil {
		fmt.Fprintln(m.Stdout, "The gaps log is off (GAPS_LOG=off): nothing is recorded.")
		return nil
	}
	entries, err := log.Entries(time.Now())
	if err != nil {
		return err
	}
	groups := gaps.Groups(entries, 20)
	if len(groups) == 0 {
		fmt.Fprintln(m.Stdout, "No gaps recorded: every question asked lately was answered, and no answer got a 👎.")
		return nil
	}
	src, err := openSources(ctx, c, c.logger(m))
	if err != nil {
		return err
	}
	defer src.Close()
	var b strings.Builder
	for i, g := range groups {
		fmt.Fprintf(&b, "%d. %s — %d×, last %s", i+1, g.Question, g.Count, g.LastAsked.UTC().Format("2006-01-02"))
		if n := g.Kinds[gaps.ThumbsDown]; n > 0 {
			fmt.Fprintf(&b, " (%d 👎)", n)
		}
		b.WriteString("\n")
		// Whether the index answers it now, or what comes nearest.
		if a, err := src.Ask(ctx, g.Question); err == nil {
			switch {
			case a.Answered && len(a.Citations) > 0:
				fmt.Fprintf(&b, "   answered now, from %s\n", a.Citations[0].Title)
			case len(a.Suggestions) > 0:
				var near []string
				for _, s := range a.Suggestions {
					near = append(near, s.Title)
				}
				fmt.Fprintf(&b, "   nearest: %s\n", strings.Join(near, "; "))
			}
		}
	}
	fmt.Fprintf(&b, "%s recorded; near duplicates grouped.\n", plural(len(entries), "question"))
	return m.style().Text(m.Stdout, b.String())
}
