package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"futurebot/api"
	"futurebot/bot/discordtest"
	"futurebot/internal/testcorpus"
)

// TestKilledReindexKeepsLastGoodIndex kills a reindex with SIGKILL while it
// builds; the next start serves the last good index and removes the
// partial build.
func TestKilledReindexKeepsLastGoodIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	bin := buildBinary(t)
	work := t.TempDir()
	small, big, data := filepath.Join(work, "small"), filepath.Join(work, "big"), filepath.Join(work, "data")
	testcorpus.Harbour(t, small, 3, "alpha")
	testcorpus.Harbour(t, big, 6000, "omega")
	run := func(args ...string) (string, string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	if _, stderr, err := run("reindex", "--corpus", small, "--data", data); err != nil {
		t.Fatalf("first reindex: %v\n%s", err, stderr)
	}
	good, _ := os.ReadFile(filepath.Join(data, "CURRENT"))

	// Kill it while the new version's directory is being filled: after the
	// build has made a few changes on disk.
	disk := watchDisk(t, data)
	cmd := exec.Command(bin, "reindex", "--corpus", big, "--data", data)
	cmd.Dir = work
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	disk.after(t, 4, exited, logs, "index built")
	cmd.Process.Kill() // SIGKILL
	<-exited
	// CURRENT moves only to a complete build: if the kill came after the
	// build went live, the new index must answer.
	if now, _ := os.ReadFile(filepath.Join(data, "CURRENT")); string(now) != string(good) {
		out, stderr, err := run("ask", "--corpus", big, "--data", data, "What is the marker of this corpus?")
		if err != nil || !strings.Contains(out, "omega") || strings.Contains(stderr, "index built") {
			t.Fatalf("CURRENT moved to %q, which does not answer: %v\n%s\n%s", now, err, out, stderr)
		}
		t.Skip("the build went live before it could be killed; nothing more to check")
	}
	if dirs, _ := filepath.Glob(filepath.Join(data, "v-*")); len(dirs) < 2 {
		t.Skip("the build finished before it could be killed; nothing to check")
	}

	out, stderr, err := run("ask", "--corpus", small, "--data", data, "What is the marker of this corpus?")
	if err != nil || !strings.Contains(out, "alpha") {
		t.Fatalf("after the crash: %v\n%s\n%s", err, out, stderr)
	}
	if strings.Contains(stderr, "index built") {
		t.Errorf("the last good index was rebuilt instead of served:\n%s", stderr)
	}
	if dirs, _ := filepath.Glob(filepath.Join(data, "v-*")); len(dirs) != 1 {
		t.Errorf("partial build not removed at start: %v", dirs)
	}
}

func TestReindexRefusesIndexInUse(t *testing.T) {
	dir := t.TempDir()
	c := writeCorpus(t, map[string]string{"a.md": "# A\n\nSeaweed farms grew by a third.\n"})
	if _, stderr, code := run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d"); code != 0 {
		t.Fatalf("reindex: %s", stderr)
	}
	// Hold the index open, as a running bot does.
	openTestLibrary(t, c, filepath.Join(dir, "d"))
	start := time.Now()
	_, stderr, code := run(t, dir, nil, "", "reindex", "--corpus", c, "--data", "d")
	if code != exitFail || !strings.Contains(stderr, "in use by another futurebot") || !strings.Contains(stderr, "reindex from inside it") {
		t.Errorf("reindex while held: exit %d, stderr:\n%s", code, stderr)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %v: it waited on the lock", time.Since(start))
	}
}

// TestServeReindexTriggers runs the bot as a process with WATCH_CORPUS and
// checks that SIGHUP rebuilds the index, a file copied in updates it in
// place, and a new directory rebuilds it.
func TestServeReindexTriggers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	t.Parallel()
	bin := buildBinary(t)
	fake := discordtest.New(t)
	corpusDir := writeCorpus(t, map[string]string{"a.md": "# A\n\nSeaweed farms grew by a third.\n"})
	cmd := exec.Command(bin, "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "DISCORD_TOKEN=t", "DISCORD_API_URL="+fake.URL(), "DATA_DIR="+t.TempDir(),
		"HTTP_ADDR=", "CORPUS_DIR="+corpusDir, "WATCH_CORPUS=true", "LOG_LEVEL=info")
	logs := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("logs:\n%s", logs.String())
		}
	}()
	waitLog := func(what string, n int) bool { return logs.waitFor(what, n, 20*time.Second) }
	if !waitLog("watching the corpus", 1) {
		t.Fatal("the watcher did not start")
	}
	builds := strings.Count(logs.String(), "index built")
	cmd.Process.Signal(syscall.SIGHUP)
	if !waitLog("index built", builds+1) || !strings.Contains(logs.String(), "by=SIGHUP") {
		t.Fatal("SIGHUP did not rebuild the index")
	}
	// A file copied in is taken in place; a new directory rebuilds.
	os.WriteFile(filepath.Join(corpusDir, "b.md"), []byte("# B\n\nKelp forests store carbon.\n"), 0o644)
	if !waitLog("index updated in place", 1) || !strings.Contains(logs.String(), `by="corpus watcher"`) {
		t.Fatal("a new corpus file was not taken in place")
	}
	os.MkdirAll(filepath.Join(corpusDir, "more"), 0o755)
	os.WriteFile(filepath.Join(corpusDir, "more", "c.md"), []byte("# C\n\nMangroves shelter the coast.\n"), 0o644)
	if !waitLog("corpus changed; reindexing", 1) || !waitLog("index built", builds+2) {
		t.Fatal("a new directory did not rebuild the index")
	}
}

// TestAskWhileServing: while a running bot holds the index, `futurebot ask`
// and `lookup` answer through the bot's API on HTTP_ADDR; with the API off
// they say what to do.
func TestAskWhileServing(t *testing.T) {
	dir := t.TempDir()
	c := writeCorpus(t, map[string]string{"a.md": "---\ntitle: Seaweed\ncompanies: [Blue Tide]\n---\n# Seaweed\n\nBlue Tide says seaweed farms grew by a third in 2024.\n"})
	lib := openTestLibrary(t, c, filepath.Join(dir, "d"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: api.Handler(lib, 0, quietLog)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		<-served
	}()
	env := map[string]string{"HTTP_ADDR": ln.Addr().String()}
	out, stderr, code := run(t, dir, env, "", "ask", "--corpus", c, "--data", "d", "How much did seaweed farms grow?")
	if code != 0 || !strings.Contains(out, "by a third") || !strings.Contains(stderr, "asking it") {
		t.Errorf("ask while serving: exit %d\n%s\n%s", code, out, stderr)
	}
	out, _, code = run(t, dir, env, "", "ask", "--json", "--corpus", c, "--data", "d", "How much did seaweed farms grow?")
	var a map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &a) != nil || a["answered"] != true {
		t.Errorf("ask --json while serving: exit %d\n%s", code, out)
	}
	out, stderr, code = run(t, dir, env, "", "lookup", "--corpus", c, "--data", "d", "company", "blue tide")
	if code != 0 || !strings.Contains(out, "Blue Tide (company)") {
		t.Errorf("lookup while serving: exit %d\n%s\n%s", code, out, stderr)
	}
	_, stderr, code = run(t, dir, map[string]string{"HTTP_ADDR": ""}, "", "ask", "--corpus", c, "--data", "d", "How much did seaweed farms grow?")
	if code == 0 || !strings.Contains(stderr, "in use by another futurebot") || !strings.Contains(stderr, "HTTP_ADDR") {
		t.Errorf("ask while serving with the API off: exit %d\n%s", code, stderr)
	}
}
