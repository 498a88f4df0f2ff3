package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"futurebot/corpus"
	"futurebot/index"
	"futurebot/internal/testcorpus"
	"futurebot/service"
)

// open opens the library of corpusDir with a fresh data directory, closed
// when the test ends.
func open(t *testing.T, corpusDir string) *Library {
	t.Helper()
	l, err := Open(context.Background(), Options{DataDir: t.TempDir(), CorpusDir: corpusDir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func waitJob(t *testing.T, j service.ReindexJob) service.ReindexStatus {
	t.Helper()
	select {
	case <-j.Done():
	case <-time.After(2 * time.Minute):
		t.Fatal("reindex did not finish")
	}
	return j.Status()
}

func isDone(j service.ReindexJob) bool {
	select {
	case <-j.Done():
		return true
	default:
		return false
	}
}

func marker(t *testing.T, l *Library) string {
	t.Helper()
	a, err := l.Ask(context.Background(), "What is the marker of this corpus?")
	if err != nil {
		t.Fatal(err)
	}
	return a.Text
}

// TestQuestionsDuringReindex asks 200+ questions from 8 goroutines while a
// reindex replaces the corpus: no errors, and every answer comes from one
// complete index, the old or the new, never a mix or a half-built one.
func TestQuestionsDuringReindex(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 1500, "alpha")
	l := open(t, dir)
	old := l.Meta()
	testcorpus.Marker(t, dir, "omega")
	os.WriteFile(filepath.Join(dir, "extra.md"), []byte("# Extra\n\nAn extra article about tidal power stations.\n"), 0o644)

	var (
		mu       sync.Mutex
		asked    int
		versions = map[string]int{}
		failures []string
	)
	job, started := l.Reindex("test")
	if !started {
		t.Fatal("reindex did not start")
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				mu.Lock()
				done := asked >= 200 && isDone(job)
				mu.Unlock()
				if done {
					return
				}
				q := []string{"What is the marker of this corpus?", fmt.Sprintf("How many parcels did harbour %d carry?", (g*97+i)%1500)}[i%2]
				a, meta, err := l.AskWithMeta(context.Background(), q)
				mu.Lock()
				asked++
				versions[meta.Version]++
				switch {
				case err != nil:
					failures = append(failures, fmt.Sprintf("%q: %v", q, err))
				case meta.Version != old.Version && meta.Version != job.Status().Version && job.Status().Version != "":
					failures = append(failures, fmt.Sprintf("%q answered by unknown index %s", q, meta.Version))
				}
				for _, c := range a.Citations {
					if _, ok := meta.Docs[c.DocID]; !ok {
						failures = append(failures, fmt.Sprintf("%q cites %s, which index %s does not hold", q, c.DocID, meta.Version))
					}
				}
				if strings.Contains(a.Text, "alpha") && meta.Version != old.Version || strings.Contains(a.Text, "omega") && meta.Version == old.Version {
					failures = append(failures, fmt.Sprintf("%q: answer %q does not match index %s", q, a.Text, meta.Version))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st := job.Status()
	if st.Err != "" {
		t.Fatalf("reindex failed: %s", st.Err)
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d answers went wrong, first: %s", len(failures), asked, failures[0])
	}
	if asked < 200 {
		t.Errorf("asked %d questions, want at least 200", asked)
	}
	t.Logf("%d questions: %v (old %s, new %s)", asked, versions, old.Version, st.Version)
	if st.Added[0] != 1 || st.Changed[0] != 1 || st.Removed[0] != 0 {
		t.Errorf("diff: added %v changed %v removed %v; want 1 article added (extra.md), 1 changed (marker.md)", st.Added, st.Changed, st.Removed)
	}
	if got := marker(t, l); !strings.Contains(got, "omega") {
		t.Errorf("after the reindex: %q, want the new corpus", got)
	}
	if dirs, _ := filepath.Glob(filepath.Join(l.store.Dir(), "v-*")); len(dirs) != 1 {
		t.Errorf("index versions left on disk: %v", dirs)
	}
}

func TestReindexBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 9, "alpha")
	l := open(t, dir)
	v1 := l.Meta().Version

	// One broken file of eleven: skipped and reported, the rest swapped in.
	os.WriteFile(filepath.Join(dir, "broken.md"), []byte("---\ntitle: [oops\n---\nText.\n"), 0o644)
	j, _ := l.Reindex("test")
	st := waitJob(t, j)
	if st.Err != "" || len(st.Problems) != 1 || !strings.Contains(st.Problems[0], "broken.md:2") {
		t.Errorf("one broken file: err %q, problems %v", st.Err, st.Problems)
	}
	v2 := l.Meta().Version
	if v2 == v1 {
		t.Error("the good files were not swapped in")
	}

	// Too many broken files (3 of 12 is over 20%): the old index keeps serving.
	for _, n := range []string{"b2.md", "b3.yaml"} {
		os.WriteFile(filepath.Join(dir, n), []byte("---\ntitle: [\n"), 0o644)
	}
	j, _ = l.Reindex("test")
	st = waitJob(t, j)
	if !strings.Contains(st.Err, "too many corpus files failed") || len(st.Problems) != 3 {
		t.Errorf("too many broken files: err %q, problems %v", st.Err, st.Problems)
	}
	if l.Meta().Version != v2 {
		t.Error("the index was swapped despite too many failures")
	}

	// Everything broken: the old index keeps serving and the admin is told why.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.WriteFile(filepath.Join(dir, e.Name()), []byte("---\ntitle: [\n"), 0o644)
	}
	j, _ = l.Reindex("test")
	st = waitJob(t, j)
	if !strings.Contains(st.Err, "no document in the corpus could be loaded") {
		t.Errorf("all broken: err %q", st.Err)
	}
	if l.Meta().Version != v2 {
		t.Error("the index was swapped with an empty one")
	}
	if got := marker(t, l); !strings.Contains(got, "alpha") {
		t.Errorf("old index no longer answers: %q", got)
	}
}

func TestOneReindexAtATime(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 800, "alpha")
	l := open(t, dir)
	j1, started1 := l.Reindex("first")
	j2, started2 := l.Reindex("second")
	if !started1 || started2 || j1 != j2 {
		t.Errorf("second request: started %v (same job %v), want the running job", started2, j1 == j2)
	}
	waitJob(t, j1)
}

func TestIngestAndForget(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 3, "alpha")
	l := open(t, dir)
	md := []byte("---\ntitle: Tidal power\nurl: https://example.com/tide\n---\nTidal power stations in the bay produce 240 megawatts.\n")
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"../escape.md", md, "may not contain a path"},
		{"..\\escape.md", md, "may not contain a path"},
		{"notes.exe", md, "not accepted"},
		{"entities.yaml", []byte("entities: []"), "not accepted"},
		{".hidden.md", md, "not usable"},
		{"bad.yaml", []byte("entries: [\n"), "does not load"},
		{"empty.md", []byte("---\ntitle: x\n---\n"), "does not load"},
	} {
		_, err := l.Ingest(tt.name, tt.data, false, "test")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Ingest(%q): %v, want %q", tt.name, err, tt.want)
		}
	}
	if files, _ := os.ReadDir(filepath.Join(dir, IngestedDir)); len(files) != 0 {
		t.Errorf("refused files were written: %v", files)
	}
	j, err := l.Ingest("tidal power.md", md, false, "test")
	if err != nil {
		t.Fatal(err)
	}
	st := waitJob(t, j)
	if st.Err != "" || st.Added[0] != 1 || !st.InPlace {
		t.Errorf("ingest reindex: %+v, want one article added in place", st)
	}
	if fp, _ := corpus.Fingerprint(l.Corpus()); fp != l.Meta().Fingerprint {
		t.Error("after an update in place the index's fingerprint is not the corpus's")
	}
	// A full rebuild after it finds nothing new: the diff counts from the
	// index as updated.
	full, _ := l.Reindex("test")
	if st := waitJob(t, full); st.Err != "" || st.InPlace || st.Added != [2]int{} || st.Changed != [2]int{} || st.Removed != [2]int{} {
		t.Errorf("a rebuild after an update in place: %+v, want nothing added, changed or removed", st)
	}
	if a, _ := l.Ask(context.Background(), "How much do the tidal power stations produce?"); !strings.Contains(a.Text, "240 megawatts") {
		t.Errorf("ingested document not answering: %q", a.Text)
	}
	if got := l.Ingested(); !slices.Equal(got, []string{"tidal-power.md"}) {
		t.Errorf("ingested: %v", got)
	}
	if _, err := l.Ingest("tidal-power.md", md, false, "test"); !errors.Is(err, service.ErrExists) {
		t.Errorf("second ingest without replace: %v, want ErrExists", err)
	}
	if j, err = l.Ingest("tidal-power.md", append(md, []byte("It opened in 2024.\n")...), true, "test"); err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); st.Changed[0] != 1 || !st.InPlace {
		t.Errorf("replace: changed %v (in place %v), want 1 article in place", st.Changed, st.InPlace)
	}
	// A document that names a new entity ("Name (ABBR)") changes what the
	// index knows by name: it is rebuilt.
	abbr := []byte("---\ntitle: Grid\n---\nThe State Grid Corporation of China (SGCC) runs the transmission lines.\n")
	if j, err = l.Ingest("grid.md", abbr, false, "test"); err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); st.InPlace || st.Added[0] != 1 {
		t.Errorf("a new entity: %+v, want a rebuild", st)
	}
	if !slices.ContainsFunc(l.Entities(), func(e corpus.Entity) bool { return slices.Contains(e.Names(), "SGCC") }) {
		t.Errorf("the new entity is not known after the rebuild")
	}
	// Forgetting it rebuilds too: the entity goes with the only document
	// that named it.
	if j, err = l.Forget("grid.md", "test"); err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); st.InPlace || st.Removed[0] != 1 {
		t.Errorf("forgetting the document an entity came from: %+v, want a rebuild", st)
	}
	if slices.ContainsFunc(l.Entities(), func(e corpus.Entity) bool { return slices.Contains(e.Names(), "SGCC") }) {
		t.Errorf("the entity outlived the document it came from")
	}
	if _, err := l.Forget("nothing.md", "test"); !errors.Is(err, service.ErrNotIngested) {
		t.Errorf("forget unknown: %v", err)
	}
	if j, err = l.Forget("tidal-power.md", "test"); err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); st.Removed[0] != 1 || !st.InPlace {
		t.Errorf("forget: removed %v (in place %v), want 1 article in place", st.Removed, st.InPlace)
	}

	builtin := open(t, "")
	if _, err := builtin.Ingest("a.md", md, false, "test"); !errors.Is(err, service.ErrNoCorpusDir) {
		t.Errorf("ingest into the built-in corpus: %v, want ErrNoCorpusDir", err)
	}
}

// TestStorageErrorsStayInTheLog makes the disk refuse writes and checks that
// the admin is told plainly, without paths, while the old index serves.
func TestStorageErrorsStayInTheLog(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 3, "alpha")
	l := open(t, dir)
	// ingested/ is a file: nothing can be written under it.
	os.WriteFile(filepath.Join(dir, IngestedDir), []byte("not a directory"), 0o644)
	_, err := l.Ingest("new.md", []byte("# New\n\nFresh text.\n"), false, "test")
	if err == nil || strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "could not be written") {
		t.Errorf("ingest onto a broken disk: %v", err)
	}
	// The data directory turns into a file mid-life: the rebuild cannot
	// write, the old index keeps serving, the reason names no path.
	os.Remove(filepath.Join(dir, IngestedDir))
	blocker := filepath.Join(t.TempDir(), "data-as-file")
	os.WriteFile(blocker, nil, 0o644)
	l.store = index.NewStore(blocker, index.Options{}, l.log)
	j, _ := l.Reindex("test")
	st := waitJob(t, j)
	if st.Err == "" || strings.Contains(st.Err, blocker) || strings.Contains(st.Err, "/") {
		t.Errorf("rebuild onto a broken disk: %q", st.Err)
	}
	if got := marker(t, l); !strings.Contains(got, "alpha") {
		t.Errorf("the old index stopped answering: %q", got)
	}
}

// TestCloseDuringRebuild closes the library while a rebuild runs, as
// SIGTERM does: Close stops the job and waits for it, nothing panics, and
// the next start serves a good index.
func TestCloseDuringRebuild(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	testcorpus.Harbour(t, dir, 3, "alpha")
	l, err := Start(context.Background(), Options{DataDir: data, CorpusDir: dir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	// The corpus grows while the bot is down: the next start serves the old
	// index and rebuilds in the background.
	l.Close()
	testcorpus.Harbour(t, dir, 3000, "omega")
	l, err = Start(context.Background(), Options{DataDir: data, CorpusDir: dir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	l.jobMu.Lock()
	job := l.running
	l.jobMu.Unlock()
	if job == nil {
		t.Fatal("no start-up rebuild for a changed corpus")
	}
	if err := l.Close(); err != nil {
		t.Errorf("close during a rebuild: %v", err)
	}
	if !isDone(job) {
		t.Error("Close returned before the rebuild stopped")
	}
	if _, err := l.Ask(context.Background(), "What is the marker of this corpus?"); !errors.Is(err, service.ErrClosed) {
		t.Errorf("ask after close: %v, want ErrClosed", err)
	}
	if j, started := l.Reindex("late"); started || !strings.Contains(j.Status().Err, "shutting down") {
		t.Errorf("reindex after close: started %v, status %+v", started, j.Status())
	}
	l2, err := Open(context.Background(), Options{DataDir: data, CorpusDir: dir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if got := marker(t, l2); !strings.Contains(got, "alpha") && !strings.Contains(got, "omega") {
		t.Errorf("after a close during the rebuild: %q", got)
	}
}

// TestWatcherKeepsChangesMadeDuringARebuild changes the corpus while the
// watcher's rebuild runs: the change is not dropped, a second rebuild
// picks it up.
func TestWatcherKeepsChangesMadeDuringARebuild(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 2000, "alpha")
	l, err := Start(context.Background(), Options{DataDir: t.TempDir(), CorpusDir: dir, MaxFailed: 0.2, Watch: true, Debounce: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// A job runs (as if the watcher had started it); once it has read the
	// files, the corpus changes and the watcher reports it.
	read := make(chan struct{})
	var once sync.Once
	l.progressed = func(p index.Progress) {
		if p.Stage != "reading" {
			once.Do(func() { close(read) })
		}
	}
	first, started := l.start("corpus watcher", false)
	if !started {
		t.Fatal("no job started")
	}
	<-read
	testcorpus.Marker(t, dir, "omega")
	l.corpusChanged(nil)
	if isDone(first) {
		t.Skip("the rebuild finished before the change; nothing to check")
	}
	waitJob(t, first)
	// The job that follows reads the changed corpus.
	l.jobMu.Lock()
	second := l.running
	l.jobMu.Unlock()
	if second == nil {
		if got := marker(t, l); !strings.Contains(got, "omega") {
			t.Fatalf("the change made during the rebuild was dropped: %q", got)
		}
		return
	}
	if st := waitJob(t, second); st.Err != "" || st.Changed[0] != 1 {
		t.Errorf("second rebuild: %+v", st)
	}
	if got := marker(t, l); !strings.Contains(got, "omega") {
		t.Errorf("after the second rebuild: %q", got)
	}
}

// TestReadOnlyDataDir: an index on a read-only volume is served and
// answers; only a rebuild needs to write, and it says so.
func TestReadOnlyDataDir(t *testing.T) {
	corpusDir, data, ro := t.TempDir(), t.TempDir(), t.TempDir()
	testcorpus.Harbour(t, corpusDir, 3, "alpha")
	l, err := Open(context.Background(), Options{DataDir: data, CorpusDir: corpusDir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if out, err := exec.Command("mount", "--bind", "-o", "ro", data, ro).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a read-only volume here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", ro).Run() })
	if err := os.WriteFile(filepath.Join(ro, "probe"), nil, 0o644); err == nil {
		t.Skip("the bind mount is writable here")
	}
	l, err = Start(context.Background(), Options{DataDir: ro, CorpusDir: corpusDir, MaxFailed: 0.2})
	if err != nil {
		t.Fatalf("serve from a read-only data directory: %v", err)
	}
	defer l.Close()
	if got := marker(t, l); !strings.Contains(got, "alpha") {
		t.Errorf("answer from a read-only index: %q", got)
	}
	testcorpus.Marker(t, corpusDir, "omega")
	j, _ := l.Reindex("test")
	if st := waitJob(t, j); !strings.Contains(st.Err, "rebuilding needs write access") {
		t.Errorf("rebuild on a read-only volume: %q, want it to say read-only", st.Err)
	}
	if got := marker(t, l); !strings.Contains(got, "alpha") {
		t.Errorf("after the refused rebuild: %q", got)
	}
}

// TestFeedsFileProblemsAreKept: a feeds.yaml with a problem is not
// rewritten by /feeds add or remove (which would drop what it cannot
// read); the problem is reported instead.
func TestFeedsFileProblemsAreKept(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 3, "alpha")
	broken := "# my feeds\n- url: https://example.com/a.xml\n  name: A\n- url: htps://typo.example/b.xml\n"
	os.WriteFile(filepath.Join(dir, corpus.FeedsFile), []byte(broken), 0o644)
	l := open(t, dir)
	if probs := l.FeedProblems(); len(probs) != 1 || !strings.Contains(probs[0], "line 4") {
		t.Errorf("problems %v", probs)
	}
	if _, err := l.AddFeed("https://example.com/c.xml", "C", nil, "test"); err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("add: %v", err)
	}
	if _, err := l.RemoveFeed("https://example.com/a.xml", "test"); err == nil {
		t.Error("remove rewrote a feeds.yaml with problems")
	}
	if data, _ := os.ReadFile(filepath.Join(dir, corpus.FeedsFile)); string(data) != broken {
		t.Errorf("feeds.yaml changed:\n%s", data)
	}
	if fs := l.Feeds(); len(fs) != 1 || fs[0].Shown != "https://example.com/a.xml" {
		t.Errorf("feeds %+v", fs)
	}
}

// TestWatcherUpdatesInPlace: an article copied into the corpus directory by
// hand, with WATCH_CORPUS, is taken into the index in service in place,
// and answers.
func TestWatcherUpdatesInPlace(t *testing.T) {
	dir := t.TempDir()
	testcorpus.Harbour(t, dir, 50, "alpha")
	for _, d := range []string{"_drafts", "v1.2"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "v1.2", "old.md"), []byte("# Old\n\nThe lighthouse keeper retired in 1999.\n"), 0o644)
	l, err := Start(context.Background(), Options{DataDir: t.TempDir(), CorpusDir: dir, MaxFailed: 0.2, Watch: true, Debounce: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	done := make(chan index.Summary, 4)
	l.jobMu.Lock()
	l.updated = func(s index.Summary) { done <- s }
	l.jobMu.Unlock()
	// A draft under _drafts/ is not part of the corpus; the watcher
	// reports it before the article written after it, if at all.
	os.WriteFile(filepath.Join(dir, "_drafts", "secret.md"), []byte("# Secret\n\nThe draft says the harbour will close.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "kelp.md"), []byte("# Kelp\n\nKelp farms off the cape grew by a third in 2026.\n"), 0o644)
	select {
	case s := <-done:
		if s.Added.Articles != 1 {
			t.Errorf("update in place: %+v", s)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the new file was not taken in place")
	}
	if a, _ := l.Ask(context.Background(), "By how much did the kelp farms off the cape grow?"); !strings.Contains(a.Text, "a third") {
		t.Errorf("the new file does not answer: %q", a.Text)
	}
	if _, ok := l.Meta().Docs["_drafts/secret.md"]; ok {
		t.Error("a draft under _drafts/ was indexed")
	}
	if fp, _ := corpus.Fingerprint(l.Corpus()); fp != l.Meta().Fingerprint {
		t.Error("after the update the index's fingerprint is not the corpus's")
	}

	// A directory whose name looks like a file's moves out of the corpus:
	// its documents go.
	started := make(chan struct{})
	var once sync.Once
	l.progressed = func(index.Progress) { once.Do(func() { close(started) }) }
	if err := os.Rename(filepath.Join(dir, "v1.2"), filepath.Join(t.TempDir(), "v1.2")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("moving a directory out of the corpus started no rebuild")
	}
	l.jobMu.Lock()
	j := l.running
	l.jobMu.Unlock()
	if j != nil {
		waitJob(t, j)
	}
	if _, ok := l.Meta().Docs["v1.2/old.md"]; ok {
		t.Error("the documents of a directory moved out of the corpus are still indexed")
	}
}

// TestUpdateInPlaceLeavesOtherChangesPending: an update in place takes the
// files it read, and only those: a change to another file, not yet
// indexed, is still seen as a change, and the next start rebuilds for it.
func TestUpdateInPlaceLeavesOtherChangesPending(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	testcorpus.Harbour(t, dir, 3, "alpha")
	l, err := Open(context.Background(), Options{DataDir: data, CorpusDir: dir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	testcorpus.Marker(t, dir, "omega") // edited by hand, with no watcher to see it
	j, err := l.Ingest("kelp.md", []byte("# Kelp\n\nKelp farms off the cape grew by a third in 2026.\n"), false, "test")
	if err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); !st.InPlace {
		t.Fatalf("ingest: %+v, want an update in place", st)
	}
	if fp, _ := corpus.Fingerprint(l.Corpus()); fp == l.Meta().Fingerprint {
		t.Error("the index claims the corpus's fingerprint with the marker edit not indexed")
	}
	l.Close()
	l, err = Start(context.Background(), Options{DataDir: data, CorpusDir: dir, MaxFailed: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.jobMu.Lock()
	if j := l.running; j != nil {
		l.jobMu.Unlock()
		waitJob(t, j)
	} else {
		l.jobMu.Unlock()
	}
	if got := marker(t, l); !strings.Contains(got, "omega") {
		t.Errorf("after a restart the hand edit is still not indexed: %q", got)
	}
}
