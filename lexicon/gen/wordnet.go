package main

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// synset is one WordNet synset as read from a data.* file.
type synset struct {
	words   []string // as written (case kept), adjective markers removed
	lexIDs  []int
	lexFile int
	ssType  byte // n, v, a, s or r
	ptrs    []pointer
}

// pointer is one relation from a synset (or one of its words) to another.
type pointer struct {
	sym      string // @ hypernym, ~ hyponym, + derivation, ...
	target   string // synset key
	src, dst int    // 1-based word numbers; 0 means the whole synset
}

type wordNet struct {
	synsets map[string]*synset           // key: file letter (n v a r) + offset
	index   map[string]map[byte][]string // lemma -> part of speech -> synset keys, most frequent first
	counts  map[string]int               // "lemma%sstype:lexfile:lexid" -> sense tag count
	freq    map[string]int               // lemma -> tag count summed over its senses

	exceptions map[string][]posBase             // irregular inflection -> its base forms
	orphans    map[string]*[len(posLetters)]int // lemma -> tag counts of senses not in the database
}

var partsOfSpeech = []struct {
	letter byte
	file   string
}{{'n', "noun"}, {'v', "verb"}, {'a', "adj"}, {'r', "adv"}}

func loadWordNet(dir string) (*wordNet, error) {
	wn := &wordNet{
		synsets: map[string]*synset{},
		index:   map[string]map[byte][]string{},
		counts:  map[string]int{},
		freq:    map[string]int{},

		exceptions: map[string][]posBase{},
		orphans:    map[string]*[len(posLetters)]int{},
	}
	for _, p := range partsOfSpeech {
		if err := wn.readData(filepath.Join(dir, "data."+p.file), p.letter); err != nil {
			return nil, err
		}
		if err := wn.readIndex(filepath.Join(dir, "index."+p.file), p.letter); err != nil {
			return nil, err
		}
	}
	if err := wn.readCounts(filepath.Join(dir, "cntlist.rev")); err != nil {
		return nil, err
	}
	if err := wn.readExceptions(dir); err != nil {
		return nil, err
	}
	wn.findOrphanCounts()
	return wn, nil
}

// eachLine calls fn for every line of a WordNet file except the licence
// header, whose lines start with two spaces.
func eachLine(path string, fn func(line string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("wordnet: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "  ") || line == "" {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("wordnet: %s:%d: %w", path, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("wordnet: read %s: %w", path, err)
	}
	return nil
}

// readData parses a data.* file: offset lex_filenum ss_type w_cnt
// [word lex_id]... p_cnt [ptr_symbol offset pos source/target]... | gloss
func (wn *wordNet) readData(path string, letter byte) error {
	return eachLine(path, func(line string) error {
		if i := strings.Index(line, " | "); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return fmt.Errorf("short synset line")
		}
		lexFile, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("lex_filenum: %w", err)
		}
		nw, err := strconv.ParseInt(f[3], 16, 32)
		if err != nil {
			return fmt.Errorf("w_cnt: %w", err)
		}
		ss := &synset{lexFile: lexFile, ssType: f[2][0]}
		i := 4
		for range nw {
			if i+1 >= len(f) {
				return fmt.Errorf("truncated word list")
			}
			w := f[i]
			if j := strings.IndexByte(w, '('); j > 0 {
				w = w[:j] // adjective markers: (a), (p), (ip)
			}
			id, err := strconv.ParseInt(f[i+1], 16, 32)
			if err != nil {
				return fmt.Errorf("lex_id: %w", err)
			}
			ss.words = append(ss.words, w)
			ss.lexIDs = append(ss.lexIDs, int(id))
			i += 2
		}
		if i >= len(f) {
			return fmt.Errorf("missing p_cnt")
		}
		np, err := strconv.Atoi(f[i])
		if err != nil {
			return fmt.Errorf("p_cnt: %w", err)
		}
		i++
		for range np {
			if i+3 >= len(f) {
				return fmt.Errorf("truncated pointer list")
			}
			st, err := strconv.ParseUint(f[i+3], 16, 16)
			if err != nil {
				return fmt.Errorf("source/target: %w", err)
			}
			ss.ptrs = append(ss.ptrs, pointer{
				sym:    f[i],
				target: fileLetter(f[i+2][0]) + f[i+1],
				src:    int(st >> 8),
				dst:    int(st & 0xff),
			})
			i += 4
		}
		wn.synsets[string(letter)+f[0]] = ss
		return nil
	})
}

// fileLetter maps a part of speech to the data file it lives in:
// adjective satellites (s) are in data.adj.
func fileLetter(pos byte) string {
	if pos == 's' {
		return "a"
	}
	return string(pos)
}

// readIndex parses an index.* file: lemma pos synset_cnt p_cnt
// [ptr_symbol]... sense_cnt tagsense_cnt synset_offset...
func (wn *wordNet) readIndex(path string, letter byte) error {
	return eachLine(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) < 4 {
			return fmt.Errorf("short index line")
		}
		nsyn, err := strconv.Atoi(f[2])
		if err != nil {
			return fmt.Errorf("synset_cnt: %w", err)
		}
		np, err := strconv.Atoi(f[3])
		if err != nil {
			return fmt.Errorf("p_cnt: %w", err)
		}
		offsets := f[4+np+2:]
		if len(offsets) != nsyn {
			return fmt.Errorf("%d synset offsets, want %d", len(offsets), nsyn)
		}
		keys := make([]string, len(offsets))
		for i, o := range offsets {
			keys[i] = string(letter) + o
		}
		m := wn.index[f[0]]
		if m == nil {
			m = map[byte][]string{}
			wn.index[f[0]] = m
		}
		m[letter] = keys
		return nil
	})
}

// readCounts parses cntlist.rev: sense_key sense_number tag_cnt, where a
// sense key is lemma%ss_type:lex_filenum:lex_id:head_word:head_id.
func (wn *wordNet) readCounts(path string) error {
	return eachLine(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) != 3 {
			return fmt.Errorf("want 3 fields, got %d", len(f))
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return fmt.Errorf("tag_cnt: %w", err)
		}
		key := f[0]
		if i := nthIndex(key, ':', 3); i >= 0 {
			key = key[:i]
		}
		wn.counts[key] += n
		if i := strings.IndexByte(key, '%'); i > 0 {
			wn.freq[key[:i]] += n
		}
		return nil
	})
}

func nthIndex(s string, c byte, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n--
			if n == 0 {
				return i
			}
		}
	}
	return -1
}

var ssTypeNumber = map[byte]int{'n': 1, 'v': 2, 'a': 3, 'r': 4, 's': 5}

// senseCount is how often word was tagged in the sense of synset ss.
func (wn *wordNet) senseCount(ss *synset, wordIndex int) int {
	return wn.counts[senseKey(ss.words[wordIndex], ss.ssType, ss.lexFile, ss.lexIDs[wordIndex])]
}

// validWord reports whether w may appear in the English data: a lowercase
// single word of at least three letters that is not a stop word.
func validWord(w string) bool {
	if len(w) < 3 || stopWords[w] {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// list is an ordered set of words with a cap.
type list struct {
	words []string
	seen  map[string]bool
	max   int
}

func newList(max int, exclude ...string) *list {
	l := &list{seen: map[string]bool{}, max: max}
	for _, w := range exclude {
		l.seen[w] = true
	}
	return l
}

func (l *list) add(w string) {
	if len(l.words) >= l.max || l.seen[w] {
		return
	}
	l.seen[w] = true
	l.words = append(l.words, w)
}

func (l *list) full() bool { return len(l.words) >= l.max }

// buildEnglish makes the lines of english.txt.gz, sorted by word:
// word<TAB>synonyms<TAB>related<TAB>part of speech. Words with synonyms or
// related words are there, and so is every other lowercase word of two or
// more letters that WordNet has (a lemma, or an irregular inflection in the
// exception lists), with empty lists, for its part of speech.
func buildEnglish(wn *wordNet, pivots map[string][]string) []string {
	seen := map[string]bool{}
	var words []string
	for w := range wn.index {
		if posWord(w) && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for w := range wn.exceptions {
		if posWord(w) && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	slices.Sort(words)

	// The irregular forms of nouns and verbs, both ways: sold and sell,
	// mice and mouse. A form that is itself a word of the same part of
	// speech is left out: found is to find, and also to found.
	forms := map[string][]string{}
	for inflected, bases := range wn.exceptions {
		for _, b := range bases {
			if (b.letter == 'n' || b.letter == 'v') && posWord(inflected) && posWord(b.base) && len(wn.index[inflected][b.letter]) == 0 {
				forms[inflected] = append(forms[inflected], b.base)
				forms[b.base] = append(forms[b.base], inflected)
			}
		}
	}
	for w, f := range forms {
		slices.Sort(f)
		forms[w] = slices.Compact(f)
	}

	var lines []string
	for _, w := range words {
		var syn, rel []string
		if validWord(w) && wn.index[w] != nil {
			syn, rel = wn.entry(w, pivots[w])
		}
		pos := wn.posLetter(w)
		if len(syn) == 0 && len(rel) == 0 && pos == 0 {
			continue
		}
		col := ""
		if pos != 0 {
			col = string(pos)
		}
		lines = append(lines, w+"\t"+strings.Join(syn, " ")+"\t"+strings.Join(rel, " ")+"\t"+col+"\t"+strings.Join(forms[w], " "))
	}
	return lines
}

// entry computes the synonyms and related words of one lemma.
func (wn *wordNet) entry(lemma string, pivot []string) (syn, rel []string) {
	byPOS := wn.index[lemma]
	// Parts of speech in which the lemma is most used come first.
	type posSenses struct {
		letter byte
		keys   []string
		freq   int
	}
	var senses []posSenses
	for _, p := range partsOfSpeech {
		ps := posSenses{letter: p.letter}
		for j, k := range byPOS[p.letter] {
			ss := wn.synsets[k]
			i := ss.wordIndex(lemma)
			// Senses where the word is a proper name (Cancer the
			// constellation) are not senses of the lowercase word. A word
			// whose commonest sense is a name (China before china, the
			// porcelain) is above all that name: its other senses in this
			// part of speech would mislead, so none are used.
			if i < 0 || ss.words[i] != lemma {
				if j == 0 {
					break
				}
				continue
			}
			ps.freq += wn.senseCount(ss, i)
			if len(ps.keys) < maxSenses {
				ps.keys = append(ps.keys, k)
			}
		}
		if len(ps.keys) > 0 {
			senses = append(senses, ps)
		}
	}
	slices.SortStableFunc(senses, func(a, b posSenses) int { return cmp.Compare(b.freq, a.freq) })

	// WordNet synonyms, sense by sense.
	wnSyn := newList(maxSynonyms+maxWordNetSynonyms, lemma)
	for rank := range maxSenses {
		for _, ps := range senses {
			if rank >= len(ps.keys) {
				continue
			}
			for _, w := range wn.synsets[ps.keys[rank]].words {
				if validWord(w) {
					wnSyn.add(w)
				}
			}
		}
	}

	// Related words: hypernyms, derivations, then hyponyms by frequency.
	related := newList(maxRelated, append([]string{lemma}, wnSyn.words...)...)
	var hypo []candidate
	for rank := range maxSenses {
		for _, ps := range senses {
			if rank >= len(ps.keys) {
				continue
			}
			ss := wn.synsets[ps.keys[rank]]
			self := ss.wordIndex(lemma) + 1
			for _, p := range ss.ptrs {
				t := wn.synsets[p.target]
				if t == nil {
					continue
				}
				switch {
				case ps.letter == 'n' && (p.sym == "@" || p.sym == "@i"):
					wn.addHypernym(related, t)
				case p.sym == "+" && p.src == self && p.dst > 0 && p.dst <= len(t.words):
					if w := t.words[p.dst-1]; validWord(w) {
						related.add(w)
					}
				case ps.letter == 'n' && (p.sym == "~" || p.sym == "~i"):
					for i, w := range t.words {
						if validWord(w) {
							hypo = append(hypo, candidate{w, wn.senseCount(t, i), wn.freq[w]})
						}
					}
				}
			}
		}
	}
	slices.SortStableFunc(hypo, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(b.freq, a.freq), strings.Compare(a.word, b.word))
	})
	for _, c := range hypo {
		if related.full() {
			break
		}
		related.add(c.word)
	}

	// Synonyms: the first WordNet ones, then pivot synonyms that WordNet
	// does not already relate, then the remaining WordNet ones.
	synonyms := newList(maxSynonyms, lemma)
	for _, w := range wnSyn.words[:min(len(wnSyn.words), maxWordNetSynonyms)] {
		synonyms.add(w)
	}
	letters := make([]byte, len(senses))
	for i, ps := range senses {
		letters[i] = ps.letter
	}
	for _, w := range wn.interleavePivots(pivot, letters) {
		if !slices.Contains(related.words, w) {
			synonyms.add(w)
		}
	}
	for _, w := range wnSyn.words {
		synonyms.add(w)
	}
	return synonyms.words, related.words
}

// addHypernym adds the one-word lemmas of hypernym synset t, or, when it
// has none (malignant_tumor), those of its own hypernyms (tumor).
func (wn *wordNet) addHypernym(l *list, t *synset) {
	if slices.ContainsFunc(t.words, validWord) {
		for _, w := range t.words {
			if validWord(w) {
				l.add(w)
			}
		}
		return
	}
	for _, p := range t.ptrs {
		if p.sym != "@" && p.sym != "@i" {
			continue
		}
		if up := wn.synsets[p.target]; up != nil {
			for _, w := range up.words {
				if validWord(w) {
					l.add(w)
				}
			}
		}
	}
}

// interleavePivots orders pivot synonyms (best supported first) so that
// each part of speech of the word gets a turn: for "firm", mostly an
// adjective, the noun partners (company) are not crowded out by the many
// adjective ones (strong, solid, ...). A partner belongs to the first of
// letters, the word's parts of speech by use, that it shares.
func (wn *wordNet) interleavePivots(pivot []string, letters []byte) []string {
	buckets := make([][]string, len(letters)+1)
	for _, w := range pivot {
		b := len(letters)
		for i, l := range letters {
			if len(wn.index[w][l]) > 0 {
				b = i
				break
			}
		}
		buckets[b] = append(buckets[b], w)
	}
	out := make([]string, 0, len(pivot))
	for i := 0; len(out) < len(pivot); i++ {
		for _, b := range buckets {
			if i < len(b) {
				out = append(out, b[i])
			}
		}
	}
	return out
}

type candidate struct {
	word        string
	count, freq int
}

// wordIndex is the 0-based position of lemma among the synset's words,
// ignoring case, or -1.
func (ss *synset) wordIndex(lemma string) int {
	for i, w := range ss.words {
		if strings.EqualFold(w, lemma) {
			return i
		}
	}
	return -1
}
