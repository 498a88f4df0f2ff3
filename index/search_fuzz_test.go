package index

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"futurebot/corpus"
)

// FuzzSearch searches a small index with any text, as a member may type
// it: split and run-together words, typos, Bleve query syntax, mixed
// scripts. It never panics, and every term it reports points into the
// question.
func FuzzSearch(f *testing.F) {
	dir := f.TempDir()
	ix, _, err := NewStore(dir, Options{}, nil).OpenOrBuild(context.Background(), fstest.MapFS{
		"game.md":  {Data: []byte("# Game\n\nGame Science made the video game Black Myth: Wukong in Hangzhou.\n")},
		"brain.md": {Data: []byte("# Brain\n\nBrainCo makes headbands; the 脑机接口 firm took Neuralink as its model.\n")},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	for _, s := range []string{"who made blackmyth", "wu kong", "brain co makes what", "unitre", "+title:x -body:y~2 \"a b\"^3",
		"脑机接口 brainco", strings.Repeat("ab ", 200), "a\u0301b c", "x-y z-", "🤖 wukong"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 600 {
			s = s[:600] // questions reach the index through answers.Analyze, which keeps 600 bytes
		}
		res, err := ix.Search(context.Background(), corpus.Query{Text: s, Han: s, Limit: 5, Locate: 5, Misspelt: strings.Fields(s)})
		if err != nil {
			return
		}
		for _, term := range res.Terms {
			if term.Start >= 0 && (term.Start > term.End || term.End > len(s)) {
				t.Fatalf("term %q spans %d-%d of a %d-byte question", term.Text, term.Start, term.End, len(s))
			}
		}
	})
}
