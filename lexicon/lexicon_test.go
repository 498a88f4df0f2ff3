package lexicon

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentFirstLoad runs first lookups on a fresh lexicon from many
// goroutines at once; run it with -race.
func TestConcurrentFirstLoad(t *testing.T) {
	l := &lexicon{englishGz: englishGz, chineseGz: chineseGz}
	const goroutines = 8
	results := make([]string, goroutines)
	var wg sync.WaitGroup
	for i := range goroutines {
		wg.Go(func() {
			var parts []string
			if i%2 == 0 {
				parts = append(parts, strings.Join(l.synonyms("nickname"), " "))
				parts = append(parts, strings.Join(l.segment("量子计算"), "|"))
			} else {
				parts = append(parts, strings.Join(l.segment("量子计算"), "|"))
				parts = append(parts, strings.Join(l.synonyms("nickname"), " "))
			}
			slices.Sort(parts)
			results[i] = strings.Join(parts, "/")
		})
	}
	wg.Wait()
	for i, r := range results {
		if r != results[0] {
			t.Errorf("goroutine %d: got %q, want %q", i, r, results[0])
		}
	}
	if !strings.Contains(results[0], "moniker") {
		t.Errorf("got %q, want it to contain moniker", results[0])
	}
}

func TestEnglish(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) []string
		word string
		want []string // each must be in the result
	}{
		{"Synonyms", Synonyms, "nickname", []string{"moniker"}},
		{"Synonyms", Synonyms, "firm", []string{"company"}},
		{"Synonyms", Synonyms, "town", []string{"city"}},
		{"Synonyms", Synonyms, "Towns", []string{"city"}},
		{"Synonyms", Synonyms, "robot", []string{"automaton"}},
		{"Related", Related, "illness", []string{"disease"}},
		{"Related", Related, "illnesses", []string{"disease"}},
		{"Related", Related, "disease", []string{"illness"}},
		{"Related", Related, "cancer", []string{"tumor"}},
		{"Related", Related, "bank", []string{"banking"}},
		{"Related", Related, "banks", []string{"banking"}},
		{"Related", Related, "hydrogen", []string{"gas"}},
		{"Related", Related, "technology", []string{"biotechnology"}},
		{"Synonyms", Synonyms, "studies", []string{"survey"}},
		{"Related", Related, "discussing", []string{"discussion"}},
		{"Synonyms", Synonyms, "stopped", []string{"halt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.word, func(t *testing.T) {
			got := tt.fn(tt.word)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%s(%q): got %q, want it to contain %q", tt.name, tt.word, got, w)
				}
			}
		})
	}
}

func TestEnglishLimits(t *testing.T) {
	for _, word := range []string{"town", "firm", "bank", "company", "illness", "car"} {
		t.Run(word, func(t *testing.T) {
			for name, got := range map[string][]string{"Synonyms": Synonyms(word), "Related": Related(word)} {
				if len(got) > 12 {
					t.Errorf("%s(%q): got %d words, want at most 12", name, word, len(got))
				}
				for _, w := range got {
					if w == word || stopWord(w) {
						t.Errorf("%s(%q): got %q in %q, want neither the word nor a stop word", name, word, w, got)
					}
				}
			}
		})
	}
}

func stopWord(w string) bool {
	return slices.Contains([]string{"the", "and", "of", "to", "a", "in", "is", "it"}, w)
}

func TestPartOfSpeech(t *testing.T) {
	tests := []struct {
		word        string
		noun, known bool
	}{
		// Mainly nouns, by WordNet's sense tag counts or, untagged, by
		// having noun senses and no verb senses.
		{"ceo", true, true}, // CEO, an abbreviation of a common noun
		{"minister", true, true},
		{"copies", true, true}, // copy
		{"market", true, true},
		{"vehicle", true, true},
		{"chip", true, true},
		{"astronaut", true, true},
		{"forum", true, true},
		{"founder", true, true},
		{"role", true, true},
		{"Lawmakers", true, true}, // lawmaker
		{"street", true, true},
		{"phrase", true, true},
		{"focus", true, true}, // noun senses tagged 12 times, verb senses 11
		{"china", true, true}, // porcelain
		// Not mainly nouns.
		{"implant", false, true}, // the noun was never tagged, the verb once
		{"come", false, true},
		{"came", false, true}, // verb.exc: come
		{"give", false, true},
		{"got", false, true}, // verb.exc: get
		{"build", false, true},
		{"release", false, true}, // verb senses tagged 32 times, noun senses 16
		{"work", false, true},
		{"sell", false, true},
		{"speak", false, true},
		{"exactly", false, true},
		{"besides", false, true},
		{"longer", false, true},
		{"afraid", false, true},
		{"must", false, true}, // a verb sense tagged 4 times that WordNet 3.0 dropped
		{"will", false, true}, // stop words are never nouns
		{"it", false, true},
		{"haven", true, true}, // a contraction part that is also a word
		// Proper names only, or not in WordNet.
		{"australia", false, false},
		{"who", false, false}, // WHO, a proper name, and a stop word
		{"the", false, false},
		{"qwertyzzz", false, false},
		{"", false, false},
		{"城市", false, false},
	}
	verbs := map[string]bool{"come": true, "came": true, "give": true, "got": true, "build": true, "release": true,
		"work": true, "sell": true, "speak": true, "implant": true, "must": true}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			if got := Verb(tt.word); got != verbs[tt.word] {
				t.Errorf("Verb(%q): got %v, want %v", tt.word, got, verbs[tt.word])
			}
			if got := Noun(tt.word); got != tt.noun {
				t.Errorf("Noun(%q): got %v, want %v", tt.word, got, tt.noun)
			}
			if got := Known(tt.word); got != tt.known {
				t.Errorf("Known(%q): got %v, want %v", tt.word, got, tt.known)
			}
		})
	}
}

// TestPartOfSpeechOnlyEntries checks that words listed only for their part
// of speech leave Synonyms and Related as they were: a base form with words
// is still found for an inflection that WordNet lists without any.
func TestPartOfSpeechOnlyEntries(t *testing.T) {
	m := std.englishTable()
	n := 0
	for w, e := range m {
		if e.hasWords() {
			continue
		}
		n++
		if !e.known() {
			t.Fatalf("entry %q has neither words nor a part of speech", w)
		}
		var want englishEntry
		baseForms(w, func(base string) bool {
			b, ok := m[base]
			if ok && b.hasWords() {
				want = b
			}
			return ok && b.hasWords()
		})
		if got := strings.Join(Synonyms(w), " "); got != want.syn {
			t.Fatalf("Synonyms(%q): got %q, want %q", w, got, want.syn)
		}
	}
	if n == 0 {
		t.Fatal("no part-of-speech-only entries")
	}
}

func TestChinaIsNotPorcelain(t *testing.T) {
	// WordNet's first sense of china is the country, a proper name; the
	// lowercase senses (porcelain) must not stand in for it.
	if got := Related("china"); got != nil {
		t.Errorf("Related(%q): got %q, want nil", "china", got)
	}
}

func TestGloss(t *testing.T) {
	tests := []struct {
		word string
		want []string // each must be in the result
	}{
		{"工信部", []string{"ministry", "industry", "information", "technology"}},
		{"量子", []string{"quantum"}},
		{"氢", []string{"hydrogen"}},
		{"机器人", []string{"robot"}},
		{"城市", []string{"city"}},
		{"摩根士丹利", []string{"morgan", "stanley"}},
		{"启发", []string{"enlighten"}},
		{"人工智能", []string{"artificial", "intelligence"}},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			got := Gloss(tt.word)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Gloss(%q): got %q, want it to contain %q", tt.word, got, w)
				}
			}
			for _, w := range got {
				if w != strings.ToLower(w) || stopWord(w) || w == "cl" {
					t.Errorf("Gloss(%q): got %q in %q, want lowercase content words", tt.word, w, got)
				}
			}
		})
	}
}

func TestSegment(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"工信部发布了指导意见", []string{"工信部", "发布", "了", "指导", "意见"}},
		{"量子计算机器人", []string{"量子", "计算机", "器", "人"}}, // greedy, as forward maximum matching is
		{"城市", []string{"城市"}},
		{"氢", []string{"氢"}},
		{"𪚥𪚥", []string{"𪚥", "𪚥"}}, // rare characters come out one by one
		{"AI芯片", []string{"A", "I", "芯片"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Segment(tt.in)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Segment(%q): got %q, want %q", tt.in, got, tt.want)
			}
			if strings.Join(got, "") != tt.in {
				t.Errorf("Segment(%q): got %q, want pieces that join back to the input", tt.in, got)
			}
		})
	}
}

func TestUnknown(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) []string
		in   string
	}{
		{"Synonyms", Synonyms, "qwertyzzz"},
		{"Synonyms", Synonyms, ""},
		{"Synonyms", Synonyms, "the"},
		{"Synonyms", Synonyms, "城市"},
		{"Related", Related, "qwertyzzzs"},
		{"Related", Related, "xs"},
		{"Gloss", Gloss, "不存在的词语"},
		{"Gloss", Gloss, ""},
		{"Gloss", Gloss, "city"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.in, func(t *testing.T) {
			if got := tt.fn(tt.in); got != nil {
				t.Errorf("%s(%q): got %q, want nil", tt.name, tt.in, got)
			}
		})
	}
}

func TestResultsAreCopies(t *testing.T) {
	got := Synonyms("nickname")
	got[0] = "changed"
	if again := Synonyms("nickname"); again[0] == "changed" {
		t.Errorf("Synonyms: got %q after a caller changed an earlier result, want it unchanged", again)
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		parse   func([]byte) error
		data    []byte
		malform bool // the error wraps errMalformed
	}{
		{"english not gzip", parseEnglishErr, []byte("plain text"), false},
		{"english truncated", parseEnglishErr, gz("town\tcity\tmunicipality\tn\n")[:20], false},
		{"english one tab", parseEnglishErr, gz("town\tcity\n"), true},
		{"english two tabs", parseEnglishErr, gz("town\tcity\tmunicipality\n"), true},
		{"english no word", parseEnglishErr, gz("\tcity\tx\tn\n"), true},
		{"english bad part of speech", parseEnglishErr, gz("town\tcity\tx\tq\n"), true},
		{"english long part of speech", parseEnglishErr, gz("town\tcity\tx\tnn\n"), true},
		{"chinese not gzip", parseChineseErr, nil, false},
		{"chinese two tabs", parseChineseErr, gz("城市\tcity\ttown\n"), true},
		{"chinese empty headword", parseChineseErr, gz("\tcity\n"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.data)
			if err == nil {
				t.Fatalf("got nil error, want one")
			}
			if got := errors.Is(err, errMalformed); got != tt.malform {
				t.Errorf("errors.Is(%v, errMalformed): got %v, want %v", err, got, tt.malform)
			}
		})
	}
	if _, err := parseChinese(gz("城市\tcity town\n氢\n")); err != nil {
		t.Errorf("parseChinese(valid): got %v, want nil", err)
	}
	m, err := parseEnglish(gz("town\tcity\tx\tn\nsay\t\t\tv\nwritings\tarticle\t\t\n"))
	if err != nil {
		t.Errorf("parseEnglish(valid): got %v, want nil", err)
	}
	if m["town"].pos != 'n' || m["say"].pos != 'v' || m["writings"].pos != 0 || m["writings"].syn != "article" {
		t.Errorf("parseEnglish(valid): got %+v", m)
	}
}

func parseEnglishErr(b []byte) error { _, err := parseEnglish(b); return err }
func parseChineseErr(b []byte) error { _, err := parseChinese(b); return err }

func TestCorruptEmbeddedDataPanics(t *testing.T) {
	l := &lexicon{englishGz: []byte("corrupt"), chineseGz: []byte("corrupt")}
	for name, fn := range map[string]func(){
		"english": func() { l.synonyms("town") },
		"chinese": func() { l.segment("城市") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg := fmt.Sprint(r); !strings.Contains(msg, "corrupt") {
					t.Errorf("got panic %q, want one that says the data is corrupt", msg)
				}
			}()
			fn()
		})
	}
}

// TestLoadMemory logs what the parsed tables keep on the heap.
func TestLoadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures a full load")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := &lexicon{englishGz: englishGz, chineseGz: chineseGz}
	l.englishTable()
	l.chineseTable()
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("english %d words, chinese %d headwords, retained heap %.1f MiB",
		len(l.english), len(l.chinese), float64(after.HeapAlloc-before.HeapAlloc)/(1<<20))
	runtime.KeepAlive(l)
}

// BenchmarkLoad measures parsing both embedded files, as the first lookups do.
func BenchmarkLoad(b *testing.B) {
	b.Run("english", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseEnglish(englishGz); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chinese", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseChinese(chineseGz); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("both", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseEnglish(englishGz); err != nil {
				b.Fatal(err)
			}
			if _, err := parseChinese(chineseGz); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLookup measures lookups on loaded tables.
func BenchmarkLookup(b *testing.B) {
	Synonyms("town")
	Gloss("城市")
	benchmarks := []struct {
		name string
		fn   func()
	}{
		{"Synonyms", func() { Synonyms("town") }},
		{"Synonyms/base-form", func() { Synonyms("illnesses") }},
		{"Synonyms/unknown", func() { Synonyms("qwertyzzz") }},
		{"Noun", func() { Noun("market") }},
		{"Noun/base-form", func() { Noun("lawmakers") }},
		{"Related", func() { Related("illness") }},
		{"Gloss", func() { Gloss("工信部") }},
		{"Segment", func() { Segment("工信部发布了指导意见") }},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bm.fn()
			}
		})
	}
}

// TestForms: the irregular forms of nouns and verbs, both ways; regular
// words, forms that are words of their own (found), inflections of the
// base (sells) and adjectives have none.
func TestForms(t *testing.T) {
	for word, want := range map[string]string{"sell": "sold", "sold": "sell", "mice": "mouse", "built": "build", "founded": "", "found": "", "sells": ""} {
		got := Forms(word)
		if want == "" && len(got) > 0 || want != "" && !slices.Contains(got, want) {
			t.Errorf("Forms(%q) = %q, want %q among them", word, got, want)
		}
	}
	if got := Forms("better"); slices.Contains(got, "good") {
		t.Errorf("Forms(better) = %q: adjectives are left out", got)
	}
}
