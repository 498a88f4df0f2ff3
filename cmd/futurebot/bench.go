package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"futurebot/bench"
)

// benchCommand measures futurebot against plain Bleve on a corpus made from
// real English text, in one process and on the same passages.
type benchCommand struct{}

func (*benchCommand) Run(ctx context.Context, m *Main, args []string) error {
	var o bench.Options
	var asJSON *bool
	_, _, err := m.setup("bench", false, args, func(fs *flag.FlagSet) {
		fs.IntVar(&o.Passages, "passages", 10000, "passages to build from real text")
		fs.IntVar(&o.Questions, "questions", 500, "questions to ask of each system")
		asJSON = fs.Bool("json", false, "print one JSON object")
		fs.StringVar(&o.Dir, "dir", "", "working directory for the indexes (default: a temporary one, removed after)")
		fs.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of futurebot answering to this file")
	})
	if err != nil {
		return err
	}
	if o.Passages < 100 || o.Questions < 10 {
		return fmt.Errorf("%w: --passages at least 100, --questions at least 10", errUsage)
	}
	if !*asJSON {
		o.Progress = func(s string) { fmt.Fprintln(m.Stderr, s) }
	}
	r, err := bench.Run(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s\n", data)
		return nil
	}
	r.WriteTable(m.Stdout)
	return nil
}
