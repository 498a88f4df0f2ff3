package main

import "strings"

// stopWords are English function words that are never useful as synonyms,
// related words or glosses. The list is the common NLTK-style English list.
var stopWords = wordSet(`
a about above after again against all am an and any are aren as at
be because been before being below between both but by
can cannot could couldn
did didn do does doesn doing don down during
each few for from further
had hadn has hasn have haven having he her here hers herself him himself his how
i if in into is isn it its itself
just
ll me mightn more most mustn my myself
needn no nor not now
o of off on once only or other our ours ourselves out over own
re s same shan she should shouldn so some such
t than that the their theirs them themselves then there these they this those through to too
under until up ve very
was wasn we were weren what when where which while who whom whose why will with won would wouldn
y you your yours yourself yourselves
`)

// cedictNoise are abbreviations and placeholders that CC-CEDICT uses in its
// English definitions ("to inspire sb", "(lit.)", "(Tw)") and that carry no
// meaning of their own.
var cedictNoise = wordSet(`
sb sth abbr lit fig esp etc tw pr usu cl coll
`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
