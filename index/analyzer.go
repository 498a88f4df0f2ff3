package index

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	bleveunicode "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// textAnalyzer analyses every English text field and every question: the
// English analyzer (possessives, lower case, stop words, Porter stems) over
// the words tokenizer.
const textAnalyzer = "futurebot_en"

// wordsTokenizer is Unicode word segmentation with two additions that
// members' questions need and the sources' spelling hides:
//
//   - a hyphenated compound is also one word: "start-ups" gives "start",
//     "ups" and "startups", so "startups" and "standout" find "start-ups"
//     and "stand-out";
//   - the United States is one word however it is written: "US", "U.S."
//     and "United States" all give "USA" ("us", the pronoun, is a stop
//     word).
const wordsTokenizer = "futurebot_words"

type wordsTok struct {
	unicode *bleveunicode.UnicodeTokenizer
}

// joined is the token type of a hyphenated compound's joined form: the
// index holds it, a question's terms leave it out ("car-t" asks for "car"
// and "t", and must not miss "cart" where the sources write "CAR T").
const joined = analysis.Shingle

func (w wordsTok) Tokenize(input []byte) analysis.TokenStream {
	toks := w.unicode.Tokenize(input)
	out := make(analysis.TokenStream, 0, len(toks)+len(toks)/8)
	for i, tok := range toks {
		if bytes.Equal(tok.Term, []byte("US")) || bytes.EqualFold(tok.Term, []byte("U.S")) {
			tok.Term = []byte("USA")
		}
		out = append(out, tok)
		if i == 0 {
			continue
		}
		prev := toks[i-1]
		switch {
		case prev.End+1 == tok.Start && input[prev.End] == '-' && letters(prev.Term) && letters(tok.Term):
			out = append(out, &analysis.Token{Term: append(append([]byte(nil), prev.Term...), tok.Term...),
				Start: prev.Start, End: tok.End, Position: tok.Position, Type: joined})
		case prev.End+1 == tok.Start && input[prev.End] == ' ' && strings.EqualFold(string(prev.Term), "united") && strings.EqualFold(string(tok.Term), "states"):
			out = append(out, &analysis.Token{Term: []byte("USA"), Start: prev.Start, End: tok.End, Position: tok.Position, Type: analysis.AlphaNumeric})
		}
	}
	return out
}

// letters reports whether a token is letters only: "2021-25" and "6G-ready"
// are not compounds to join.
func letters(term []byte) bool {
	for len(term) > 0 {
		r, n := utf8.DecodeRune(term)
		if !unicode.IsLetter(r) {
			return false
		}
		term = term[n:]
	}
	return true
}

func init() {
	err := registry.RegisterTokenizer(wordsTokenizer, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return wordsTok{bleveunicode.NewUnicodeTokenizer()}, nil
	})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterAnalyzer(textAnalyzer, func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		tok, err := cache.TokenizerNamed(wordsTokenizer)
		if err != nil {
			return nil, err
		}
		var filters []analysis.TokenFilter
		for _, name := range []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name} {
			f, err := cache.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			filters = append(filters, f)
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, nil
	})
	if err != nil {
		panic(err)
	}
}
