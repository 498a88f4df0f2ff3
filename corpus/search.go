package corpus

// Query asks an index for passages. The index analyses Text itself; the
// other fields narrow or favour what it finds.
type Query struct {
	Text string
	// Entities are names or aliases of entities the question is about;
	// passages that mention them rank higher.
	Entities []string
	// Sector, Company and Policy, when set, keep only passages about that
	// entity (any of its names).
	Sector, Company, Policy string
	// Kind keeps only articles or only FAQ entries; empty keeps both.
	Kind Kind
	// From and Limit page through the ranked hits.
	From, Limit int
	// Locate is how many of the top hits carry matched-term locations.
	Locate int
	// Browse asks for one ranking of every match, the same on every page,
	// with no shortcut that looks at the likeliest passages first.
	Browse bool
	// Alternatives are other words for words of Text: synonyms and related
	// words of an English word, the other senses of a Chinese word's
	// translation. A passage that has one matches the word, for less.
	Alternatives []Alternative
	// Han is the question's Chinese text, matched against Chinese text in
	// the passages.
	Han string
	// Misspelt are words of Text that no dictionary knows ("insprd"):
	// they may be matched more loosely than words spelt right.
	Misspelt []string
}

// Alternative is another word for a word of Query.Text.
type Alternative struct {
	// Word is the word of Query.Text; Words stand in for it.
	Word  string
	Words []string
	// Credit is how much a match of Words counts, against 1 for Word.
	Credit float64
}

// Match is one place where a query term matched a passage.
type Match struct {
	// Term is the analysed query term the match counts for (a fuzzy or
	// synonym match counts for the query term it stands in for).
	Term string
	Span
	// Exact is false for fuzzy matches and alternatives.
	Exact bool
	// Credit is how much an alternative's match counts (see Alternative);
	// 0 for the term itself or a fuzzy match.
	Credit float64
}

// Hit is one passage found by a query.
type Hit struct {
	Passage
	Score float64
	// Matches are the places in Text (and QuestionMatches in Question)
	// where query terms matched; only the top Query.Locate hits have them.
	Matches         []Match
	QuestionMatches []Match
	// TitleTerms are the query terms found in the title or heading.
	TitleTerms []string
}

// Term is one analysed term of a query with its weight (inverse document
// frequency in the index). A term the index has never seen has DocFreq 0
// and the highest weight.
type Term struct {
	Text string
	// Span is where the term first occurs in Query.Text.
	Span

	DocFreq int
	Weight  float64
	// Written is the word as the sources would write it when the question
	// writes it otherwise: two words joined ("wu kong": "wukong") or one
	// split ("blackmyth": "black", "myth"); "" when it is as written.
	Written string
}

// Results is the answer to a Query.
type Results struct {
	Hits  []Hit
	Total int
	Terms []Term
	// Fuzzy is true when the index fell back to fuzzy matching because some
	// query terms were unknown.
	Fuzzy bool
}
