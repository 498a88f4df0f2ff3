package main

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"futurebot/answers"
	"futurebot/bot/discordtest"
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
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		cmd.Env = append(os.Environ(), append([]string{"DATA_DIR=" + data, "CORPUS_DIR=" + corpusDir, "HTTP_ADDR=", "LOG_LEVEL=info"}, env...)...)
		out := &lockedBuffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, out
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
		disk.after(t, 1+rng.IntN(120), exited, out)
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
// says the new index went live, whichever comes first.
func (d *diskWatch) after(t *testing.T, n int, exited <-chan struct{}, out *lockedBuffer) {
	t.Helper()
	timeout := time.After(time.Minute)
	for seen := 0; seen < n; {
		// The log may have said so before this wait began.
		if strings.Contains(out.String(), "index built") {
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
			if strings.Contains(out.String(), "index built") {
				return
			}
		case <-timeout:
			t.Fatal("the rebuild made no progress for a minute")
		}
	}
}
