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

// Mention is one entity found in a text, with the name or alias that matched.
type Mention struct {
	Entity *Entity
	Alias  string
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
	norm := NormalizeName(text)
	best := make(map[int]string)
	for _, t := range m.terms {
		if !containsTerm(norm, t.norm, t.latin) {
			continue
		}
		if prev, ok := best[t.entity]; !ok || len(t.alias) > len(prev) {
			best[t.entity] = t.alias
		}
	}
	var out []Mention
	for i := range m.entities {
		if a, ok := best[i]; ok {
			out = append(out, Mention{Entity: &m.entities[i], Alias: a})
		}
	}
	return out
}

func containsTerm(text, term string, latin bool) bool {
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], term)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(term)
		if !latin {
			return true
		}
		// Allow a plural ending: "robot" matches "robots", "policy" "policies" is left to aliases.
		if strings.HasPrefix(text[end:], "es") && !isWordByte(text, end+2) {
			end += 2
		} else if strings.HasPrefix(text[end:], "s") && !isWordByte(text, end+1) {
			end++
		}
		if !isWordByte(text, i-1) && !isWordByte(text, end) {
			return true
		}
		from = i + 1
	}
	return false
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
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// "China's" -> "chinas": keep the word whole
		default:
			space = true
		}
	}
	return b.String()
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
