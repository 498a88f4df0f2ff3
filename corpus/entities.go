package corpus

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matcher finds entity names and aliases in text. Matching ignores case,
// hyphens and a plural "s"; Latin names must stand as whole words, Chinese
// names match anywhere. It works word by word, so its cost grows with the
// text, not with the number of aliases.
type Matcher struct {
	entities []Entity
	// byFirst maps the first word of each Latin name to the names that
	// start with it.
	byFirst map[string][]latinTerm
	latin   []latinTerm     // every Latin name, in the order of entities
	words   map[string]bool // every word of a Latin name
	han     []hanTerm
}

type latinTerm struct {
	words  []string
	joined string // the words run together: "gamescience"
	entity int
	alias  string
}

type hanTerm struct {
	norm   string
	entity int
	alias  string
}

// Mention is one entity found in a text, with the name or alias that
// matched and where (its first occurrence, in bytes of the searched text).
type Mention struct {
	Entity *Entity
	Alias  string
	Span
}

// NewMatcher prepares a matcher over entities.
func NewMatcher(entities []Entity) *Matcher {
	m := &Matcher{entities: entities, byFirst: map[string][]latinTerm{}, words: map[string]bool{}}
	for i := range entities {
		for _, name := range entities[i].Names() {
			n := NormalizeName(name)
			switch {
			case n == "":
			case HasHan(n):
				m.han = append(m.han, hanTerm{norm: n, entity: i, alias: name})
			default:
				words := strings.Fields(n)
				t := latinTerm{words: words, joined: strings.Join(words, ""), entity: i, alias: name}
				m.byFirst[words[0]] = append(m.byFirst[words[0]], t)
				m.latin = append(m.latin, t)
				for _, w := range words {
					m.words[w] = true
				}
			}
		}
	}
	return m
}

// NameWord reports whether word (any case) is a word of an entity's Latin
// name or alias: "citi" of Citi is not to be corrected to "city".
func (m *Matcher) NameWord(word string) bool { return m != nil && m.words[NormalizeName(word)] }

// Entities returns the entities the matcher knows.
func (m *Matcher) Entities() []Entity { return m.entities }

// Find returns each entity mentioned in text once, in the order of entities,
// with the longest alias that matched.
func (m *Matcher) Find(text string) []Mention {
	norm, offsets := normalize(text)
	return m.find(text, norm, offsets, wordSpans(norm))
}

// find is Find over text already normalised, with its words.
func (m *Matcher) find(text, norm string, offsets []int, words []Span) []Mention {
	best := map[int]Mention{}
	record := func(entity int, alias string, start, end int) {
		if prev, ok := best[entity]; ok && len(alias) <= len(prev.Alias) {
			return
		}
		best[entity] = Mention{Entity: &m.entities[entity], Alias: alias,
			Span: Span{Start: offsets[start], End: offsets[end-1] + runeLen(text, offsets[end-1])}}
	}
	if len(m.byFirst) > 0 {
		for i, w := range words {
			word := norm[w.Start:w.End]
			for _, t := range m.byFirst[word] {
				if end, ok := matchWords(norm, words[i:], t.words); ok {
					record(t.entity, t.alias, w.Start, end)
				}
			}
			// A one-word name in the plural: "BCIs", "biotech's".
			for _, stem := range []string{strings.TrimSuffix(word, "s"), strings.TrimSuffix(word, "es")} {
				if stem == word || stem == "" {
					continue
				}
				for _, t := range m.byFirst[stem] {
					if len(t.words) == 1 {
						record(t.entity, t.alias, w.Start, w.End)
					}
				}
			}
		}
	}
	for _, t := range m.han {
		if i := strings.Index(norm, t.norm); i >= 0 {
			record(t.entity, t.alias, i, i+len(t.norm))
		}
	}
	var out []Mention
	for i := range m.entities {
		if mention, ok := best[i]; ok {
			out = append(out, mention)
		}
	}
	return out
}

// FindLoose is Find for a question, which may misspell a name: a run of
// words that is a Latin name but for one edit in one word of five letters
// or more ("unitre", "wuxi apptek") is a mention too, or lengthens the
// mention of the same entity it holds ("wuxi" of "wuxi apptek"); so is a
// name of several words run together ("blackmyth"). A word
// known reports as a word of the language ("united") is never taken for a
// misspelt name.
func (m *Matcher) FindLoose(text string, known func(string) bool) []Mention {
	norm, offsets := normalize(text)
	words := wordSpans(norm)
	out := m.find(text, norm, offsets, words)
	owner := make([]*Entity, len(words)) // the entity whose mention holds each word
	for _, men := range out {
		for i, w := range words {
			if offsets[w.Start] < men.End && offsets[w.End-1] >= men.Start {
				owner[i] = men.Entity
			}
		}
	}
	miss := make([]bool, len(words)) // no dictionary knows the word, and no name holds it
	some := false
	for i, w := range words {
		word := norm[w.Start:w.End]
		miss[i] = owner[i] == nil && utf8.RuneCountInString(word) >= 5 && !known(word)
		some = some || miss[i]
	}
	if !some {
		return out
	}
	misspelt := func(i int) bool { return miss[i] && owner[i] == nil }
	// near is one edit apart, checked cheaply on length first.
	near := func(got, want string) bool {
		g, w := utf8.RuneCountInString(got), utf8.RuneCountInString(want)
		return g-w <= 1 && w-g <= 1 && EditDistance(got, want) == 1
	}
	for _, t := range m.latin {
		e := &m.entities[t.entity]
		// A name of several words run together: "blackmyth", "gamescience".
		if joined := t.joined; len(t.words) > 1 {
			for i := range words {
				if got := norm[words[i].Start:words[i].End]; misspelt(i) && (got == joined || utf8.RuneCountInString(joined) >= 8 && near(got, joined)) &&
					!slices.ContainsFunc(out, func(o Mention) bool { return o.Entity == e }) {
					out = append(out, Mention{Entity: e, Alias: t.alias,
						Span: Span{Start: offsets[words[i].Start], End: offsets[words[i].End-1] + runeLen(text, offsets[words[i].End-1])}})
					owner[i] = e
				}
			}
		}
		for i := 0; i+len(t.words) <= len(words); i++ {
			edits := 0
			for k, want := range t.words {
				got := norm[words[i+k].Start:words[i+k].End]
				switch {
				case owner[i+k] != nil && (owner[i+k] != e || got != want):
					edits = 2
				case got == want:
				case utf8.RuneCountInString(want) >= 5 && misspelt(i+k) && near(got, want):
					edits++
				default:
					edits = 2
				}
				if edits > 1 {
					break
				}
			}
			if edits != 1 {
				continue
			}
			last := words[i+len(t.words)-1]
			men := Mention{Entity: e, Alias: t.alias,
				Span: Span{Start: offsets[words[i].Start], End: offsets[last.End-1] + runeLen(text, offsets[last.End-1])}}
			if slices.ContainsFunc(out, func(o Mention) bool { return o.Entity == e && (o.Start < men.Start || o.End > men.End) }) {
				break // named elsewhere in the question already
			}
			out = slices.DeleteFunc(out, func(o Mention) bool { return o.Entity == e })
			out = append(out, men)
			for k := range t.words {
				owner[i+k] = e
			}
			break
		}
	}
	return out
}

// matchWords reports whether the words of text starting at words[0] are
// name (the last may carry a plural "s" or "es"), and where the match ends.
func matchWords(text string, words []Span, name []string) (int, bool) {
	if len(words) < len(name) {
		return 0, false
	}
	for k, want := range name {
		got := text[words[k].Start:words[k].End]
		if got == want {
			continue
		}
		if k == len(name)-1 && (got == want+"s" || got == want+"es") {
			continue
		}
		return 0, false
	}
	return words[len(name)-1].End, true
}

// wordSpans splits normalised text (words separated by single spaces) into
// its words.
func wordSpans(norm string) []Span {
	var out []Span
	start := 0
	for i := 0; i <= len(norm); i++ {
		if i == len(norm) || norm[i] == ' ' {
			if i > start {
				out = append(out, Span{start, i})
			}
			start = i + 1
		}
	}
	return out
}

func runeLen(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// NormalizeName lowercases s, turns hyphens, dashes and punctuation between
// words into single spaces and straightens quotes, so that "Brain-Computer
// Interface" and "brain computer interface" compare equal.
func NormalizeName(s string) string {
	n, _ := normalize(s)
	return n
}

// normalize does NormalizeName and also returns, for each byte of the
// result, the offset of the input byte it came from.
func normalize(s string) (string, []int) {
	var b strings.Builder
	offsets := make([]int, 0, len(s))
	space := false
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
				offsets = append(offsets, i)
			}
			space = false
			lr := unicode.ToLower(r)
			n := utf8.RuneLen(lr)
			if n < 0 {
				lr, n = utf8.RuneError, 3
			}
			b.WriteRune(lr)
			for k := 0; k < n; k++ {
				offsets = append(offsets, i)
			}
		case r == '\'' || r == '’':
			// "China's" -> "chinas": keep the word whole
		default:
			space = true
		}
	}
	return b.String(), offsets
}

// HasHan reports whether s holds a Han (Chinese) character.
func HasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// HanText keeps the runs of Han characters of s, one per line: the Chinese
// of a mixed text.
func HanText(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteRune(r)
			in = true
		} else if in {
			b.WriteByte('\n')
			in = false
		}
	}
	return strings.TrimSpace(b.String())
}

// EditDistance is the optimal string alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of two adjacent
// runes each cost one.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
