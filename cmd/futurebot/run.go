package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed (or found problems)
	exitUsage = 2 // bad arguments or configuration
)

// env looks up an environment variable and says whether it is set (even
// to ""), as os.LookupEnv does; tests pass their own.
type env func(string) (string, bool)

// Main holds what every subcommand shares: its streams and environment.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         env
}

// command is one subcommand: it parses its own flags and runs.
type command interface {
	Run(ctx context.Context, m *Main, args []string) error
}

var commands = map[string]command{
	"ask":     &askCommand{},
	"check":   &checkCommand{},
	"reindex": &reindexCommand{},
	"lookup":  &lookupCommand{},
	"serve":   &serveCommand{},
	"health":  &healthCommand{},
	"bench":   &benchCommand{},
	"version": &versionCommand{},
	"gaps":    &gapsCommand{},
	"add":     &addCommand{},
	"poll":    &pollCommand{},
}

// help is what each command does, and one way to use it, for --help.
var help = map[string]struct{ does, usage, example string }{
	"serve": {"Runs the Discord bot: answers mentions, ask-channels and slash commands from the index of the corpus.",
		"futurebot serve [--corpus DIR] [--data DIR]", "DISCORD_TOKEN=... futurebot serve --corpus ./my-corpus"},
	"ask": {"Answers questions from the sources, with citations: the question given, or one per line from standard input.",
		"futurebot ask [--corpus DIR] [--data DIR] [--json] [QUESTION...]", `futurebot ask "Who are the Six Little Dragons?"`},
	"lookup": {"Shows what the sources say about one sector, company or policy.",
		"futurebot lookup sector|company|policy NAME", "futurebot lookup company unitree"},
	"check": {"Validates a corpus without writing anything: every problem with its file and line, and warnings.",
		"futurebot check [--corpus DIR]", "futurebot check --corpus ./my-corpus"},
	"reindex": {"Rebuilds the index of the corpus in the data directory (the running bot reindexes on /reindex or SIGHUP).",
		"futurebot reindex [--corpus DIR] [--data DIR]", "futurebot reindex --corpus ./my-corpus --data ./data"},
	"health": {"Checks a running bot's /healthz on HTTP_ADDR; exit status 0 when it is ready.",
		"futurebot health", "futurebot health && echo ready"},
	"bench": {"Measures indexing and answering against plain Bleve on passages made from real text.",
		"futurebot bench [--passages N] [--questions M] [--json]", "futurebot bench --passages 100000 --questions 1000"},
	"version": {"Prints futurebot's version and the revision it was built from.", "futurebot version", "futurebot version"},
	"add": {"Fetches web pages and saves each as a document in the corpus directory's ingested/ (title, site, date and address kept); a page added again is refreshed.",
		"futurebot add [--corpus DIR] URL...", "futurebot add --corpus ./my-corpus https://example.com/news/unitree-factory"},
	"poll": {"Polls every feed of the corpus directory's feeds.yaml once and saves the new items' pages (for cron, and for trying a feed).",
		"futurebot poll [--corpus DIR] [--data DIR]", "futurebot poll --corpus ./my-corpus --data ./data"},
	"gaps": {"Lists what members asked that the sources lack (declined questions and 👎), most asked first, with the nearest sources.",
		"futurebot gaps [--corpus DIR] [--data DIR]", "futurebot gaps --data ./data"},
}

// commandUsage prints a command's --help: what it does, how to call it, an
// example, and its flags.
func commandUsage(fs *flag.FlagSet, name string) {
	h := help[name]
	w := fs.Output()
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n\nExample:\n  %s\n", h.does, h.usage, h.example)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.PrintDefaults()
	}
}

const usage = `futurebot answers questions about China's future industries from its sources.

Usage:
  futurebot [serve]               run the Discord bot (needs DISCORD_TOKEN)
  futurebot ask [--corpus DIR] [--data DIR] [--json] [QUESTION...]
                                  answer a question (or one per line from stdin)
  futurebot lookup sector|company|policy NAME
                                  show what the sources say about one entity
  futurebot check [--corpus DIR]  validate a corpus and list every problem
  futurebot reindex [--corpus DIR] [--data DIR]
                                  rebuild the on-disk index
  futurebot health                check a running bot's /healthz (exit 0 when ready)
  futurebot bench [--passages N] [--questions M] [--json]
                                  measure indexing and answers against plain Bleve
  futurebot gaps [--data DIR]     what members asked that the sources lack
  futurebot add [--corpus DIR] URL...
                                  save web pages into the corpus
  futurebot poll [--corpus DIR] [--data DIR]
                                  poll the feeds of feeds.yaml once
  futurebot version               print the version
  futurebot COMMAND --help        what a command does, with an example

Settings come from flags, the environment, or a .env file: CORPUS_DIR (default:
the built-in corpus), DATA_DIR (default ./data), LOG_LEVEL (debug, info, warn,
error), and for the bot DISCORD_TOKEN and the others in .env.example. See README.md.
`

// errUsage marks errors in how the command was called.
var errUsage = errors.New("usage")

// Run runs futurebot with args and returns the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	m := &Main{Stdin: stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
		if len(args) > 1 && help[args[1]].does != "" {
			args = []string{args[1], "--help"}
		} else {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
	}
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = []string{"version"}
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"serve"}, args...) // the bot is the default
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "futurebot: unknown command %q\n\n%s", args[0], usage) // the list, once
		return exitUsage
	}
	err := cmd.Run(ctx, m, args[1:])
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage), errors.Is(err, errConfig):
		fmt.Fprintf(stderr, "futurebot %s: %v\n", args[0], err)
		return exitUsage
	case errors.Is(err, errReported):
		return exitFail
	default:
		fmt.Fprintf(stderr, "futurebot %s: %v\n", args[0], err)
		return exitFail
	}
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

// parseFlags parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}
