package bench

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// Peer is plain Bleve as a newcomer would use it: the default mapping, batches
// of 1,000 documents, a match query over the body with Bleve's default
// highlighter. futurebot's bench command measures itself against it.
type Peer struct {
	b bleve.Index
}

// BuildPeer indexes one document per passage text into a new index at dir.
func BuildPeer(dir string, passages []string) (*Peer, error) {
	b, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		return nil, fmt.Errorf("peer index: %w", err)
	}
	batch := b.NewBatch()
	for i, text := range passages {
		if err := batch.Index(fmt.Sprintf("p%d", i), map[string]any{"body": text}); err != nil {
			b.Close()
			return nil, err
		}
		if batch.Size() == 1000 {
			if err := b.Batch(batch); err != nil {
				b.Close()
				return nil, err
			}
			batch.Reset()
		}
	}
	if err := b.Batch(batch); err != nil {
		b.Close()
		return nil, err
	}
	return &Peer{b: b}, nil
}

// Search runs a match query over the body, highlights the top 3 hits, and
// returns the text of the first.
func (p *Peer) Search(ctx context.Context, q string) (string, error) {
	m := bleve.NewMatchQuery(q)
	m.SetField("body")
	req := bleve.NewSearchRequestOptions(m, 3, 0, false)
	req.Highlight = bleve.NewHighlight()
	req.Fields = []string{"body"}
	res, err := p.b.SearchInContext(ctx, req)
	if err != nil || len(res.Hits) == 0 {
		return "", err
	}
	top, _ := res.Hits[0].Fields["body"].(string)
	return top, nil
}

// Close closes the peer's index.
func (p *Peer) Close() error { return p.b.Close() }
