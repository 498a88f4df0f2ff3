package bot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestThreadStore: a conversation keeps its last five questions, is
// forgotten after a day without one, is rebuilt once after a restart (from
// what the thread shows), and the list of threads survives the restart,
// bounded.
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
	noRead := func(time.Time) []string { t.Error("a conversation in memory was read again"); return nil }
	if got, want := s.earlier("t1", noRead), []string{"q2", "q3", "q4", "q5", "q6"}; !slices.Equal(got, want) {
		t.Errorf("turns %v, want the last five %v", got, want)
	}
	now = now.Add(25 * time.Hour)
	if got := s.earlier("t1", noRead); len(got) != 0 {
		t.Errorf("after a day idle: %v, want a fresh start", got)
	}

	// A restart: the thread is known, its conversation read once.
	s2, err := loadThreads(dir, clock)
	if err != nil || !s2.known("t1") {
		t.Fatalf("after a restart the thread is not known (%v)", err)
	}
	reads := 0
	var since time.Time
	rebuild := func(t time.Time) []string { reads++; since = t; return []string{"a", "b", "c", "d", "e", "f", "g"} }
	s2.earlier("t1", rebuild)
	if got := s2.earlier("t1", rebuild); reads != 1 || len(got) != 5 || got[4] != "g" {
		t.Errorf("rebuilt %d times, turns %v; want once, the last five", reads, got)
	}
	if !since.Equal(now.Add(-threadIdle)) {
		t.Errorf("rebuilt from messages since %v, want a day back", since)
	}

	// Opened over 30 days ago: forgotten at the next save; never more than maxThreads.
	now = now.Add(31 * 24 * time.Hour)
	for i := range maxThreads + 10 {
		s2.threads[fmt.Sprint("x", i)] = &conversation{Opened: now.Add(-time.Duration(i+1) * time.Second)}
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
	if err := os.WriteFile(filepath.Join(dir, threadsFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s4, err := loadThreads(dir, clock); err == nil || s4 == nil || len(s4.threads) != 0 {
		t.Errorf("a damaged file: %v", err)
	}
}
