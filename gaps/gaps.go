// Package gaps keeps what members asked that the sources lack: every
// declined question and every 👎, with its time and channel (no user), in
// DATA_DIR/gaps.jsonl, so that an admin knows which article to add next.
// The file is appended line by line with a sync; a line cut short by a
// crash is skipped when read; entries older than the retention are dropped
// and the file never holds more than MaxEntries.
package gaps

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

// FileName is the log's name in the data directory.
const FileName = "gaps.jsonl"

// MaxEntries bounds the log; the oldest entries go first.
const MaxEntries = 20000

// Kinds of entries.
const (
	Declined   = "declined"    // "Not in my sources"
	ThumbsDown = "thumbs-down" // a member's 👎 on an answer
)

// Entry is one question the sources did not serve.
type Entry struct {
	Question string    `json:"question"`
	Time     time.Time `json:"time"`
	Channel  string    `json:"channel,omitempty"`
	Kind     string    `json:"kind"`
}

// Log is the gaps file of one data directory; it is safe for concurrent
// use. A Log with no directory records nothing.
type Log struct {
	path      string
	retention time.Duration
	mu        sync.Mutex
	appended  int // since the last compaction
}

// Open returns the log in dataDir keeping entries for retention (0: 30
// days); an empty dataDir keeps nothing.
func Open(dataDir string, retention time.Duration) *Log {
	if retention <= 0 {
		retention = 30 * 24 * time.Hour
	}
	if dataDir == "" {
		return &Log{retention: retention}
	}
	return &Log{path: filepath.Join(dataDir, FileName), retention: retention}
}

// Record appends one entry.
func (l *Log) Record(e Entry) error {
	if l.path == "" || strings.TrimSpace(e.Question) == "" {
		return nil
	}
	e.Question = strings.Join(strings.Fields(e.Question), " ")
	if len(e.Question) > 500 {
		e.Question = strings.ToValidUTF8(e.Question[:500], "")
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(l.path), 0o755); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	if l.appended++; l.appended >= MaxEntries/10 {
		l.appended = 0
		return l.compactLocked(time.Now())
	}
	return nil
}

// Entries reads the entries within the retention, oldest first; a line cut
// short or garbled is skipped.
func (l *Log) Entries(now time.Time) ([]Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.readLocked(now)
}

func (l *Log) readLocked(now time.Time) ([]Entry, error) {
	if l.path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(l.path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("gaps: %w", err)
	}
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Question == "" || now.Sub(e.Time) > l.retention {
			continue
		}
		out = append(out, e)
	}
	if len(out) > MaxEntries {
		out = out[len(out)-MaxEntries:]
	}
	return out, nil
}

// compactLocked rewrites the file with the entries within the retention
// and the bound, through a temporary file renamed into place.
func (l *Log) compactLocked(now time.Time) error {
	entries, err := l.readLocked(now)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, e := range entries {
		line, _ := json.Marshal(e)
		b.Write(append(line, '\n'))
	}
	tmp := l.path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	if err := os.Rename(tmp, l.path); err != nil {
		return fmt.Errorf("gaps: %w", err)
	}
	return nil
}

// Group is questions that are near duplicates of one another.
type Group struct {
	// Question is the group's most recent wording.
	Question  string
	Count     int
	LastAsked time.Time
	// Kinds counts the group's entries by kind.
	Kinds map[string]int
}

// Groups gathers entries into groups of near duplicates (see similar), most
// asked first, then most recent; at most n (0: all).
func Groups(entries []Entry, n int) []Group {
	type group struct {
		Group
		words map[string]bool
	}
	var gs []*group
	for _, e := range entries {
		words := contentWords(e.Question)
		var into *group
		for _, g := range gs {
			if similar(words, g.words) {
				into = g
				break
			}
		}
		if into == nil {
			into = &group{Group: Group{Kinds: map[string]int{}}, words: words}
			gs = append(gs, into)
		}
		into.Count++
		into.Kinds[e.Kind]++
		if !e.Time.Before(into.LastAsked) {
			into.LastAsked, into.Question = e.Time, e.Question
		}
	}
	sort.SliceStable(gs, func(i, j int) bool {
		if gs[i].Count != gs[j].Count {
			return gs[i].Count > gs[j].Count
		}
		return gs[i].LastAsked.After(gs[j].LastAsked)
	})
	var out []Group
	for _, g := range gs {
		if n > 0 && len(out) == n {
			break
		}
		out = append(out, g.Group)
	}
	return out
}

// contentWords are a question's words, lowercased, without the short and
// the common ones; a Chinese question's characters count one by one.
func contentWords(q string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if common[w] || len(w) < 3 && !unicode.Is(unicode.Han, []rune(w)[0]) {
			continue
		}
		if unicode.Is(unicode.Han, []rune(w)[0]) {
			for _, r := range w {
				out[string(r)] = true
			}
			continue
		}
		out[strings.TrimSuffix(w, "s")] = true
	}
	return out
}

var common = map[string]bool{"the": true, "what": true, "which": true, "who": true, "when": true, "where": true,
	"why": true, "how": true, "does": true, "did": true, "are": true, "was": true, "were": true, "for": true,
	"and": true, "any": true, "about": true, "with": true, "this": true, "that": true, "there": true, "many": true,
	"much": true, "its": true, "their": true, "you": true, "can": true, "tell": true}

func similar(a, b map[string]bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	both := 0
	for w := range a {
		if b[w] {
			both++
		}
	}
	// One question's words nearly all in the other's, and half of all the
	// words shared: "who founded unitree" and "who founded Unitree, the
	// robot company", not "how much does a Unitree robot cost".
	return float64(both)/float64(min(len(a), len(b))) >= 0.8 && float64(both)/float64(len(a)+len(b)-both) >= 0.4
}
