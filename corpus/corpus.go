// Package corpus holds futurebot's domain types (documents, passages, entities,
// search requests and hits) and the loaders that turn a directory of articles,
// saved web pages and FAQ files into them. It imports no other futurebot package.
package corpus

import (
	"fmt"
	"strings"
)

// Kind says what sort of document a Document or Passage comes from.
type Kind string

// Document kinds.
const (
	KindArticle Kind = "article"
	KindFAQ     Kind = "faq"
)

// EntityKind is the kind of a named entity: sector, company or policy.
type EntityKind string

// Entity kinds.
const (
	Sector  EntityKind = "sector"
	Company EntityKind = "company"
	Policy  EntityKind = "policy"
)

// EntityKinds lists every entity kind in display order.
var EntityKinds = []EntityKind{Sector, Company, Policy}

// ParseEntityKind accepts "sector", "company", "policy" and their plurals.
func ParseEntityKind(s string) (EntityKind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "sector", "sectors":
		return Sector, nil
	case "company", "companies":
		return Company, nil
	case "policy", "policies":
		return Policy, nil
	}
	return "", fmt.Errorf("unknown entity kind %q (want sector, company or policy)", s)
}

// Document is one article or one FAQ entry, cleaned and ready to split.
type Document struct {
	// ID is the slash-separated path of the file inside the corpus; FAQ
	// entries add "#" and the entry's position or id.
	ID        string
	Kind      Kind
	Title     string
	URL       string
	Source    string
	Published string // ISO date (2006-01-02) when known
	DateHint  string // a date line found in scraped text that lacks a year, such as "Sunday, July 13"
	// Warnings are what in the file was not used, "line N: why", for check.
	Warnings  []string
	Sectors   []string
	Companies []string
	Policies  []string
	Tags      []string
	// Question is the FAQ question; empty for articles.
	Question string
	// Body is the cleaned text: paragraphs separated by blank lines, headings
	// on their own line starting with "## ". Passage offsets point into it.
	Body string
}

// Entities returns the document's entity names for the given kind.
func (d *Document) Entities(k EntityKind) []string {
	switch k {
	case Sector:
		return d.Sectors
	case Company:
		return d.Companies
	case Policy:
		return d.Policies
	}
	return nil
}

// Passage is a span of a document small enough to quote: a few sentences of
// an article under one heading, or one whole FAQ entry.
type Passage struct {
	ID        string // DocID + "#p" + Position
	DocID     string
	Kind      Kind
	Title     string
	Heading   string
	Question  string
	URL       string
	Source    string
	Published string
	Sectors   []string
	Companies []string
	Policies  []string
	Position  int // 0-based order of the passage in its document
	Start     int // byte offset of Text in Document.Body
	End       int
	Text      string
}

// Entity is a sector, company or policy the corpus knows by name.
type Entity struct {
	Name        string     `yaml:"name" json:"name"`
	Kind        EntityKind `yaml:"kind" json:"kind"`
	Aliases     []string   `yaml:"aliases,omitempty" json:"aliases,omitempty"`
	Description string     `yaml:"description,omitempty" json:"description,omitempty"`
	Related     []string   `yaml:"related,omitempty" json:"related,omitempty"`
}

// Names returns the canonical name followed by every alias.
func (e *Entity) Names() []string {
	return append([]string{e.Name}, e.Aliases...)
}

// Corpus is everything loaded from one corpus directory.
type Corpus struct {
	Documents []Document
	// Entities are those of entities.yaml and those derived from the text
	// (see DeriveEntities); Derived says what was derived.
	Entities []Entity
	Derived  []Derived
	// Files is the number of corpus files read (including broken ones).
	Files int
	// Fingerprint identifies the files as they were read (see Fingerprint),
	// and Digests each file (see FileDigest).
	Fingerprint string
	Digests     map[string]string
	// Warnings are what the files hold that is not used (unknown front
	// matter keys), as problems that do not stop a file from loading.
	Warnings []Problem
}

// Problem is one thing wrong with one corpus file.
type Problem struct {
	File string
	Line int // 0 when unknown
	Err  error
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", p.File, p.Line, p.Err)
	}
	return fmt.Sprintf("%s: %v", p.File, p.Err)
}

func (p *Problem) Unwrap() error { return p.Err }
