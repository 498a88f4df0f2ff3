package corpus

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// faqFile is the schema of an FAQ file (.yaml or .yml). Top-level title,
// url, source, published and entity lists are defaults for every entry.
type faqFile struct {
	frontMatter `yaml:",inline"`
	Entries     []yaml.Node `yaml:"entries"`
}

type faqEntry struct {
	ID          string `yaml:"id"`
	Question    string `yaml:"question"`
	Answer      string `yaml:"answer"`
	frontMatter `yaml:",inline"`
}

func loadFAQ(name string, data []byte) ([]Document, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	var f faqFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, yamlError(err, 0)
	}
	if len(f.Entries) == 0 {
		return nil, errors.New("no entries: an FAQ file needs a list under \"entries:\" with question and answer")
	}
	defaults := Document{}
	if err := f.frontMatter.apply(&defaults); err != nil {
		return nil, err
	}
	seen := map[string]int{}
	docs := make([]Document, 0, len(f.Entries))
	// A bad entry is reported and skipped; the good ones still load.
	var bad []error
	for i := range f.Entries {
		d, err := faqDocument(name, &f.Entries[i], i, defaults, seen)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		return nil, errors.Join(bad...)
	}
	return docs, errors.Join(bad...)
}

// faqDocument turns entry i of an FAQ file into a document.
func faqDocument(name string, node *yaml.Node, i int, defaults Document, seen map[string]int) (Document, error) {
	var e faqEntry
	if err := node.Decode(&e); err != nil {
		return Document{}, yamlError(err, 0)
	}
	e.Question, e.Answer = strings.TrimSpace(e.Question), strings.TrimSpace(e.Answer)
	if e.Question == "" || e.Answer == "" {
		return Document{}, &lineError{node.Line, fmt.Errorf("entry %d needs both a question and an answer", i+1)}
	}
	id := strings.TrimSpace(e.ID)
	if id == "" {
		id = fmt.Sprint(i + 1)
	}
	if prev, ok := seen[id]; ok {
		return Document{}, &lineError{node.Line, fmt.Errorf("entry id %q is used twice (first at line %d)", id, prev)}
	}
	seen[id] = node.Line
	d := defaults
	if err := e.frontMatter.apply(&d); err != nil {
		return Document{}, &lineError{node.Line, err}
	}
	d.ID, d.Kind, d.Question, d.Body = name+"#"+id, KindFAQ, e.Question, e.Answer
	d.Title = e.Question
	fill := func(v *string, def string) {
		if *v == "" {
			*v = def
		}
	}
	fill(&d.URL, defaults.URL)
	fill(&d.Source, defaults.Source)
	fill(&d.Published, defaults.Published)
	for _, l := range []struct {
		v   *[]string
		def []string
	}{
		{&d.Sectors, defaults.Sectors}, {&d.Companies, defaults.Companies}, {&d.Policies, defaults.Policies}, {&d.Tags, defaults.Tags},
	} {
		if len(*l.v) == 0 {
			*l.v = l.def
		}
	}
	return d, nil
}

// ParseEntities reads an entities.yaml file: a list under "entities:" of
// entities with name, kind, aliases, description and related names. Names
// and aliases must be unique across entities, related names must exist, and
// an entity has at most MaxAliases aliases (MaxAllAliases in all). A bad
// entity is reported with its line and left out; the good ones are kept.
func ParseEntities(data []byte) ([]Entity, error) {
	if err := checkText(data); err != nil {
		return nil, err
	}
	var f struct {
		Entities []yaml.Node `yaml:"entities"`
	}
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, yamlError(err, 0)
	}
	owner := map[string]string{}
	names := map[string]int{} // entity name -> its line
	var bad []error
	ents := make([]Entity, 0, len(f.Entities))
	lines := make([]int, 0, len(f.Entities))
	total := 0
	for i := range f.Entities {
		node := &f.Entities[i]
		e, err := parseEntity(node, owner, names, &total)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		ents = append(ents, e)
		lines = append(lines, node.Line)
	}
	kept := ents[:0]
	for i, e := range ents {
		var missing error
		for _, r := range e.Related {
			if _, ok := owner[NormalizeName(r)]; !ok {
				missing = &lineError{lines[i], fmt.Errorf("entity %q: related %q is not a known entity", e.Name, r)}
				break
			}
		}
		if missing != nil {
			bad = append(bad, missing)
			continue
		}
		kept = append(kept, e)
	}
	return kept, errors.Join(bad...)
}

// Bounds on aliases: matching names is quadratic in their number.
const (
	MaxAliases    = 50
	MaxAllAliases = 5000
)

// parseEntity reads one entity and claims its names in owner.
func parseEntity(node *yaml.Node, owner map[string]string, names map[string]int, total *int) (Entity, error) {
	var e Entity
	if err := node.Decode(&e); err != nil {
		return e, yamlError(err, 0)
	}
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return e, &lineError{node.Line, errors.New("entity needs a name")}
	}
	if prev, ok := names[NormalizeName(e.Name)]; ok {
		return e, &lineError{node.Line, fmt.Errorf("entity %q is listed twice (first at line %d)", e.Name, prev)}
	}
	k, err := ParseEntityKind(string(e.Kind))
	if err != nil {
		return e, &lineError{node.Line, fmt.Errorf("entity %q: %w", e.Name, err)}
	}
	e.Kind = k
	if len(e.Aliases) > MaxAliases {
		return e, &lineError{node.Line, fmt.Errorf("entity %q has %d aliases; at most %d", e.Name, len(e.Aliases), MaxAliases)}
	}
	if *total+len(e.Aliases) > MaxAllAliases {
		return e, &lineError{node.Line, fmt.Errorf("entity %q: over %d aliases in all", e.Name, MaxAllAliases)}
	}
	for _, n := range e.Names() {
		key := NormalizeName(n)
		if key == "" {
			return e, &lineError{node.Line, fmt.Errorf("entity %q: empty alias", e.Name)}
		}
		if prev, ok := owner[key]; ok && prev != e.Name {
			return e, &lineError{node.Line, fmt.Errorf("entity %q: name %q already belongs to %q", e.Name, n, prev)}
		}
	}
	for _, n := range e.Names() {
		owner[NormalizeName(n)] = e.Name
	}
	names[NormalizeName(e.Name)] = node.Line
	*total += len(e.Aliases)
	return e, nil
}
