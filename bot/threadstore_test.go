package bot

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestThreadStore: a conversation keeps its last five questions, is
// forgotten after a day without one, is rebuilt after a restart (from what
// the thread shows), and the list of threads survives the restart, bounded.
func TestThreadStore(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := loadThreads(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	if s.known("t1") || s.earlier("t1", nil) != nil {
		t.Fatal("an unknown thread has a conversation")
	}
	if err := s.open("t1", "q0"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 6; i++ {
		s.add("t1", fmt.Sprintf("q%d", i))
	}
	noRead := func(time.Time) ([]string, time.Time, error) {
		t.Error("a conversation in memory was read again")
		return nil, time.Time{}, nil
	}
	if got, want := s.earlier("t1", noRead), []string{"q2", "q3", "q4", "q5", "q6"}; !slices.Equal(got, want) {
		t.Errorf("turns %v, want the last five %v", got, want)
	}
	now = now.Add(25 * time.Hour)
	if got := s.earlier("t1", noRead); len(got) != 0 {
		t.Errorf("after a day idle: %v, want a fresh start", got)
	}

	// A restart: the thread is known, its conversation read until a read
	// succeeds, then not again; idle time counts from the last question read.
	s2, err := loadThreads(dir, clock)
	if err != nil || !s2.known("t1") {
		t.Fatalf("after a restart the thread is not known (%v)", err)
	}
	reads := 0
	var since time.Time
	asked := now.Add(-2 * time.Hour)
	rebuild := func(t time.Time) ([]string, time.Time, error) {
		reads++
		since = t
		if reads == 1 {
			return nil, time.Time{}, errors.New("Discord is down")
		}
		return []string{"a", "b", "c", "d", "e", "f", "g"}, asked, nil
	}
	if got := s2.earlier("t1", rebuild); len(got) != 0 {
		t.Errorf("a failed read gave turns %v", got)
	}
	s2.earlier("t1", rebuild)
	if got := s2.earlier("t1", rebuild); reads != 2 || len(got) != 5 || got[4] != "g" {
		t.Errorf("read %d times, turns %v; want twice (one failure), the last five", reads, got)
	}
	if !since.Equal(now.Add(-threadIdle)) {
		t.Errorf("rebuilt from messages since %v, want a day back", since)
	}
	now = now.Add(threadIdle - time.Hour)
	if got := s2.earlier("t1", rebuild); len(got) != 0 {
		t.Errorf("a day after the last question read back: %v, want a fresh start", got)
	}

	// Inactive for over 30 days: forgotten; never more than maxThreads.
	now = now.Add(31 * 24 * time.Hour)
	if s2.known("t1") {
		t.Error("a thread inactive for 31 days is still known")
	}
	for i := range maxThreads + 10 {
		s2.threads[fmt.Sprint("x", i)] = &conversation{Active: now.Add(-time.Duration(i+1) * time.Second)}
	}
	if err := s2.open("t2", "q"); err != nil {
		t.Fatal(err)
	}
	s3, err := loadThreads(dir, clock)
	oldest := fmt.Sprint("x", maxThreads+9)
	if err != nil || s3.known("t1") || !s3.known("t2") || s3.known(oldest) || len(s3.threads) != maxThreads {
		t.Errorf("after pruning: t1 %v t2 %v oldest %v, %d threads (%v); want t2 only of those, %d in all",
			s3.known("t1"), s3.known("t2"), s3.known(oldest), len(s3.threads), err, maxThreads)
	}
}

// TestThreadStoreDamagedFile: a damaged, hostile or huge threads file is
// reported, and the bot still opens threads.
func TestThreadStoreDamagedFile(t *testing.T) {
	for name, data := range map[string][]byte{
		"syntax": []byte("{"), "null": []byte("null"), "null entry": []byte(`{"1": null}`),
		"wrong types": []byte(`{"1": {"active": 5}}`), "a list": []byte(`[1, 2]`),
		"huge": append(append([]byte(`{"1": {"active": "`), make([]byte, maxThreadsFile)...), `"}}`...),
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, threadsFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := loadThreads(dir, time.Now)
		if s == nil {
			t.Fatalf("%s: no store", name)
		}
		if err == nil && name != "null" && name != "null entry" {
			t.Errorf("%s: not reported", name)
		}
		if err := s.open("t", "q"); err != nil || !s.known("t") {
			t.Errorf("%s: opening a thread after it: %v", name, err)
		}
	}
}

// TestThreadStoreOneRebuild: questions that arrive while a conversation is
// rebuilt wait for that rebuild instead of reading the thread again.
func TestThreadStoreOneRebuild(t *testing.T) {
	s, _ := loadThreads("", time.Now)
	s.threads["t"] = &conversation{Active: time.Now()}
	waiting := make(chan struct{}, 8)
	s.waiting = func() { waiting <- struct{}{} }
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	reads := 0
	rebuild := func(time.Time) ([]string, time.Time, error) {
		mu.Lock()
		reads++
		first := reads == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		}
		return []string{"q"}, time.Now(), nil
	}
	var wg sync.WaitGroup
	results := make([][]string, 4)
	wg.Add(1)
	go func() { defer wg.Done(); results[0] = s.earlier("t", rebuild) }()
	<-started
	for i := 1; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = s.earlier("t", rebuild) }()
	}
	for range 3 {
		<-waiting
	}
	close(release)
	wg.Wait()
	if reads != 1 {
		t.Errorf("the thread was read %d times, want once", reads)
	}
	for i, r := range results {
		if !slices.Equal(r, []string{"q"}) {
			t.Errorf("question %d: turns %v", i, r)
		}
	}
}
