// Package lexicon is a small lexical resource for question answering:
// English synonyms, related words and parts of speech from WordNet 3.0,
// and Chinese word segmentation and English glosses from CC-CEDICT.
//
// The data is embedded in the binary (lexicon/data, made by lexicon/gen)
// and parsed on first use, once per table: the first English lookup parses
// the English table and the first Segment or Gloss call the Chinese one.
// All functions are safe for concurrent use. Every returned slice is newly
// allocated, so callers may keep or modify it.
//
// Licences: WordNet 3.0 licence (data/WORDNET-LICENSE); the Chinese table and
// the CC-CEDICT pivot synonyms are adapted from CC-CEDICT under CC BY-SA 4.0
// (data/CEDICT-LICENSE).
package lexicon

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"
)

// posLetters are the parts of speech of english.txt.gz: noun, verb,
// adjective, adverb, function word.
const posLetters = "nvarf"

// maxWordLen is the length, in characters, of the longest Chinese word that
// Segment looks for.
const maxWordLen = 8

var (
	//go:embed data/english.txt.gz
	englishGz []byte
	//go:embed data/chinese.txt.gz
	chineseGz []byte
)

// std is the lexicon behind the package functions.
var std = &lexicon{englishGz: englishGz, chineseGz: chineseGz}

// Load parses both tables now instead of on first use, so that the first
// question a server answers does not wait for them (about 100 ms).
func Load() {
	std.englishTable()
	std.chineseTable()
}

// Synonyms returns words with the same meaning as the English word: other
// one-word lemmas of its first three WordNet senses in each part of speech,
// then near-synonyms that CC-CEDICT gives as translations of the same Chinese
// words (firm and company both translate 公司). At most 12, most useful
// first.
//
// The word is matched in lowercase; if it is not known, its simple base form
// is tried (towns → town, illnesses → illness, studies → study, banked →
// bank, making → make). Synonyms returns nil for an unknown word or a word
// without synonyms.
func Synonyms(word string) []string { return std.synonyms(word) }

// Related returns words related to the English word by WordNet: the
// hypernyms of its first three noun senses (illness → ill; cancer →
// tumor), derivationally related forms (bank → banking), and the hyponyms
// of those noun senses, most frequent first (illness → disease). At most 12.
// No word is in both Synonyms and Related. The word is matched as in
// Synonyms; Related returns nil for an unknown word or a word without
// related words.
func Related(word string) []string { return std.related(word) }

// Noun reports whether the English word is mainly a noun in WordNet: its
// noun senses were tagged (in WordNet's sense-tagged texts) at least as
// often as its verb, adjective and adverb senses together, or, for a word
// none of whose senses was ever tagged, it has noun senses and no verb
// senses. Proper-name senses (Australia) do not count; all-capitals
// abbreviations of common nouns do (ceo, dna). An irregular inflection
// counts as its base form in that part of speech (came: the verb come).
// Stop words (it, will, can) are never nouns. The word is matched as in
// Synonyms: market, copies, lawmakers and role are nouns; come, give,
// release, exactly and afraid are not. Noun returns false for an unknown
// word.
func Noun(word string) bool { return std.noun(word) }

// Forms returns the irregular forms of an English noun or verb, or its base
// forms when it is one: sell gives sold, sold gives sell, mice mouse. Only
// the word as given is looked up: founded is no form of find.
func Forms(word string) []string { return std.forms(word) }

// Verb reports whether the English word is mainly a verb in WordNet, by
// the same measure as Noun: come, give and release are; market is not.
func Verb(word string) bool { return std.verb(word) }

// Known reports whether WordNet has the English word, matched as in
// Synonyms (exactly, else a simple base form), or has it as an irregular
// inflection (came, got): a lowercase word of at least two letters a-z with
// a sense that is not only a proper name (Known("australia") is false).
func Known(word string) bool { return std.known(word) }

// Segment splits a run of Han characters into dictionary words by forward
// maximum matching: at each position it takes the longest CC-CEDICT headword,
// up to 8 characters, that starts there. A character that starts no
// word of two or more characters comes out on its own, and so does any
// character that is not Han. The elements are substrings of han. Segment
// returns nil for an empty string.
func Segment(han string) []string { return std.segment(han) }

// Gloss returns the English content words of one Chinese word (simplified
// characters) from its first two CC-CEDICT senses, with notes, classifiers,
// pinyin and stop words removed: 量子 → [quantum]. It returns nil if the
// word is not a headword or has no usable sense.
func Gloss(word string) []string { return std.gloss(word) }

// errMalformed is wrapped by parse errors for lines that do not have the
// expected fields.
var errMalformed = errors.New("malformed line")

type englishEntry struct {
	syn, rel string // space-separated word lists
	forms    string // irregular inflections or base forms: sell, sold
	pos      byte   // 'n', 'v', 'a', 'r' or 'f' (function word); 0 if WordNet does not have the word
}

// hasWords reports whether the entry has synonyms or related words.
func (e englishEntry) hasWords() bool { return e.syn != "" || e.rel != "" }

// known reports whether the entry has a part of speech.
func (e englishEntry) known() bool { return e.pos != 0 }

// lexicon holds the compressed tables and parses each on first use.
type lexicon struct {
	englishGz, chineseGz []byte

	englishOnce sync.Once
	english     map[string]englishEntry

	chineseOnce sync.Once
	chinese     map[string]string // headword -> space-separated glosses
}

func (l *lexicon) englishTable() map[string]englishEntry {
	l.englishOnce.Do(func() {
		m, err := parseEnglish(l.englishGz)
		if err != nil {
			panic(fmt.Sprintf("lexicon: embedded data/english.txt.gz is corrupt, regenerate it with lexicon/gen.sh: %v", err))
		}
		l.english = m
	})
	return l.english
}

func (l *lexicon) chineseTable() map[string]string {
	l.chineseOnce.Do(func() {
		m, err := parseChinese(l.chineseGz)
		if err != nil {
			panic(fmt.Sprintf("lexicon: embedded data/chinese.txt.gz is corrupt, regenerate it with lexicon/gen.sh: %v", err))
		}
		l.chinese = m
	})
	return l.chinese
}

func (l *lexicon) synonyms(word string) []string {
	e, ok := l.lookup(word, englishEntry.hasWords)
	if !ok {
		return nil
	}
	return fields(e.syn)
}

func (l *lexicon) related(word string) []string {
	e, ok := l.lookup(word, englishEntry.hasWords)
	if !ok {
		return nil
	}
	return fields(e.rel)
}

func (l *lexicon) forms(word string) []string {
	e, ok := l.englishTable()[strings.ToLower(strings.TrimSpace(word))]
	if !ok || e.forms == "" {
		return nil
	}
	return fields(e.forms)
}

func (l *lexicon) noun(word string) bool {
	e, ok := l.lookup(word, englishEntry.known)
	return ok && e.pos == 'n'
}

func (l *lexicon) verb(word string) bool {
	e, ok := l.lookup(word, englishEntry.known)
	return ok && e.pos == 'v'
}

func (l *lexicon) known(word string) bool {
	_, ok := l.lookup(word, englishEntry.known)
	return ok
}

// lookup finds the entry of word, or else of its base form, among the
// entries that use accepts: Synonyms and Related look only at entries with
// words, Noun and Known only at entries with a part of speech.
func (l *lexicon) lookup(word string, use func(englishEntry) bool) (englishEntry, bool) {
	m := l.englishTable()
	w := strings.ToLower(strings.TrimSpace(word))
	if e, ok := m[w]; ok && use(e) {
		return e, true
	}
	var found englishEntry
	ok := baseForms(w, func(base string) bool {
		e, ok := m[base]
		if ok && use(e) {
			found = e
			return true
		}
		return false
	})
	return found, ok
}

// baseForms calls try with the plausible base forms of an inflected English
// word, most likely first, until try returns true; it reports whether one
// did. Only forms of at least three letters are tried.
func baseForms(w string, try func(string) bool) bool {
	attempt := func(stem, add string) bool {
		return len(stem)+len(add) >= 3 && try(stem+add)
	}
	switch {
	case strings.HasSuffix(w, "ies"):
		return attempt(w[:len(w)-3], "y") || attempt(w[:len(w)-1], "")
	case strings.HasSuffix(w, "es"):
		return attempt(w[:len(w)-2], "") || attempt(w[:len(w)-1], "")
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return attempt(w[:len(w)-1], "")
	case strings.HasSuffix(w, "ied"):
		return attempt(w[:len(w)-3], "y")
	case strings.HasSuffix(w, "ed"):
		stem := w[:len(w)-2]
		return attempt(stem, "") || attempt(stem, "e") || attempt(undouble(stem), "")
	case strings.HasSuffix(w, "ing"):
		stem := w[:len(w)-3]
		return attempt(stem, "") || attempt(stem, "e") || attempt(undouble(stem), "")
	}
	return false
}

// undouble drops a doubled final consonant: stopp → stop. Otherwise it
// returns "", which no lookup matches.
func undouble(s string) string {
	n := len(s)
	if n < 2 || s[n-1] != s[n-2] || strings.IndexByte("aeiou", s[n-1]) >= 0 {
		return ""
	}
	return s[:n-1]
}

func (l *lexicon) segment(han string) []string {
	if han == "" {
		return nil
	}
	m := l.chineseTable()
	out := make([]string, 0, utf8.RuneCountInString(han)/2+1)
	var ends [maxWordLen]int // byte offsets after each of the next characters
	for i := 0; i < len(han); {
		n := 0
		for j := i; j < len(han) && n < maxWordLen; n++ {
			_, size := utf8.DecodeRuneInString(han[j:])
			j += size
			ends[n] = j
		}
		end := ends[0]
		for k := n; k >= 2; k-- {
			if _, ok := m[han[i:ends[k-1]]]; ok {
				end = ends[k-1]
				break
			}
		}
		out = append(out, han[i:end])
		i = end
	}
	return out
}

func (l *lexicon) gloss(word string) []string {
	return fields(l.chineseTable()[word])
}

// fields splits a space-separated list into a new slice, nil if empty.
func fields(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

// gunzip decompresses a table into one string that the parsed maps point
// into, so that keys and values need no allocations of their own.
func gunzip(name string, gz []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return "", fmt.Errorf("lexicon: %s: %w", name, err)
	}
	var b strings.Builder
	b.Grow(len(gz) * 3)
	if _, err := io.Copy(&b, zr); err != nil {
		return "", fmt.Errorf("lexicon: %s: %w", name, err)
	}
	if err := zr.Close(); err != nil {
		return "", fmt.Errorf("lexicon: %s: %w", name, err)
	}
	return b.String(), nil
}

// parseEnglish parses english.txt.gz:
// word<TAB>synonyms<TAB>related<TAB>part of speech<TAB>forms, the part of
// speech one letter or empty (a table without forms parses too).
func parseEnglish(gz []byte) (map[string]englishEntry, error) {
	text, err := gunzip("english", gz)
	if err != nil {
		return nil, err
	}
	m := make(map[string]englishEntry, strings.Count(text, "\n"))
	for n := 1; text != ""; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		word, rest, ok1 := strings.Cut(line, "\t")
		syn, rest, ok2 := strings.Cut(rest, "\t")
		rel, rest, ok3 := strings.Cut(rest, "\t")
		pos, forms, _ := strings.Cut(rest, "\t")
		if !ok1 || !ok2 || !ok3 || word == "" || len(pos) > 1 || pos != "" && !strings.Contains(posLetters, pos) || strings.Contains(forms, "\t") {
			return nil, fmt.Errorf("lexicon: english line %d: %w", n, errMalformed)
		}
		e := englishEntry{syn: syn, rel: rel, forms: forms}
		if pos != "" {
			e.pos = pos[0]
		}
		m[word] = e
	}
	return m, nil
}

// parseChinese parses chinese.txt.gz: headword<TAB>glosses, or a bare
// headword that has no usable sense.
func parseChinese(gz []byte) (map[string]string, error) {
	text, err := gunzip("chinese", gz)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, strings.Count(text, "\n"))
	for n := 1; text != ""; n++ {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		word, gloss, _ := strings.Cut(line, "\t")
		if word == "" || strings.ContainsRune(gloss, '\t') {
			return nil, fmt.Errorf("lexicon: chinese line %d: %w", n, errMalformed)
		}
		m[word] = gloss
	}
	return m, nil
}
