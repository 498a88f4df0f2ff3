package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the Bleve documents.
const (
	fieldTitle     = "title"
	fieldHeading   = "heading"
	fieldBody      = "body"
	fieldHan       = "han" // the Chinese text of title, question and body, as CJK bigrams
	fieldQuestion  = "question"
	fieldSectors   = "sectors"
	fieldCompanies = "companies"
	fieldPolicies  = "policies"
	fieldKind      = "kind"
	fieldSource    = "source"
	fieldPublished = "published"
	fieldURL       = "url"
	fieldDocID     = "doc_id"
	fieldPosition  = "position"
	fieldStart     = "start"
	fieldEnd       = "end"
)

const (
	entityAnalyzer   = "entity_name"
	entitySynonyms   = "entity_aliases"
	entityCollection = "entity_aliases"
	textSynonyms     = "text_aliases"
	textCollection   = "text_aliases"
)

// newMapping builds the index mapping: English analysis with stemming for
// text fields, whole-name fields for entities, and synonym sources that turn
// entity aliases into one another.
func newMapping(scoring string) (mapping.IndexMapping, error) {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = textAnalyzer
	im.ScoringModel = scoring
	err := im.AddCustomAnalyzer(entityAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []string{lowercase.Name},
	})
	if err != nil {
		return nil, fmt.Errorf("entity analyzer: %w", err)
	}
	if err := im.AddSynonymSource(entitySynonyms, map[string]interface{}{
		"collection": entityCollection, "analyzer": entityAnalyzer,
	}); err != nil {
		return nil, fmt.Errorf("entity synonyms: %w", err)
	}
	if err := im.AddSynonymSource(textSynonyms, map[string]interface{}{
		"collection": textCollection, "analyzer": textAnalyzer,
	}); err != nil {
		return nil, fmt.Errorf("text synonyms: %w", err)
	}

	// No term vectors: the top hits' matches are found by analysing their
	// stored text (see locate), which is cheaper than asking Bleve.
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.SynonymSource = textSynonyms
		return f
	}
	entity := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = entityAnalyzer
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.SynonymSource = entitySynonyms
		return f
	}
	kw := func(index bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = true
		f.Index = index
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldTitle, text(true))
	dm.AddFieldMappingsAt(fieldHeading, text(true))
	dm.AddFieldMappingsAt(fieldBody, text(true))
	dm.AddFieldMappingsAt(fieldQuestion, text(true))
	han := bleve.NewTextFieldMapping()
	han.Analyzer = cjk.AnalyzerName
	han.Store = false
	han.IncludeTermVectors = false
	han.IncludeInAll = false
	dm.AddFieldMappingsAt(fieldHan, han)
	dm.AddFieldMappingsAt(fieldSectors, entity())
	dm.AddFieldMappingsAt(fieldCompanies, entity())
	dm.AddFieldMappingsAt(fieldPolicies, entity())
	dm.AddFieldMappingsAt(fieldKind, kw(true))
	dm.AddFieldMappingsAt(fieldSource, kw(true))
	dm.AddFieldMappingsAt(fieldPublished, kw(true))
	dm.AddFieldMappingsAt(fieldDocID, kw(true))
	dm.AddFieldMappingsAt(fieldURL, kw(false))
	dm.AddFieldMappingsAt(fieldPosition, num())
	dm.AddFieldMappingsAt(fieldStart, num())
	dm.AddFieldMappingsAt(fieldEnd, num())
	im.DefaultMapping = dm
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	return im, nil
}
