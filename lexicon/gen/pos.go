package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// posLetters are the parts of speech of the POS column, in tally order:
// noun, verb, adjective, adverb. The column may also hold 'f', for a
// function word.
const posLetters = "nvar"

// posTally counts, per part of speech (posLetters order), a word's senses
// and their sense tag counts.
type posTally struct {
	senses, count [len(posLetters)]int
}

// posIndex maps a part-of-speech letter (n v a s r) to its posLetters
// index; adjective satellites count as adjectives.
func posIndex(letter byte) int {
	if letter == 's' {
		letter = 'a'
	}
	return strings.IndexByte(posLetters, letter)
}

// readExceptions parses the morphological exception lists (noun.exc, ...):
// inflected_form base_form..., as in "came come" or "axes ax axis".
func (wn *wordNet) readExceptions(dir string) error {
	for _, p := range partsOfSpeech {
		err := eachLine(filepath.Join(dir, p.file+".exc"), func(line string) error {
			f := strings.Fields(line)
			if len(f) < 2 {
				return fmt.Errorf("exception line without a base form")
			}
			for _, base := range f[1:] {
				if base != f[0] {
					wn.exceptions[f[0]] = append(wn.exceptions[f[0]], posBase{p.letter, base})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// posBase is one base form of an irregular inflection: came is the verb
// come.
type posBase struct {
	letter byte
	base   string
}

// senseKey is the part of a WordNet sense key that cntlist.rev counts are
// keyed by: lemma%ss_type:lex_filenum:lex_id.
func senseKey(word string, ssType byte, lexFile, lexID int) string {
	return fmt.Sprintf("%s%%%d:%02d:%02d", strings.ToLower(word), ssTypeNumber[ssType], lexFile, lexID)
}

// findOrphanCounts collects the tag counts of cntlist.rev senses that are
// not in the database (must%2:42:00, a verb sense that WordNet 3.0
// lacks): they still say how the word is used.
func (wn *wordNet) findOrphanCounts() {
	known := map[string]bool{}
	for _, ss := range wn.synsets {
		for i, w := range ss.words {
			known[senseKey(w, ss.ssType, ss.lexFile, ss.lexIDs[i])] = true
		}
	}
	for key, n := range wn.counts {
		if known[key] {
			continue
		}
		lemma, rest, ok := strings.Cut(key, "%")
		if !ok || rest == "" {
			continue
		}
		t, err := strconv.Atoi(rest[:1])
		if err != nil || t < 1 || t > 5 {
			continue
		}
		i := posIndex("nvars"[t-1])
		o := wn.orphans[lemma]
		if o == nil {
			o = &[len(posLetters)]int{}
			wn.orphans[lemma] = o
		}
		o[i] += n
	}
}

// commonSense reports whether the synset word form is the lowercase lemma
// used as a common word: written in lowercase, or an all-capitals
// abbreviation of a common noun, one that the synset also spells out in
// lowercase (CEO, chief_executive_officer; DNA) and that is not an
// instance. Capitalised forms are proper names (Australia, China), and so
// are abbreviations of them (WHO, World_Health_Organization; OK, the
// state): the POS column leaves them out, as the rest of the data does.
func (ss *synset) commonSense(form, lemma string) bool {
	if form == lemma {
		return true
	}
	if form != strings.ToUpper(lemma) || slices.ContainsFunc(ss.ptrs, func(p pointer) bool { return p.sym == "@i" }) {
		return false
	}
	return slices.ContainsFunc(ss.words, func(w string) bool { return w != form && w == strings.ToLower(w) })
}

// addOwn adds to t the common senses of lemma in the parts of speech that
// want selects, with their tag counts, and the counts of its orphan senses
// in those parts of speech.
func (wn *wordNet) addOwn(t *posTally, lemma string, want func(i int) bool) {
	for _, p := range partsOfSpeech {
		pi := posIndex(p.letter)
		if !want(pi) {
			continue
		}
		for _, k := range wn.index[lemma][p.letter] {
			ss := wn.synsets[k]
			i := ss.wordIndex(lemma)
			if i < 0 || !ss.commonSense(ss.words[i], lemma) {
				continue
			}
			t.senses[pi]++
			t.count[pi] += wn.senseCount(ss, i)
		}
		if o := wn.orphans[lemma]; o != nil {
			t.count[pi] += o[pi]
		}
	}
}

// contractionParts are the stop words that are only there as what is left
// of a contraction (haven't → haven); some are content words as well (a
// safe haven), so they keep their WordNet part of speech.
var contractionParts = wordSet(`
aren couldn didn doesn don hadn hasn haven isn ll mightn mustn needn re
shan shouldn ve wasn weren won wouldn
`)

// posLetter is the POS column of word: 0 if WordNet has no common sense of
// it (nor of a base form it is an irregular inflection of), else
//
//   - 'f' for a stop word other than a contraction part: a function word
//     (it, will, can), whatever rare senses WordNet gives it (IT, the
//     field; will, volition);
//   - 'n' when its noun senses were tagged at least as often as all its
//     other senses together, or, if no sense was ever tagged, when it has
//     noun senses and no verb senses;
//   - otherwise the most tagged of 'v', 'a' and 'r' (by number of senses
//     when nothing was tagged; ties go to the first of v, a, r).
//
// An irregular inflection in the exception lists counts the senses of its
// base form in that part of speech as its own: came is the verb come.
func (wn *wordNet) posLetter(word string) byte {
	var t posTally
	all := func(int) bool { return true }
	wn.addOwn(&t, word, all)
	for _, b := range wn.exceptions[word] {
		pi := posIndex(b.letter)
		wn.addOwn(&t, b.base, func(i int) bool { return i == pi })
	}
	var senses, count int
	for i := range posLetters {
		senses += t.senses[i]
		count += t.count[i]
	}
	if senses == 0 {
		return 0
	}
	if stopWords[word] && !contractionParts[word] {
		return 'f'
	}
	const n, v = 0, 1
	switch {
	case count > 0 && 2*t.count[n] >= count:
		return 'n'
	case count == 0 && t.senses[n] > 0 && t.senses[v] == 0:
		return 'n'
	}
	best := v
	for i := v + 1; i < len(posLetters); i++ {
		if t.count[i] > t.count[best] || t.count[i] == t.count[best] && t.senses[i] > t.senses[best] {
			best = i
		}
	}
	return posLetters[best]
}

// posWord reports whether w gets a POS entry: a lowercase word of at least
// two letters a-z.
func posWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
