package corpus

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Derived is an entity, or aliases of a known one, found in the corpus text
// rather than in entities.yaml.
type Derived struct {
	Name    string
	Kind    EntityKind
	Aliases []string // the aliases added
	// New is true when the entity itself was derived; false when only
	// aliases were added to an entity of entities.yaml.
	New bool
	// From is the first document that gave it, and How the pattern (one
	// of the Derived… constants).
	From, How string
}

// How an entity was derived.
const (
	DerivedFromFrontMatter  = "front matter"
	DerivedFromAbbreviation = "name (ABBR)"
	DerivedFromChineseName  = "name (中文)"
	DerivedFromLatinName    = "中文 (name)"
)

func (d Derived) String() string {
	what := "aliases of " + d.Name
	if d.New {
		what = fmt.Sprintf("%s %q", d.Kind, d.Name)
	}
	if len(d.Aliases) > 0 {
		what += " = " + strings.Join(d.Aliases, ", ")
	}
	return fmt.Sprintf("%s (%s, from %s)", what, d.How, d.From)
}

var (
	// "Ministry of Industry and Information Technology (MIIT)"
	abbreviation = regexp.MustCompile(`(\p{Lu}[\p{L}\d'’-]*(?:\s+(?:(?:of|and|for|the|on|in|&)\s+)*\p{Lu}[\p{L}\d'’-]*)*)\s+\((\p{Lu}[\p{L}\d&-]{1,11})\)`)
	// "Unitree (宇树科技)" and "宇树科技 (Unitree)"
	latinHan = regexp.MustCompile(`(\p{Lu}[\p{L}\d-]*(?:\s+\p{Lu}[\p{L}\d-]*){0,4})\s*[(（]\s*(\p{Han}{2,12})\s*[)）]`)
	hanLatin = regexp.MustCompile(`(\p{Han}{2,12})\s*[(（]\s*(\p{Lu}[\p{L}\d-]*(?:\s+\p{Lu}[\p{L}\d-]*){0,4})\s*[)）]`)
	// Words that tell a derived name's kind.
	policyWords  = regexp.MustCompile(`(?i)\b(ministry|commission|plan|guidelines?|policy|programme|program|council|bureau|administration|department|agency|law|act|strategy|initiative)\b`)
	companyWords = regexp.MustCompile(`(?i)\b(inc|ltd|co|corp|corporation|company|group|technologies|holdings|limited)\b`)
)

// DeriveEntities finds the entities a corpus names without entities.yaml
// saying so: a name followed by its abbreviation or its Chinese name in
// brackets, and the sectors, companies and policies that documents' front
// matter (or FAQ entries) name. known (from entities.yaml) stays the
// authority: a derived name that is already known only adds the aliases it
// lacks, and an alias never moves from one entity to another. It returns
// the entities to use and what it derived.
func DeriveEntities(docs []Document, known []Entity) ([]Entity, []Derived) {
	ents := make([]Entity, len(known))
	for i, e := range known {
		e.Aliases = append([]string(nil), e.Aliases...)
		ents[i] = e
	}
	owner := map[string]int{}
	for i := range ents {
		for _, n := range ents[i].Names() {
			owner[NormalizeName(n)] = i
		}
	}
	derived := map[int]*Derived{}
	var order []int
	note := func(i int, alias, from, how string, isNew bool) {
		d := derived[i]
		if d == nil {
			d = &Derived{Name: ents[i].Name, Kind: ents[i].Kind, New: isNew, From: from, How: how}
			derived[i] = d
			order = append(order, i)
		}
		if alias != "" {
			d.Aliases = append(d.Aliases, alias)
		}
	}
	// add records name with aliases: an unknown name becomes an entity of
	// kind k; names already known lend their entity the other aliases.
	add := func(k EntityKind, from, how string, names ...string) {
		at := -1
		for _, n := range names {
			if i, ok := owner[NormalizeName(n)]; ok {
				at = i
				break
			}
		}
		if at < 0 {
			if k == "" {
				k = guessKind(names[0])
			}
			ents = append(ents, Entity{Name: names[0], Kind: k})
			at = len(ents) - 1
			owner[NormalizeName(names[0])] = at
			note(at, "", from, how, true)
		}
		for _, n := range names {
			key := NormalizeName(n)
			if key == "" {
				continue
			}
			if _, taken := owner[key]; taken {
				continue
			}
			owner[key] = at
			ents[at].Aliases = append(ents[at].Aliases, n)
			note(at, n, from, how, false)
		}
	}
	for i := range docs {
		d := &docs[i]
		for _, k := range EntityKinds {
			for _, n := range d.Entities(k) {
				if n = strings.TrimSpace(n); n != "" {
					add(k, d.ID, DerivedFromFrontMatter, n)
				}
			}
		}
		text := d.Title + "\n" + d.Question + "\n" + d.Body
		for _, m := range abbreviation.FindAllStringSubmatch(text, -1) {
			if name, ok := abbreviated(m[2], m[1]); ok {
				add("", d.ID, DerivedFromAbbreviation, name, m[2])
			}
		}
		for _, m := range latinHan.FindAllStringSubmatch(text, -1) {
			add("", d.ID, DerivedFromChineseName, trimLeadingArticle(m[1]), m[2])
		}
		for _, m := range hanLatin.FindAllStringSubmatch(text, -1) {
			add("", d.ID, DerivedFromLatinName, trimLeadingArticle(m[2]), m[1])
		}
	}
	out := make([]Derived, 0, len(order))
	for _, i := range order {
		out = append(out, *derived[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].New && !out[j].New })
	return ents, out
}

// abbreviated returns the part of name that abbr abbreviates: the run of
// words whose capitalised initials spell abbr's capitals ("Ministry of
// Industry and Information Technology" for MIIT, "Chimeric Antigen
// Receptor" for CAR), dropping capitalised words before it ("Beijing's").
func abbreviated(abbr, name string) (string, bool) {
	var caps []rune
	for _, r := range abbr {
		if unicode.IsUpper(r) {
			caps = append(caps, r)
		}
	}
	words := strings.Fields(name)
	var initials []rune
	var starts []int // index in words of each initial
	for i, w := range words {
		for _, part := range strings.Split(w, "-") {
			if r := []rune(part); len(r) > 0 && unicode.IsUpper(r[0]) {
				initials = append(initials, r[0])
				starts = append(starts, i)
			}
		}
	}
	if len(caps) < 2 || len(caps) > len(initials) {
		return "", false
	}
	// Hyphenated words give one initial per part: "Five-Year Plan" (FYP).
	if string(initials[len(initials)-len(caps):]) != string(caps) {
		return "", false
	}
	return strings.Join(words[starts[len(initials)-len(caps)]:], " "), true
}

// trimLeadingArticle drops a sentence-initial "The" or "A" that the name
// pattern swept in.
func trimLeadingArticle(s string) string {
	for _, a := range []string{"The ", "A ", "An ", "In ", "By "} {
		s = strings.TrimPrefix(s, a)
	}
	return strings.TrimSpace(s)
}

func guessKind(name string) EntityKind {
	switch {
	case policyWords.MatchString(name):
		return Policy
	case companyWords.MatchString(name):
		return Company
	}
	return Sector
}
