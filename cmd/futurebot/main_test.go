package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"futurebot/gaps"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// run runs futurebot in-process with args and environment, in a temporary
// working directory, and returns stdout, stderr and the exit code.
func run(t *testing.T, dir string, env map[string]string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	return out.String(), errb.String(), code
}

func TestAskBuiltInCorpus(t *testing.T) {
	out, stderr, code := run(t, "", nil, "", "ask", "Who are the Six Little Dragons?")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"DeepSeek", "Game Science", "Unitree", "Deep Robotics", "BrainCo", "Manycore", "[1]", "https://"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat("data/CURRENT"); err != nil {
		t.Errorf("no index under ./data: %v", err)
	}
}

func TestAskJSONSingleAndBatch(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := run(t, dir, nil, "", "ask", "--json", "How many CAR-T therapies has China approved?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var one map[string]any
	if err := json.Unmarshal([]byte(out), &one); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for _, key := range []string{"question", "answered", "answer", "confidence", "citations", "took_ms"} {
		if _, ok := one[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, out)
		}
	}
	cites, _ := one["citations"].([]any)
	if len(cites) == 0 {
		t.Fatalf("no citations: %s", out)
	}
	c0, _ := cites[0].(map[string]any)
	for _, key := range []string{"title", "url", "source", "published", "snippet"} {
		if s, _ := c0[key].(string); s == "" {
			t.Errorf("citation field %q empty: %v", key, c0)
		}
	}

	questions := "Who are the Six Little Dragons?\n\nWho won the 2022 World Cup?\nWhat is BCI?\n"
	out, stderr, code = run(t, dir, nil, questions, "ask", "--json")
	if code != 0 {
		t.Fatalf("batch exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("batch: got %d lines, want 3 (blank lines skipped):\n%s", len(lines), out)
	}
	wantAnswered := []bool{true, false, true}
	for i, l := range lines {
		var a struct {
			Question string `json:"question"`
			Answered bool   `json:"answered"`
		}
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if a.Answered != wantAnswered[i] {
			t.Errorf("%q: answered %v, want %v", a.Question, a.Answered, wantAnswered[i])
		}
	}
	if strings.Contains(stderr, "index built") {
		t.Errorf("second run rebuilt the index instead of reusing it:\n%s", stderr)
	}
}

func writeCorpus(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCorpusFromEnvAndFlag(t *testing.T) {
	c := writeCorpus(t, map[string]string{"ports.md": "---\ntitle: Ports\nurl: https://example.com/ports\n---\nDrone corridors carried 1,200 parcels in their first month.\n"})
	out, stderr, code := run(t, "", map[string]string{"CORPUS_DIR": c}, "", "ask", "How many parcels did the drone corridors carry?")
	if code != 0 || !strings.Contains(out, "1,200") {
		t.Errorf("CORPUS_DIR: exit %d, out:\n%s\nstderr:\n%s", code, out, stderr)
	}
	out, _, code = run(t, "", nil, "", "ask", "--corpus", c, "How many parcels did the drone corridors carry?")
	if code != 0 || !strings.Contains(out, "1,200") {
		t.Errorf("--corpus: exit %d, out:\n%s", code, out)
	}
}

func TestDotEnvAndPrecedence(t *testing.T) {
	good := writeCorpus(t, map[string]string{"a.md": "# A\n\nSeaweed farms grew by a third.\n"})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("CORPUS_DIR="+good+"\nDATA_DIR=envdata\n"), 0o644)
	out, stderr, code := run(t, dir, nil, "", "ask", "How much did seaweed farms grow?")
	if code != 0 || !strings.Contains(out, "Seaweed") {
		t.Fatalf(".env: exit %d, out:\n%s\n%s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "envdata", "CURRENT")); err != nil {
		t.Errorf("DATA_DIR from .env not used: %v", err)
	}
	// The environment wins over .env, and flags over both.
	_, stderr, code = run(t, dir, map[string]string{"CORPUS_DIR": "/nonexistent/from-env"}, "", "ask", "x")
	if code != exitUsage || !strings.Contains(stderr, "/nonexistent/from-env") {
		t.Errorf("env over .env: exit %d, stderr %s", code, stderr)
	}
	_, _, code = run(t, dir, map[string]string{"CORPUS_DIR": "/nonexistent/from-env"}, "", "ask", "--corpus", good, "seaweed")
	if code != 0 {
		t.Errorf("flag over env: exit %d", code)
	}
}

func TestConfigProblemsAllNamed(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	_, stderr, code := run(t, "", map[string]string{"CORPUS_DIR": "/no/such/dir", "DATA_DIR": file, "LOG_LEVEL": "loud"}, "", "ask", "x")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"CORPUS_DIR", "DATA_DIR", "LOG_LEVEL"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %s:\n%s", want, stderr)
		}
	}
}

func TestCheck(t *testing.T) {
	out, _, code := run(t, "", nil, "", "check")
	if code != 0 || !strings.Contains(out, "0 problems") {
		t.Errorf("built-in corpus: exit %d\n%s", code, out)
	}
	c := writeCorpus(t, map[string]string{
		"ok.md":       "# Fine\n\nA paragraph.\n",
		"bad.md":      "---\ntitle: [\n---\nx\n",
		"faq/q.yaml":  "entries:\n  - question: Only a question?\n",
		"notes.json":  "{}",
		"sub/raw.txt": "Headline\n\nSome text.\n",
	})
	out, _, code = run(t, "", nil, "", "check", "--corpus", c)
	if code != exitFail {
		t.Errorf("broken corpus: exit %d, want %d", code, exitFail)
	}
	for _, want := range []string{"bad.md:2:", "faq/q.yaml:2: entry 1 needs both a question and an answer", "2 problems"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckDerivedEntities: check lists the entities it derived from the
// text and warns about front-matter names entities.yaml does not define.
func TestCheckDerivedEntities(t *testing.T) {
	c := writeCorpus(t, map[string]string{
		"entities.yaml": "entities:\n  - {name: Drones, kind: sector}\n",
		"a.md": "---\ntitle: Parcels\ncompanies: [SkyParcel]\nsectors: [Drones]\n---\n" +
			"The Civil Aviation Administration of China (CAAC) licensed SkyParcel (天空包裹) last year.\n",
	})
	out, _, code := run(t, "", nil, "", "check", "--corpus", c)
	if code != 0 {
		t.Errorf("exit %d, want 0 (warnings are not problems)\n%s", code, out)
	}
	for _, want := range []string{
		`warning: a.md names company "SkyParcel", which entities.yaml does not define`,
		`policy "Civil Aviation Administration of China" = CAAC`,
		`company "SkyParcel" = 天空包裹`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"Drones"`) {
		t.Errorf("check reports Drones, which entities.yaml defines:\n%s", out)
	}
}

func TestReindexAndBrokenCorpus(t *testing.T) {
	dir := t.TempDir()
	c := writeCorpus(t, map[string]string{"a.md": "# A\n\nSeaweed farms grew by a third.\n"})
	out, stderr, code := run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d")
	if code != 0 || !strings.Contains(out, "1 article") {
		t.Fatalf("reindex: exit %d\n%s\n%s", code, out, stderr)
	}
	os.WriteFile(filepath.Join(c, "a.md"), []byte("---\ntitle: [\n---\n"), 0o644)
	_, stderr, code = run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d")
	if code != exitFail || !strings.Contains(stderr, "a.md") || !strings.Contains(stderr, "previous index") {
		t.Errorf("all-broken reindex: exit %d, stderr:\n%s", code, stderr)
	}
	// The previous index still answers, and says the rebuild failed.
	out, stderr, code = run(t, dir, nil, "", "ask", "--corpus", c, "--data", "d", "How much did seaweed farms grow?")
	if code != 0 || !strings.Contains(out, "Seaweed") || !strings.Contains(stderr, "previous index") {
		t.Errorf("ask after failed rebuild: exit %d\n%s\n%s", code, out, stderr)
	}
}

// TestReindexHonoursMaxFailed: the command line refuses a rebuild in which
// too many files fail, as the bot does, and names a bad setting.
func TestReindexHonoursMaxFailed(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 10 {
		files[fmt.Sprintf("f%d.md", i)] = fmt.Sprintf("# F%d\n\nSeaweed farm %d grew by a third.\n", i, i)
	}
	c := writeCorpus(t, files)
	if out, stderr, code := run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d"); code != 0 {
		t.Fatalf("reindex: exit %d\n%s\n%s", code, out, stderr)
	}
	for i := range 6 {
		os.WriteFile(filepath.Join(c, fmt.Sprintf("f%d.md", i)), []byte("---\ntitle: [\n---\n"), 0o644)
	}
	_, stderr, code := run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d")
	if code != exitFail || !strings.Contains(stderr, "too many corpus files failed") || !strings.Contains(stderr, "previous index") {
		t.Errorf("6 of 10 files broken: exit %d, stderr:\n%s", code, stderr)
	}
	_, stderr, code = run(t, dir, map[string]string{"REINDEX_MAX_FAILED": "70%"}, "", "reindex", "--corpus", c, "--data", "d")
	if code != 0 {
		t.Errorf("6 of 10 broken with REINDEX_MAX_FAILED=70%%: exit %d, stderr:\n%s", code, stderr)
	}
	_, stderr, code = run(t, dir, map[string]string{"REINDEX_MAX_FAILED": "garbage"}, "", "reindex", "--corpus", c, "--data", "d")
	if code != exitUsage || !strings.Contains(stderr, "REINDEX_MAX_FAILED") {
		t.Errorf("REINDEX_MAX_FAILED=garbage: exit %d, stderr:\n%s", code, stderr)
	}
}

func TestLookupCommand(t *testing.T) {
	dir := t.TempDir()
	out, _, code := run(t, dir, nil, "", "lookup", "company", "unitre")
	if code != 0 || !strings.HasPrefix(out, "Unitree (company)") || !strings.Contains(out, "[1]") {
		t.Errorf("lookup: exit %d\n%s", code, out)
	}
	out, _, code = run(t, dir, nil, "", "lookup", "sector", "basket weaving")
	if code != exitFail || !strings.Contains(out, "No sector") || !strings.Contains(out, "Humanoid robots") {
		t.Errorf("unknown sector: exit %d\n%s", code, out)
	}
	_, _, code = run(t, dir, nil, "", "lookup", "planet", "Mars")
	if code != exitUsage {
		t.Errorf("bad kind: exit %d, want %d", code, exitUsage)
	}
}

// TestHelpAndVersion: every command says what it does with an example;
// version and --version print the version; a missing --env-file is an
// error; none of them writes anything.
func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	for name := range commands {
		_, stderr, code := run(t, dir, nil, "", name, "--help")
		if code != exitOK || !strings.Contains(stderr, "Example:") || !strings.Contains(stderr, help[name].does) {
			t.Errorf("%s --help: exit %d\n%s", name, code, stderr)
		}
	}
	if _, stderr, code := run(t, dir, nil, "", "help", "ask"); code != exitOK || !strings.Contains(stderr, help["ask"].does) {
		t.Errorf("help ask: exit %d\n%s", code, stderr)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if out, stderr, code := run(t, dir, nil, "", args...); code != exitOK || !strings.HasPrefix(out, "futurebot ") || stderr != "" {
			t.Errorf("%v: exit %d, %q %q", args, code, out, stderr)
		}
	}
	if _, stderr, code := run(t, dir, nil, "", "ask", "--env-file", filepath.Join(dir, "nope.env"), "hi"); code != exitUsage || !strings.Contains(stderr, "nope.env") {
		t.Errorf("missing --env-file: exit %d\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("help, version and a bad env file wrote %v", entries)
	}
}

func TestUsage(t *testing.T) {
	if _, _, code := run(t, "", nil, "", "frobnicate"); code != exitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
	if out, _, code := run(t, "", nil, "", "help"); code != 0 || !strings.Contains(out, "futurebot ask") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}

// TestImportDirections keeps the arrows pointing down: corpus imports no
// futurebot package, only index knows Bleve, only bot knows discordgo,
// answers knows neither, index knows neither answers nor bot, library
// (the running index) knows no Discord, and bot knows library only through
// the types of service.
func TestImportDirections(t *testing.T) {
	deps := func(pkg string) string {
		out, err := exec.Command("go", "list", "-deps", "futurebot/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		return string(out)
	}
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"corpus", []string{"futurebot/index", "futurebot/answers", "futurebot/bot", "blevesearch", "discordgo"}},
		{"answers", []string{"futurebot/index", "futurebot/bot", "blevesearch", "discordgo"}},
		{"index", []string{"futurebot/answers", "futurebot/bot", "discordgo"}},
		{"bot", []string{"futurebot/index", "futurebot/library", "futurebot/feeds", "futurebot/fetch", "blevesearch"}},
		// Fetching knows nothing of ours; feeds know pages, not the index or Discord.
		{"fetch", []string{"futurebot/corpus", "futurebot/index", "futurebot/answers", "futurebot/bot", "futurebot/library", "futurebot/feeds"}},
		{"feeds", []string{"futurebot/index", "futurebot/bot", "futurebot/library", "blevesearch", "discordgo"}},
		// The running service knows the index and answers, not Discord.
		{"library", []string{"futurebot/bot", "discordgo"}},
		// The benchmark and its plain-Bleve peer stay out of what serves.
		{"library", []string{"futurebot/bench"}},
		// What the service reports needs nothing of ours.
		{"service", []string{"futurebot/corpus", "futurebot/index", "futurebot/answers", "futurebot/bot", "futurebot/library", "blevesearch", "discordgo"}},
		// General word knowledge knows nothing of ours.
		{"lexicon", []string{"futurebot/corpus", "futurebot/index", "futurebot/answers", "futurebot/bot", "blevesearch", "discordgo"}},
	}
	for _, r := range rules {
		d := deps(r.pkg)
		for _, f := range r.forbidden {
			if strings.Contains(d, f) {
				t.Errorf("%s imports %s", r.pkg, f)
			}
		}
	}
}

// TestAskOutputIsSafeAndBatchGoesOn: escape sequences in the sources never
// reach the terminal, and in batch mode an over-long line is reported in
// its place while the other questions are answered (exit status 1).
func TestAskOutputIsSafeAndBatchGoesOn(t *testing.T) {
	dir := t.TempDir()
	c := writeCorpus(t, map[string]string{"a.md": "---\ntitle: \"Kelp \\e[2J farms\"\n---\n# Kelp\n\nKelp farms grew \x1b[2J by a third \x1b]0;pwned\x07 in 2024.\n"})
	out, stderr, code := run(t, dir, nil, "", "ask", "--corpus", c, "--data", "d", "How much did kelp farms grow?")
	// Piped, the matched words are plain: no stars, no bold.
	if code != 0 || !strings.Contains(out, "Kelp farms grew") || strings.ContainsAny(out, "\x1b\x07*") {
		t.Errorf("ask: exit %d, output %q\n%s", code, out, stderr)
	}
	lines := "How much did kelp farms grow?\n" + strings.Repeat("x", 2<<20) + "\nWhen did kelp farms grow?\n"
	out, stderr, code = run(t, dir, nil, lines, "ask", "--json", "--corpus", c, "--data", "d")
	var got []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		got = append(got, m)
	}
	if code != exitFail || len(got) != 3 || got[0]["answered"] != true || got[1]["error"] == nil || got[2]["answered"] != true {
		t.Errorf("batch with an over-long line: exit %d, %d objects: %v\n%s", code, len(got), got, stderr)
	}
}

// TestSettingsDocumented: the settings the code reads, the settings table
// in docs/commands.md and .env.example name the same settings.
func TestSettingsDocumented(t *testing.T) {
	names := func(re *regexp.Regexp, texts ...string) map[string]bool {
		out := map[string]bool{}
		for _, text := range texts {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				for _, n := range m[1:] {
					if n != "" {
						out[n] = true
					}
				}
			}
		}
		return out
	}
	read := func(name string) string {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	var code []string
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			code = append(code, read(f))
		}
	}
	inCode := names(regexp.MustCompile(`"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"`), code...)
	delete(inCode, "NO_COLOR") // a convention of terminals, not a futurebot setting
	table := read("../../docs/commands.md")
	table = table[strings.Index(table, "| setting |"):]
	inTable := names(regexp.MustCompile("(?m)^\\| `([A-Z_]+)`(?:, `([A-Z_]+)`)?"), table)
	inExample := names(regexp.MustCompile(`(?m)^([A-Z][A-Z0-9_]+)=`), read("../../.env.example"))
	for _, set := range []struct {
		name string
		m    map[string]bool
	}{{"docs/commands.md", inTable}, {".env.example", inExample}} {
		for n := range inCode {
			if !set.m[n] {
				t.Errorf("%s does not name %s, which the code reads", set.name, n)
			}
		}
		for n := range set.m {
			if !inCode[n] {
				t.Errorf("%s names %s, which the code does not read", set.name, n)
			}
		}
	}
}

// TestCheckWarnsAndSummarises: check reports a bad date at its line in
// plain words, warns about an unknown front-matter key and an entity name
// entities.yaml lacks, and ends with a one-line summary.
func TestCheckWarnsAndSummarises(t *testing.T) {
	c := writeCorpus(t, map[string]string{
		"entities.yaml": "entities:\n  - name: Unitree\n    kind: company\n",
		"a.md":          "---\ntitle: A\nauthor: Someone\ncompanies: [SkyParcel]\n---\nDrones flew.\n",
		"b.md":          "---\ntitle: B\n\npublished: last tuesday\n---\nText.\n",
	})
	out, _, code := run(t, "", nil, "", "check", "--corpus", c)
	for _, want := range []string{"b.md:4: published: cannot read the date \"last tuesday\"; write it as 2025-07-13",
		"warning: a.md:3: front matter key \"author\" is not used", `company "SkyParcel", which entities.yaml does not define`,
		"2 warnings, 1 problem"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if code != exitFail {
		t.Errorf("exit %d, want %d", code, exitFail)
	}
}

// TestStaleAfterSetting reads STALE_AFTER in the forms the docs name.
func TestStaleAfterSetting(t *testing.T) {
	day := 24 * time.Hour
	for raw, want := range map[string]time.Duration{"": 540 * day, "18mo": 540 * day, "540d": 540 * day, "2 weeks": 14 * day,
		"1.5y": time.Duration(1.5 * float64(365*day)), "off": -1, "4380h": 4380 * time.Hour} {
		m := &Main{Stderr: io.Discard, Getenv: func(k string) (string, bool) {
			if k == "STALE_AFTER" {
				return raw, true
			}
			return "", false
		}}
		c, _, err := m.setup("ask", false, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := c.staleAfter(); err != nil || got != want {
			t.Errorf("STALE_AFTER %q: %v, %v; want %v", raw, got, err, want)
		}
	}
	if _, stderr, code := run(t, "", map[string]string{"STALE_AFTER": "soon"}, "", "ask", "x"); code != exitUsage || !strings.Contains(stderr, "STALE_AFTER") {
		t.Errorf("STALE_AFTER=soon: exit %d\n%s", code, stderr)
	}
}

// TestAskExplain: --explain says how the answer was chosen, in text and as
// an "explain" object in JSON.
func TestAskExplain(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := run(t, dir, nil, "", "ask", "--explain", "When did MIIT start posting challenges?")
	if code != 0 || !strings.Contains(out, "Why this answer?") || !strings.Contains(out, "expects: date") {
		t.Errorf("ask --explain: exit %d\n%s\n%s", code, out, stderr)
	}
	out, _, _ = run(t, dir, nil, "", "ask", "--explain", "--json", "When did MIIT start posting challenges?")
	var a struct {
		Explain struct {
			Types      []string
			Considered []struct{ Chosen bool }
			Why        string
		}
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil || len(a.Explain.Types) == 0 || a.Explain.Why == "" || len(a.Explain.Considered) == 0 {
		t.Errorf("ask --explain --json: %v\n%s", err, out)
	}
}

// TestGapsCommand lists the recorded gaps with the nearest sources, and
// says so when the log is off.
func TestGapsCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "d")
	l := gaps.Open(data, 0)
	for range 2 {
		l.Record(gaps.Entry{Question: "Who founded Unitree?", Time: time.Now(), Kind: gaps.Declined})
	}
	out, stderr, code := run(t, dir, nil, "", "gaps", "--data", data)
	if code != 0 || !strings.Contains(out, "Who founded Unitree? — 2×") || !strings.Contains(out, "nearest:") {
		t.Errorf("gaps: exit %d\n%s\n%s", code, out, stderr)
	}
	if out, _, code := run(t, dir, map[string]string{"GAPS_LOG": "off"}, "", "gaps", "--data", data); code != 0 || !strings.Contains(out, "off") {
		t.Errorf("gaps with GAPS_LOG=off: exit %d\n%s", code, out)
	}
}
