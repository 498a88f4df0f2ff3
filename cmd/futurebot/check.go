package main

import (
	"context"
	"fmt"

	"futurebot/corpus"
)

// checkCommand validates a corpus without touching the index.
type checkCommand struct{}

func (*checkCommand) Run(ctx context.Context, m *Main, args []string) error {
	c, _, err := m.setup("check", false, args, nil)
	if err != nil {
		return err
	}
	cp, problems := corpus.Load(c.corpusFS())
	faqs, passages := 0, 0
	for i := range cp.Documents {
		if cp.Documents[i].Kind == corpus.KindFAQ {
			faqs++
		}
		passages += len(corpus.SplitPassages(&cp.Documents[i]))
	}
	for _, p := range problems {
		fmt.Fprintln(m.Stdout, p.Error())
	}
	for _, w := range cp.Warnings {
		fmt.Fprintf(m.Stdout, "warning: %s\n", w.Error())
	}
	warnings := len(cp.Warnings)
	// What was derived from the text, and front-matter names that
	// entities.yaml, when there is one, does not define.
	fromYAML := len(cp.Entities)
	for _, d := range cp.Derived {
		if d.New {
			fromYAML--
		}
	}
	for _, d := range cp.Derived {
		if d.New && d.How == corpus.DerivedFromFrontMatter && fromYAML > 0 {
			fmt.Fprintf(m.Stdout, "warning: %s names %s %q, which entities.yaml does not define; it becomes an entity of its own\n",
				d.From, d.Kind, d.Name)
			warnings++
		}
	}
	if len(cp.Derived) > 0 {
		fmt.Fprintf(m.Stdout, "derived from the text (entities.yaml overrides):\n")
		for _, d := range cp.Derived {
			fmt.Fprintf(m.Stdout, "  %s\n", d)
		}
	}
	fmt.Fprintf(m.Stdout, "%s: %s read, %s, %s, %s, %s, %s, %s\n", c.corpusName(), plural(cp.Files, "file"),
		plural(len(cp.Documents)-faqs, "article"), plural(faqs, "FAQ entry"), plural(passages, "passage"),
		plural(len(cp.Entities), "entity"), plural(warnings, "warning"), plural(len(problems), "problem"))
	if len(problems) > 0 {
		return errReported
	}
	return nil
}
