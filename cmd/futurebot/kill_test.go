package main

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"futurebot/answers"
	"futurebot/bot/discordtest"
	"futurebot/corpus"
	"futurebot/index"
	"futurebot/internal/testcorpus"

	"github.com/fsnotify/fsnotify"
)

// TestKillLoop kills futurebot 50 times at random moments of a rebuild —
// `reindex`, and the bot's own start-up rebuild and ingest — with SIGKILL
// and SIGTERM in turn. After every kill the index on disk is a good one
// that answers, nothing panicked, and the next start leaves no partial
// build behind.
func TestKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary 100 times")
	}
	bin := buildBinary(t)
	fake := discordtest.New(t)
	work := t.TempDir()
	corpusDir, data := filepath.Join(work, "corpus"), filepath.Join(work, "data")
	testcorpus.Harbour(t, corpusDir, 5000, "m0")
	start := func(args []string, env ...string) (*exec.Cmd, *lockedBuffer) {
		return startBinary(t, bin, work, args, append([]string{"DATA_DIR=" + data, "CORPUS_DIR=" + corpusDir}, env...)...)
	}
	if cmd, out := start([]string{"reindex"}); cmd.Wait() != nil {
		t.Fatalf("first reindex:\n%s", out.String())
	}
	disk := watchDisk(t, data)
	used := map[string]bool{"m0": true} // the markers the corpus has had
	rng := rand.New(rand.NewPCG(7, 11))
	finished := 0 // rounds whose rebuild went live before the signal
	for i := 1; i <= 50; i++ {
		// Change the corpus so that a rebuild is needed: a new marker, and
		// in every other round an ingested file (as /ingest writes it).
		marker := "m" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
		testcorpus.Marker(t, corpusDir, marker)
		used[marker] = true
		if i%2 == 0 {
			os.MkdirAll(filepath.Join(corpusDir, "ingested"), 0o755)
			os.WriteFile(filepath.Join(corpusDir, "ingested", "note.md"), []byte("# Note\n\nRound "+marker+" added a note.\n"), 0o644)
		}
		disk.drain()
		var cmd *exec.Cmd
		var out *lockedBuffer
		if i%3 == 0 {
			cmd, out = start([]string{"reindex"})
		} else {
			cmd, out = start([]string{"serve"}, "DISCORD_TOKEN=kill-test", "DISCORD_API_URL="+fake.URL())
		}
		exited := make(chan struct{})
		go func() {
			cmd.Wait() // killed or finished: either way the disk must hold a good index
			close(exited)
		}()
		// A random moment of the rebuild: after a random number of the
		// changes it makes on disk.
		disk.after(t, 1+rng.IntN(120), exited, out, "index built")
		sig := syscall.SIGKILL
		if i%2 == 1 {
			sig = syscall.SIGTERM
		}
		cmd.Process.Signal(sig)
		<-exited
		logs := out.String()
		if strings.Contains(logs, "panic") || strings.Contains(logs, "fatal error") {
			t.Fatalf("round %d (%v): futurebot panicked:\n%s", i, sig, logs)
		}
		// What is on disk is a complete index that answers.
		ix, err := index.NewStore(data, index.Options{}, nil).Current()
		if err != nil {
			t.Fatalf("round %d (%v): no good index on disk: %v\n%s", i, sig, err, logs)
		}
		a, err := answers.New(ix, ix.Entities(), answers.Options{}).Ask(context.Background(), "What is the marker of this corpus?")
		ix.Close()
		if err != nil || !a.Answered {
			t.Fatalf("round %d (%v): the index on disk does not answer: %v %q", i, sig, err, a.Text)
		}
		served := strings.TrimSuffix(strings.TrimPrefix(a.Text, "The marker of this corpus is "), ".")
		if served == marker {
			finished++
		}
		if !used[served] {
			t.Fatalf("round %d (%v): the index on disk answers %q, a marker the corpus never had\n%s", i, sig, served, logs)
		}
	}
	t.Logf("%d of 50 rebuilds went live before the signal; %d were cut short", finished, 50-finished)
	// The next start removes what the killed builds left.
	if cmd, out := start([]string{"reindex"}); cmd.Wait() != nil {
		t.Fatalf("last reindex:\n%s", out.String())
	}
	if dirs, _ := filepath.Glob(filepath.Join(data, "v-*")); len(dirs) != 1 {
		t.Errorf("index directories left after the next start: %v", dirs)
	}
	if tmp, _ := filepath.Glob(filepath.Join(data, "*.tmp")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestKilledUpdateInPlace kills the bot with SIGKILL at random moments of
// an update in place — a feed's new article fetched, saved and indexed
// into the index in service — twelve times. After every kill the index on
// disk opens and answers, and the next start brings it up to date with
// the corpus.
func TestKilledUpdateInPlace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary a dozen times")
	}
	bin := buildBinary(t)
	fake := discordtest.New(t)
	work := t.TempDir()
	corpusDir, data := filepath.Join(work, "corpus"), filepath.Join(work, "data")
	testcorpus.Harbour(t, corpusDir, 2000, "m0")
	var round atomic.Int32
	mux := http.NewServeMux()
	site := httptest.NewServer(mux)
	defer site.Close()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		var items strings.Builder
		for i := 1; i <= int(round.Load()); i++ {
			fmt.Fprintf(&items, "<item><link>%s/a/%d</link><guid>r%d</guid></item>", site.URL, i, i)
		}
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Log</title>`+items.String()+`</channel></rss>`)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		n := strings.TrimPrefix(r.URL.Path, "/a/")
		fmt.Fprintf(w, `<html><head><title>Crane log %s</title></head><body><article><h1>Crane log %s</h1><p>%s</p></article></body></html>`,
			n, n, strings.Repeat("The crane log for dispatch "+n+" counts 3"+n+" lifted containers. ", 4))
	})
	os.WriteFile(filepath.Join(corpusDir, "feeds.yaml"), []byte("- url: "+site.URL+"/feed.xml\n  name: Crane log\n"), 0o644)
	run := func(args []string, env ...string) (*exec.Cmd, *lockedBuffer) {
		return startBinary(t, bin, work, args, append([]string{"DATA_DIR=" + data, "CORPUS_DIR=" + corpusDir,
			"FETCH_ALLOW_PRIVATE=true", "FEED_INTERVAL=1h"}, env...)...)
	}
	if cmd, out := run([]string{"reindex"}); cmd.Wait() != nil {
		t.Fatalf("first reindex:\n%s", out.String())
	}
	rng := rand.New(rand.NewPCG(3, 5))
	updated := 0
	for i := 1; i <= 12; i++ {
		// Start from an index that matches the corpus, so that the bot
		// goes straight to polling and updating in place.
		if cmd, out := run([]string{"reindex"}); cmd.Wait() != nil {
			t.Fatalf("round %d: reindex:\n%s", i, out.String())
		}
		round.Store(int32(i))
		disk := watchDisk(t, data)
		filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				disk.w.Add(p)
			}
			return nil
		})
		cmd, out := run([]string{"serve"}, "DISCORD_TOKEN=kill-test", "DISCORD_API_URL="+fake.URL())
		exited := make(chan struct{})
		go func() {
			cmd.Wait()
			close(exited)
		}()
		disk.after(t, 1+rng.IntN(40), exited, out, "index updated in place")
		cmd.Process.Signal(syscall.SIGKILL)
		<-exited
		disk.w.Close()
		logs := out.String()
		if strings.Contains(logs, "panic") || strings.Contains(logs, "fatal error") {
			t.Fatalf("round %d: futurebot panicked:\n%s", i, logs)
		}
		if strings.Contains(logs, "index updated in place") {
			updated++
		}
		ix, err := index.NewStore(data, index.Options{}, nil).Current()
		if err != nil {
			t.Fatalf("round %d: no good index on disk: %v\n%s", i, err, logs)
		}
		a, err := answers.New(ix, ix.Entities(), answers.Options{}).Ask(context.Background(), "What is the marker of this corpus?")
		ix.Close()
		if err != nil || !a.Answered {
			t.Fatalf("round %d: the index on disk does not answer: %v %q\n%s", i, err, a.Text, logs)
		}
	}
	t.Logf("%d of 12 updates in place finished before the kill", updated)
	// The next start brings the index up to the corpus: every saved article answers.
	if cmd, out := run([]string{"reindex"}); cmd.Wait() != nil {
		t.Fatalf("last reindex:\n%s", out.String())
	}
	ix, err := index.NewStore(data, index.Options{}, nil).Current()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	c, _ := corpus.Load(os.DirFS(corpusDir))
	if fp, _ := corpus.Fingerprint(os.DirFS(corpusDir)); fp != ix.Meta().Fingerprint {
		t.Error("after the last reindex the index is not the corpus's")
	}
	e := answers.New(ix, ix.Entities(), answers.Options{})
	saved := 0
	for _, d := range c.Documents {
		n, ok := strings.CutPrefix(d.Title, "Crane log ")
		if !ok {
			continue
		}
		saved++
		if a, _ := e.Ask(context.Background(), "How many containers does the crane log for dispatch "+n+" count?"); !a.Answered || !strings.Contains(a.Text, "3"+n+" lifted") {
			t.Errorf("saved article %s does not answer: %q", d.ID, a.Text)
		}
	}
	if saved == 0 {
		t.Error("no article was saved in twelve rounds")
	}
}

// startBinary starts futurebot in work with the settings given, no HTTP
// server and info logs, its output collected.
func startBinary(t *testing.T, bin, work string, args []string, env ...string) (*exec.Cmd, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), append([]string{"HTTP_ADDR=", "LOG_LEVEL=info"}, env...)...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// diskWatch sees the changes made under a data directory, in the index
// directories created there too.
type diskWatch struct{ w *fsnotify.Watcher }

func watchDisk(t *testing.T, dir string) *diskWatch {
	t.Helper()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if err := w.Add(dir); err != nil {
		t.Fatal(err)
	}
	return &diskWatch{w}
}

// drain forgets the changes seen so far.
func (d *diskWatch) drain() {
	for {
		select {
		case <-d.w.Events:
		case <-d.w.Errors:
		default:
			return
		}
	}
}

// after returns once n changes were made, the process exited, or its log
// says the work was done (done), whichever comes first.
func (d *diskWatch) after(t *testing.T, n int, exited <-chan struct{}, out *lockedBuffer, done string) {
	t.Helper()
	timeout := time.After(time.Minute)
	for seen := 0; seen < n; {
		// The log may have said so before this wait began.
		if strings.Contains(out.String(), done) {
			return
		}
		select {
		case ev := <-d.w.Events:
			seen++
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					d.w.Add(ev.Name) // a new version's directory, and the stores in it
				}
			}
		case <-d.w.Errors:
		case <-exited:
			return
		case <-out.changedCh():
			if strings.Contains(out.String(), done) {
				return
			}
		case <-timeout:
			t.Fatal("the rebuild made no progress for a minute")
		}
	}
}
