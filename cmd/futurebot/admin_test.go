package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"futurebot/answers"
	"futurebot/bot"
	"futurebot/index"
)

// adminSetup is a corpus on disk, an index store, the live service and the
// admin over them, as serve wires them.
type adminSetup struct {
	corpusDir string
	store     *index.Store
	live      *live
	admin     *admin
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// bigCorpus writes n articles (plus a marker article) so that a rebuild
// takes long enough to ask questions during it.
func bigCorpus(t *testing.T, dir string, n int, marker string) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	for i := range n {
		body := fmt.Sprintf("# Harbour report %d\n\nCargo drones in harbour %d carried %d parcels this month, and port officials counted %d delayed flights.\n\nThe harbour authority plans %d more corridors next year.\n", i, i, 100+i, i%17, i%5)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%05d.md", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "marker.md"), []byte("# Marker\n\nThe marker of this corpus is "+marker+".\n"), 0o644)
}

func newAdminSetup(t *testing.T, corpusDir string, maxFailed float64) *adminSetup {
	t.Helper()
	s := newAdminSetupAt(t, corpusDir, t.TempDir())
	s.store.MaxFailed = maxFailed
	return s
}

// newAdminSetupAt opens (or builds) the index in dataDir and holds it open.
func newAdminSetupAt(t *testing.T, corpusDir, dataDir string) *adminSetup {
	t.Helper()
	maxFailed := 0.2
	c := &config{CorpusDir: corpusDir, DataDir: dataDir}
	store := index.NewStore(c.DataDir, index.Options{}, quietLog)
	store.MaxFailed = maxFailed
	ix, err := openIndex(context.Background(), c, store, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	l := newLive(ix, quietLog)
	t.Cleanup(func() { l.close() })
	return &adminSetup{corpusDir: corpusDir, store: store, live: l, admin: newAdmin(l, store, c, quietLog, nil)}
}

func waitJob(t *testing.T, j bot.ReindexJob) bot.ReindexStatus {
	t.Helper()
	select {
	case <-j.Done():
	case <-time.After(2 * time.Minute):
		t.Fatal("reindex did not finish")
	}
	return j.Status()
}

// TestQuestionsDuringReindex asks 200+ questions from 8 goroutines while a
// reindex replaces the corpus: no errors, and every answer comes from one
// complete index, the old or the new, never a mix or a half-built one.
func TestQuestionsDuringReindex(t *testing.T) {
	dir := t.TempDir()
	bigCorpus(t, dir, 1500, "alpha")
	s := newAdminSetup(t, dir, 0.2)
	old := s.live.current().Meta()
	os.WriteFile(filepath.Join(dir, "marker.md"), []byte("# Marker\n\nThe marker of this corpus is omega.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "extra.md"), []byte("# Extra\n\nAn extra article about tidal power stations.\n"), 0o644)

	var (
		mu       sync.Mutex
		asked    int
		versions = map[string]int{}
		failures []string
	)
	job, started := s.admin.Reindex("test")
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
				a, meta, err := s.live.askWithVersion(context.Background(), q)
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
	a, _ := s.live.Ask(context.Background(), "What is the marker of this corpus?")
	if !strings.Contains(a.Text, "omega") {
		t.Errorf("after the reindex: %q, want the new corpus", a.Text)
	}
	if dirs, _ := filepath.Glob(filepath.Join(s.store.Dir(), "v-*")); len(dirs) != 1 {
		t.Errorf("index versions left on disk: %v", dirs)
	}
}

// askWithVersion answers and says which index version answered, under the
// same lock as the live service's own methods.
func (l *live) askWithVersion(ctx context.Context, q string) (answers.Answer, index.Meta, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	a, err := l.eng.Ask(ctx, q)
	return a, l.ix.Meta(), err
}

func isDone(j bot.ReindexJob) bool {
	select {
	case <-j.Done():
		return true
	default:
		return false
	}
}

func TestReindexBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	bigCorpus(t, dir, 9, "alpha")
	s := newAdminSetup(t, dir, 0.2)
	v1 := s.live.current().Meta().Version

	// One broken file of eleven: skipped and reported, the rest swapped in.
	os.WriteFile(filepath.Join(dir, "broken.md"), []byte("---\ntitle: [oops\n---\nText.\n"), 0o644)
	j, _ := s.admin.Reindex("test")
	st := waitJob(t, j)
	if st.Err != "" || len(st.Problems) != 1 || !strings.Contains(st.Problems[0], "broken.md:2") {
		t.Errorf("one broken file: err %q, problems %v", st.Err, st.Problems)
	}
	v2 := s.live.current().Meta().Version
	if v2 == v1 {
		t.Error("the good files were not swapped in")
	}

	// Too many broken files (3 of 12 is over 20%): the old index keeps serving.
	for _, n := range []string{"b2.md", "b3.yaml"} {
		os.WriteFile(filepath.Join(dir, n), []byte("---\ntitle: [\n"), 0o644)
	}
	j, _ = s.admin.Reindex("test")
	st = waitJob(t, j)
	if !strings.Contains(st.Err, "too many corpus files failed") || len(st.Problems) != 3 {
		t.Errorf("too many broken files: err %q, problems %v", st.Err, st.Problems)
	}
	if s.live.current().Meta().Version != v2 {
		t.Error("the index was swapped despite too many failures")
	}

	// Everything broken: the old index keeps serving and the admin is told why.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.WriteFile(filepath.Join(dir, e.Name()), []byte("---\ntitle: [\n"), 0o644)
	}
	j, _ = s.admin.Reindex("test")
	st = waitJob(t, j)
	if !strings.Contains(st.Err, "no document in the corpus could be loaded") {
		t.Errorf("all broken: err %q", st.Err)
	}
	if s.live.current().Meta().Version != v2 {
		t.Error("the index was swapped with an empty one")
	}
	if a, err := s.live.Ask(context.Background(), "What is the marker of this corpus?"); err != nil || !strings.Contains(a.Text, "alpha") {
		t.Errorf("old index no longer answers: %q, %v", a.Text, err)
	}
	msg := bot.ReindexMessage(st, "")
	if !strings.Contains(msg.Content, "previous index is still serving") || !strings.Contains(msg.Content, "problem") {
		t.Errorf("admin message: %s", msg.Content)
	}
}

func TestOneReindexAtATime(t *testing.T) {
	dir := t.TempDir()
	bigCorpus(t, dir, 800, "alpha")
	s := newAdminSetup(t, dir, 0.2)
	j1, started1 := s.admin.Reindex("first")
	j2, started2 := s.admin.Reindex("second")
	if !started1 || started2 || j1 != j2 {
		t.Errorf("second request: started %v (same job %v), want the running job", started2, j1 == j2)
	}
	waitJob(t, j1)
}

func TestIngestAndForget(t *testing.T) {
	dir := t.TempDir()
	bigCorpus(t, dir, 3, "alpha")
	s := newAdminSetup(t, dir, 0.2)
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
		_, err := s.admin.Ingest(tt.name, tt.data, false, "test")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Ingest(%q): %v, want %q", tt.name, err, tt.want)
		}
	}
	if files, _ := os.ReadDir(filepath.Join(dir, ingestedDir)); len(files) != 0 {
		t.Errorf("refused files were written: %v", files)
	}
	j, err := s.admin.Ingest("tidal power.md", md, false, "test")
	if err != nil {
		t.Fatal(err)
	}
	st := waitJob(t, j)
	if st.Err != "" || st.Added[0] != 1 {
		t.Errorf("ingest reindex: %+v", st)
	}
	if a, _ := s.live.Ask(context.Background(), "How much do the tidal power stations produce?"); !strings.Contains(a.Text, "240 megawatts") {
		t.Errorf("ingested document not answering: %q", a.Text)
	}
	if got := s.admin.Ingested(); !slices.Equal(got, []string{"tidal-power.md"}) {
		t.Errorf("ingested: %v", got)
	}
	if _, err := s.admin.Ingest("tidal-power.md", md, false, "test"); err != bot.ErrExists {
		t.Errorf("second ingest without replace: %v, want ErrExists", err)
	}
	if j, err = s.admin.Ingest("tidal-power.md", append(md, []byte("It opened in 2024.\n")...), true, "test"); err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); st.Changed[0] != 1 {
		t.Errorf("replace: changed %v, want 1 article", st.Changed)
	}
	if _, err := s.admin.Forget("nothing.md", "test"); err != bot.ErrNotIngested {
		t.Errorf("forget unknown: %v", err)
	}
	if j, err = s.admin.Forget("tidal-power.md", "test"); err != nil {
		t.Fatal(err)
	}
	if st := waitJob(t, j); st.Removed[0] != 1 {
		t.Errorf("forget: removed %v, want 1 article", st.Removed)
	}

	builtin := newAdminSetup(t, "", 0.2)
	if _, err := builtin.admin.Ingest("a.md", md, false, "test"); err != bot.ErrNoCorpusDir {
		t.Errorf("ingest into the built-in corpus: %v, want ErrNoCorpusDir", err)
	}
}

// TestStorageErrorsStayInTheLog makes the disk refuse writes and checks that
// the admin is told plainly, without paths, while the old index serves.
func TestStorageErrorsStayInTheLog(t *testing.T) {
	dir := t.TempDir()
	bigCorpus(t, dir, 3, "alpha")
	s := newAdminSetup(t, dir, 0.2)
	// ingested/ is a file: nothing can be written under it.
	os.WriteFile(filepath.Join(dir, ingestedDir), []byte("not a directory"), 0o644)
	_, err := s.admin.Ingest("new.md", []byte("# New\n\nFresh text.\n"), false, "test")
	if err == nil || strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "could not be written") {
		t.Errorf("ingest onto a broken disk: %v", err)
	}
	// The data directory turns into a file mid-life: the rebuild cannot
	// write, the old index keeps serving, the reason names no path.
	os.Remove(filepath.Join(dir, ingestedDir))
	blocker := filepath.Join(t.TempDir(), "data-as-file")
	os.WriteFile(blocker, nil, 0o644)
	s.admin.store = index.NewStore(blocker, index.Options{}, quietLog)
	j, _ := s.admin.Reindex("test")
	st := waitJob(t, j)
	if st.Err == "" || strings.Contains(st.Err, blocker) || strings.Contains(st.Err, "/") {
		t.Errorf("rebuild onto a broken disk: %q", st.Err)
	}
	if a, err := s.live.Ask(context.Background(), "What is the marker of this corpus?"); err != nil || !strings.Contains(a.Text, "alpha") {
		t.Errorf("the old index stopped answering: %q %v", a.Text, err)
	}
}
