package corpus

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matcher finds entity names and aliases in text. Matching ignores case,
// hyphens and a plural "s"; Latin names must stand as whole words, Chinese
// names match anywhere.
type Matcher struct {
	entities []Entity
	terms    []matchTerm
}

type matchTerm struct {
	norm   string
	entity int
	alias  string
	latin  bool
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
	m := &Matcher{entities: entities}
	for i := range entities {
		for _, name := range entities[i].Names() {
			n := NormalizeName(name)
			if n == "" {
				continue
			}
			m.terms = append(m.terms, matchTerm{norm: n, entity: i, alias: name, latin: !hasHan(n)})
		}
	}
	return m
}

// Entities returns the entities the matcher knows.
func (m *Matcher) Entities() []Entity { return m.entities }

// Find returns each entity mentioned in text once, in the order of entities,
// with the longest alias that matched.
func (m *Matcher) Find(text string) []Mention {
	norm, offsets := normalize(text)
	best := make(map[int]Mention)
	for _, t := range m.terms {
		i, end := findTerm(norm, t.norm, t.latin)
		if i < 0 {
			continue
		}
		if prev, ok := best[t.entity]; !ok || len(t.alias) > len(prev.Alias) {
			best[t.entity] = Mention{Entity: &m.entities[t.entity], Alias: t.alias,
				Span: Span{Start: offsets[i], End: offsets[end-1] + runeLen(text, offsets[end-1])}}
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

func runeLen(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// findTerm returns the byte range of the first whole-word occurrence of term
// in text, or -1.
func findTerm(text, term string, latin bool) (int, int) {
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], term)
		if i < 0 {
			return -1, -1
		}
		i += from
		end := i + len(term)
		if !latin {
			return i, end
		}
		// Allow a plural ending: "robot" matches "robots".
		if strings.HasPrefix(text[end:], "es") && !isWordByte(text, end+2) {
			end += 2
		} else if strings.HasPrefix(text[end:], "s") && !isWordByte(text, end+1) {
			end++
		}
		if !isWordByte(text, i-1) && !isWordByte(text, end) {
			return i, end
		}
		from = i + 1
	}
	return -1, -1
}

func isWordByte(text string, i int) bool {
	if i < 0 || i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	if r == utf8.RuneError {
		r, _ = utf8.DecodeLastRuneInString(text[:i+1])
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
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

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
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
