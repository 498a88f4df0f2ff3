package main

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cedict is a parsed CC-CEDICT file.
type cedict struct {
	header  []string          // the comment lines at the top (licence, publisher)
	meta    map[string]string // "#! key=value" lines
	entries []cedictEntry     // in file order
}

type cedictEntry struct {
	simplified string
	senses     []string
}

// loadCedict reads a CC-CEDICT file. Each entry line is
//
//	Traditional Simplified [pin1 yin1] /sense 1/sense 2/.../
func loadCedict(path string) (*cedict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cedict: %w", err)
	}
	defer f.Close()
	d := &cedict{meta: map[string]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "#") {
			d.header = append(d.header, line)
			if kv, ok := strings.CutPrefix(line, "#! "); ok {
				if k, v, ok := strings.Cut(kv, "="); ok {
					d.meta[k] = v
				}
			}
			continue
		}
		if line == "" {
			continue
		}
		e, err := parseCedictLine(line)
		if err != nil {
			return nil, fmt.Errorf("cedict: %s:%d: %w", path, n, err)
		}
		d.entries = append(d.entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cedict: read %s: %w", path, err)
	}
	if len(d.entries) == 0 {
		return nil, fmt.Errorf("cedict: %s has no entries", path)
	}
	return d, nil
}

func parseCedictLine(line string) (cedictEntry, error) {
	_, rest, ok := strings.Cut(line, " ")
	if !ok {
		return cedictEntry{}, fmt.Errorf("no simplified headword")
	}
	simp, rest, ok := strings.Cut(rest, " ")
	if !ok {
		return cedictEntry{}, fmt.Errorf("no pinyin")
	}
	i := strings.Index(rest, "] /")
	if !strings.HasPrefix(rest, "[") || i < 0 || !strings.HasSuffix(rest, "/") {
		return cedictEntry{}, fmt.Errorf("malformed entry %q", line)
	}
	defs := rest[i+3 : len(rest)-1]
	return cedictEntry{simplified: simp, senses: strings.Split(defs, "/")}, nil
}

// skippedSense reports senses that say nothing about meaning: classifier
// notes, variant and cross references, surnames.
func skippedSense(s string) bool {
	s = strings.ToLower(s)
	for _, p := range []string{
		"cl:", "see ", "see also", "also written", "also pr.", "also pr ", "pr. ", "same as",
		"surname ", "abbr. for", "abbr. to", "used in ", "used as ", "classifier for",
		"erhua variant", "taiwan pr.", "also called", "also known as", "also ",
	} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return strings.Contains(s, "variant of")
}

// removeNotes deletes parenthesised notes, including nested ones, and
// [pinyin] brackets.
func removeNotes(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '（':
			depth++
		case ')', ']', '）':
			if depth > 0 {
				depth--
			}
		default:
			if depth == 0 {
				b.WriteRune(r)
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// senseWords returns the English content words of one sense, or nil if the
// sense is skipped or has none.
func senseWords(sense string) []string {
	s := removeNotes(sense)
	if s == "" || skippedSense(s) || skippedSense(sense) {
		return nil
	}
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if len(w) < 2 || stopWords[w] || cedictNoise[w] {
			continue
		}
		words = append(words, w)
	}
	return words
}

// hanHeadword reports whether w is 1..maxHeadword Han characters.
func hanHeadword(w string) bool {
	n := utf8.RuneCountInString(w)
	if n < 1 || n > maxHeadword {
		return false
	}
	for _, r := range w {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// buildChinese makes the lines of chinese.txt.gz, sorted by headword:
// "headword<TAB>word word ..." or just "headword" when no sense is usable.
func buildChinese(d *cedict) []string {
	glosses := map[string]*list{}
	for _, e := range d.entries {
		if !hanHeadword(e.simplified) {
			continue
		}
		l := glosses[e.simplified]
		if l == nil {
			l = newList(maxGloss)
			glosses[e.simplified] = l
		}
		used := 0
		for _, s := range e.senses {
			if used == glossSenses {
				break
			}
			words := senseWords(s)
			if len(words) == 0 {
				continue
			}
			used++
			for _, w := range words {
				l.add(w)
			}
		}
	}
	lines := make([]string, 0, len(glosses))
	for hw, l := range glosses {
		if len(l.words) == 0 {
			lines = append(lines, hw)
			continue
		}
		lines = append(lines, hw+"\t"+strings.Join(l.words, " "))
	}
	slices.Sort(lines)
	return lines
}

// pivotSynonyms finds English near-synonyms through CC-CEDICT: two words
// that are both whole one-word senses ("to enlighten", "(business) firm")
// of at least minPivotSupport Chinese headwords. Only WordNet lemmas are
// kept. The result maps a word to its partners, best supported first.
func pivotSynonyms(d *cedict, wn *wordNet) map[string][]string {
	perHeadword := map[string]map[string]bool{}
	for _, e := range d.entries {
		for _, s := range e.senses {
			s = removeNotes(s)
			for _, p := range []string{"to ", "a ", "an ", "the "} {
				s = strings.TrimPrefix(s, p)
			}
			if !validWord(s) || wn.index[s] == nil {
				continue
			}
			set := perHeadword[e.simplified]
			if set == nil {
				set = map[string]bool{}
				perHeadword[e.simplified] = set
			}
			set[s] = true
		}
	}
	type pair struct{ a, b string }
	support := map[pair]int{}
	for _, set := range perHeadword {
		words := make([]string, 0, len(set))
		for w := range set {
			words = append(words, w)
		}
		slices.Sort(words)
		for i, a := range words {
			for _, b := range words[i+1:] {
				support[pair{a, b}]++
			}
		}
	}
	type partner struct {
		word    string
		support int
	}
	partners := map[string][]partner{}
	for p, n := range support {
		if n < minPivotSupport {
			continue
		}
		partners[p.a] = append(partners[p.a], partner{p.b, n})
		partners[p.b] = append(partners[p.b], partner{p.a, n})
	}
	out := make(map[string][]string, len(partners))
	for w, ps := range partners {
		slices.SortFunc(ps, func(x, y partner) int {
			return cmp.Or(cmp.Compare(y.support, x.support), cmp.Compare(wn.freq[y.word], wn.freq[x.word]), strings.Compare(x.word, y.word))
		})
		words := make([]string, len(ps))
		for i, p := range ps {
			words[i] = p.word
		}
		out[w] = words
	}
	return out
}
