package gaps

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRecordAndGroup: entries are kept within the retention, near
// duplicates group together with counts, and a line cut short by a crash
// is skipped.
func TestRecordAndGroup(t *testing.T) {
	dir := t.TempDir()
	l := Open(dir, 30*24*time.Hour)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for i, e := range []Entry{
		{Question: "Who founded Unitree?", Time: now.Add(-40 * 24 * time.Hour), Kind: Declined}, // too old
		{Question: "who founded unitree", Time: now.Add(-3 * time.Hour), Kind: Declined, Channel: "1"},
		{Question: "Who founded Unitree??", Time: now.Add(-2 * time.Hour), Kind: ThumbsDown},
		{Question: "How much does a Unitree robot cost?", Time: now.Add(-time.Hour), Kind: Declined},
		{Question: "Who founded Unitree, the robot company?", Time: now.Add(-time.Minute), Kind: Declined},
	} {
		if err := l.Record(e); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	f, _ := os.OpenFile(filepath.Join(dir, FileName), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"question":"cut sho`) // a crash mid-line
	f.Close()
	entries, err := l.Entries(now)
	if err != nil || len(entries) != 4 {
		t.Fatalf("entries: %d, %v; want the 4 within 30 days", len(entries), err)
	}
	gs := Groups(entries, 0)
	if len(gs) != 2 || gs[0].Count != 3 || !strings.Contains(gs[0].Question, "robot company") || gs[0].Kinds[ThumbsDown] != 1 {
		t.Errorf("groups: %+v", gs)
	}
	if Open("", 0).Record(Entry{Question: "x", Time: now}) != nil {
		t.Error("a log without a directory failed")
	}
}

// TestBounded: the log never keeps more than MaxEntries.
func TestBounded(t *testing.T) {
	l := Open(t.TempDir(), 0)
	now := time.Now()
	for i := range MaxEntries + MaxEntries/5 {
		if err := l.Record(Entry{Question: "q " + strings.Repeat("x", i%7), Time: now, Kind: Declined}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := l.Entries(now)
	if len(entries) > MaxEntries {
		t.Errorf("%d entries kept, over %d", len(entries), MaxEntries)
	}
}

// BenchmarkRecord is the cost a declined question adds: one appended,
// synced line.
func BenchmarkRecord(b *testing.B) {
	l := Open(b.TempDir(), 0)
	now := time.Now()
	for b.Loop() {
		if err := l.Record(Entry{Question: "Who founded Unitree?", Time: now, Kind: Declined}); err != nil {
			b.Fatal(err)
		}
	}
}
