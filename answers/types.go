package answers

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"futurebot/corpus"
	"futurebot/lexicon"
)

// Type is the kind of answer a question expects.
type Type string

// Answer types.
const (
	TypePerson       Type = "person"       // who
	TypeOrganisation Type = "organisation" // which company, which ministry
	TypePlace        Type = "place"        // where, which city
	TypeDate         Type = "date"         // when, what year
	TypeNumber       Type = "number"       // how many, what share, how much, how long
	TypeList         Type = "list"         // which sectors, list the
	TypeDefinition   Type = "definition"   // what is
	TypeYesNo        Type = "yes/no"       // is it, does it
	TypeReason       Type = "reason"       // why
	TypeOther        Type = "other"
)

// Unit narrows a number question: a count is not a percentage, and a
// price is neither.
type Unit string

// Units of number questions.
const (
	UnitAny      Unit = ""
	UnitCount    Unit = "count"    // how many
	UnitShare    Unit = "share"    // what share, what percentage
	UnitMoney    Unit = "money"    // how much does it cost, how many billion yuan
	UnitDuration Unit = "duration" // how long
	UnitRank     Unit = "rank"     // where does it rank
	UnitMany     Unit = "many"     // which companies: more than one name
)

// typeCue is one way of asking for a type, found anywhere in the question:
// members often put the question word last ("the wukong studio, what's it
// called?").
type typeCue struct {
	re   *regexp.Regexp
	t    Type
	unit Unit
}

var typeCues = []typeCue{
	{regexp.MustCompile(`(?i)\bhow many (billion|million|trillion|yuan|dollars?|usd|rmb)\b|\bhow much (money|cash|funding|funds|investment|capital|budget|spending|revenue|profit|does .{0,40}\bcost|do .{0,40}\bcost|is .{0,40}\bworth)\b|\bwhat (is|was) the (price|cost)\b|\b(price|cost) of\b`), TypeNumber, UnitMoney},
	{regexp.MustCompile(`(?i)\bhow long ago\b|\bsince when\b|\buntil when\b|\bby when\b|(^|[,;?]\s*|\b(and|so|but)\s+)when\b|\b(what|which|in what) (year|date|month|day|decade)\b`), TypeDate, UnitAny},
	{regexp.MustCompile(`(?i)\bhow long\b`), TypeNumber, UnitDuration},
	{regexp.MustCompile(`(?i)\bhow many (years|months|weeks|days|hours|minutes|seconds|decades)\b`), TypeNumber, UnitDuration},
	{regexp.MustCompile(`(?i)\bhow many\b|\bnumber of\b`), TypeNumber, UnitCount},
	{regexp.MustCompile(`(?i)\bwhat (share|percentage|per ?cent|proportion|fraction|portion|part)\b|\bhow much (of|percentage|per ?cent)\b|\bwhat % `), TypeNumber, UnitShare},
	{regexp.MustCompile(`(?i)\bwhere does .{0,60}\brank\b|\bwhat (rank|ranking|position|place) \b|\bhow (does|do) .{0,60}\brank\b`), TypeNumber, UnitRank},
	{regexp.MustCompile(`(?i)\bhow (much|large|big|far|old|fast|high)\b|\bwhat (number|amount|size)\b`), TypeNumber, UnitAny},
	{regexp.MustCompile(`(?i)\bwhere\b|\b(which|what|wat|wich) (\w+ )?(city|town|province|country|region|place|state|capital|nation|location|area of china)\b|\bin which (city|town|province|country)\b|\bwho(?:'s| is| are| was| were)? (?:the |a )?(?:\w+ ){0,2}(?:country|countries|nation|city|province)(?:\s*[?.!]?$|\s+(?:in|that|which|with|behind|for)\b)`), TypePlace, UnitAny},
	{regexp.MustCompile(`(?i)\b(which|what) ((\w+|\w+-\w+) ){0,2}(company|firm|studio|ministry|bank|start-?up|developer|maker|agency|organi[sz]ation|commission|institution|university|brand|lab|regulator|government department|department)\b|\bwhich ((\w+|\w+-\w+) )?(plan|programme|program|guidelines|game)\b|\bwhich one\b|\bwhich of (the|these|those)\b|\bwhat('?s| is) (it|the \w+) called\b`), TypeOrganisation, UnitAny},
	{regexp.MustCompile(`(?i)\bwho(m|'s|se| is| are| was| were)?\b`), TypePerson, UnitAny},
	{regexp.MustCompile(`(?i)\bwhy\b|\bhow come\b|\bfor what reason\b|\bwhat for\b`), TypeReason, UnitAny},
	{regexp.MustCompile(`(?i)^(list|name (the|all|some)|enumerate)\b|\blist (them|all|the)\b|\bwhat('?s| is| are) on .{0,40}\blist\b`), TypeList, UnitAny},
}

// Chinese question words.
var zhCues = []typeCue{
	{regexp.MustCompile(`多少钱|价格|价钱|售价`), TypeNumber, UnitMoney},
	{regexp.MustCompile(`哪一年|哪年|何时|什么时候|几月|哪天|哪一天|几年前|哪个月`), TypeDate, UnitAny},
	{regexp.MustCompile(`多久|多长时间|几年内|多少年`), TypeNumber, UnitDuration},
	{regexp.MustCompile(`比例|百分之|占比|份额|百分比`), TypeNumber, UnitShare},
	{regexp.MustCompile(`几[款个家项种位次]|多少[款个家项种位次]?`), TypeNumber, UnitCount},
	{regexp.MustCompile(`排名|第几`), TypeNumber, UnitRank},
	{regexp.MustCompile(`哪[个座]?城市|哪里|哪儿|哪个省|哪[个]?国家`), TypePlace, UnitAny},
	{regexp.MustCompile(`哪家|哪[个]?公司|哪[个]?部门|哪[个]?机构|什么公司|哪个部`), TypeOrganisation, UnitAny},
	{regexp.MustCompile(`谁`), TypePerson, UnitAny},
	{regexp.MustCompile(`为什么|为何|原因`), TypeReason, UnitAny},
	{regexp.MustCompile(`哪些|有什么|列出`), TypeList, UnitAny},
	{regexp.MustCompile(`是什么|什么是|是做什么|做什么|干什么`), TypeDefinition, UnitAny},
	{regexp.MustCompile(`吗[？?]?\s*$`), TypeYesNo, UnitAny},
}

var (
	yesNoLead  = regexp.MustCompile(`(?i)^(is|are|was|were|does|do|did|can|could|will|would|has|have|had|should|isn'?t|aren'?t|doesn'?t|didn'?t)\b`)
	definition = regexp.MustCompile(`(?i)^(what(’s|'s| is| are| was| were)|wat(s| is| are)|whats|define|meaning of|explain|tell me about)\b|\bwhat (does|do) .{1,60}\b(mean|do|make|stand for)\b|\bknown for\b`)
	// listQuestion matches "which sectors", "what target areas": a
	// which/what question about a plural noun.
	listQuestion = regexp.MustCompile(`(?i)\b(?:which|what)(?: are| were)?(?: the)?((?: [\w-]+){1,6})`)
)

var notPlural = map[string]bool{"is": true, "was": true, "does": true, "has": true, "this": true, "its": true,
	"his": true, "as": true, "us": true, "plus": true, "status": true, "focus": true, "news": true, "less": true,
	"process": true, "business": true, "analysis": true, "basis": true, "chinas": true, "its'": true}

// determiners open a noun phrase: the word before one is a verb.
var determiners = map[string]bool{"the": true, "a": true, "an": true, "this": true, "that": true, "these": true,
	"those": true, "its": true, "their": true, "his": true, "her": true, "our": true, "my": true, "your": true}

// verbLike words end the noun phrase after "which" or "what".
var verbLike = map[string]bool{"is": true, "are": true, "was": true, "were": true, "did": true, "does": true, "do": true,
	"has": true, "have": true, "had": true, "will": true, "can": true, "could": true, "should": true, "would": true,
	"in": true, "of": true, "from": true, "for": true, "on": true, "at": true, "by": true, "to": true, "with": true}

// organisationNouns are plural nouns whose members a "which" question
// wants named: "which companies", "which of the start-ups".
var organisationNouns = map[string]bool{"companies": true, "firms": true, "startups": true, "start-ups": true,
	"studios": true, "makers": true, "developers": true, "banks": true, "ministries": true, "dragons": true}

func isListQuestion(q string) bool {
	for _, m := range listQuestion.FindAllStringSubmatch(q, -1) {
		words := strings.Fields(strings.ToLower(m[1]))
		for i, w := range words {
			if verbLike[w] {
				break // "which ministry put out the guidelines": the noun came before
			}
			if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !notPlural[w] {
				// "which ministry posts the challenges": a word ending in
				// s before "the" is the verb, not a plural noun; "what are
				// the therapies used for" asks about them, not for a list.
				if i > 0 && i+1 < len(words) && determiners[words[i+1]] {
					break
				}
				next := i + 1
				for next < len(words) && strings.HasSuffix(words[next], "ly") {
					next++ // "mostly used"
				}
				if next < len(words) && strings.HasSuffix(words[next], "ed") && (strings.Contains(m[0], " are ") || strings.Contains(m[0], " were ")) {
					break
				}
				return true
			}
		}
	}
	return false
}

// classify finds what a question asks for: up to two types ("who coined the
// term, and in which year?"), the first the main one.
// whoIsName asks who someone or something named is ("who is Pan
// Gongsheng", "who is deepseek"): a description, not another name. "Who is
// the governor of …" asks for a name.
var whoIsName = regexp.MustCompile(`(?i)^\s*who(?:'s| is| are| was| were)\s+((?:[\p{L}\p{N}][\p{L}\p{N}.&-]*\s*){1,4})\??\s*$`)

// notAName start or fill the words after "who is" that describe a role.
var notAName = regexp.MustCompile(`(?i)^(the|a|an|this|that|these|those|your|our|its|their|his|her|my)\b|'s\b|\b(of|in|for|at|behind|with|from|on|to|by)\b`)

func classify(q string) ([]Type, Unit) {
	if m := whoIsName.FindStringSubmatch(q); m != nil && !notAName.MatchString(m[1]) {
		return []Type{TypeDefinition}, UnitAny
	}
	type found struct {
		at   int
		t    Type
		unit Unit
	}
	var hits []found
	cues := typeCues
	if corpus.HasHan(q) {
		cues = append(append([]typeCue(nil), typeCues...), zhCues...)
	}
	for _, c := range cues {
		if loc := c.re.FindStringIndex(q); loc != nil {
			dup := false
			for _, h := range hits {
				dup = dup || h.t == c.t
			}
			if !dup {
				hits = append(hits, found{loc[0], c.t, c.unit})
			}
		}
	}
	// The earliest cue leads; a second one is kept when the question asks
	// two things ("who ... and how many").
	for i := 1; i < len(hits); i++ {
		for j := i; j > 0 && hits[j].at < hits[j-1].at; j-- {
			hits[j], hits[j-1] = hits[j-1], hits[j]
		}
	}
	lead := strings.TrimLeft(q, `"'“‘¿¡([ `)
	switch {
	case len(hits) == 0 && yesNoLead.MatchString(lead):
		return []Type{TypeYesNo}, UnitAny
	case len(hits) == 0 && isListQuestion(q) && pluralOrganisation(q):
		return []Type{TypeOrganisation}, UnitMany
	case len(hits) == 0 && isListQuestion(q):
		return []Type{TypeList}, UnitAny
	case len(hits) == 0 && definition.MatchString(lead):
		return []Type{TypeDefinition}, UnitAny
	case len(hits) == 0:
		return []Type{TypeOther}, UnitAny
	}
	// "which companies …" and "who are the …" ask for several names.
	if (hits[0].t == TypeOrganisation || hits[0].t == TypePerson || hits[0].t == TypeDefinition) && isListQuestion(q) && !corpus.HasHan(q) {
		if hits[0].t == TypeOrganisation || pluralOrganisation(q) {
			hits[0].t, hits[0].unit = TypeOrganisation, UnitMany
		} else {
			hits[0].t = TypeList
		}
	}
	types := []Type{hits[0].t}
	unit := hits[0].unit
	if len(hits) > 1 && secondQuestion(q, hits[1].at) && hits[1].t != TypeList && hits[1].t != TypeDefinition {
		types = append(types, hits[1].t)
		if unit == UnitAny {
			unit = hits[1].unit
		}
	}
	return types, unit
}

func pluralOrganisation(q string) bool {
	for _, w := range strings.Fields(strings.ToLower(q)) {
		if organisationNouns[strings.Trim(w, "?,.!")] {
			return true
		}
	}
	return false
}

// secondQuestion reports whether the cue at i starts a second question
// ("…, and how many do they have?", "谁在哪一年") rather than a clause of the
// first ("the year when").
func secondQuestion(q string, i int) bool {
	before := strings.ToLower(strings.TrimSpace(q[:i]))
	if corpus.HasHan(q) {
		return true
	}
	return strings.HasSuffix(before, "and") || strings.HasSuffix(before, ",") || strings.HasSuffix(before, "?")
}

// agencyRe finds "who" followed by a verb of what organisations do: they
// run schemes, release guidelines, make robots. Founding, heading and
// coining are left to people.
var agencyRe = regexp.MustCompile(`(?i)\bwho(?:'s| is| are| was| were| has| have| had| did| does| will)?\s+(?:first\s+|mainly\s+|actually\s+)?(runs?|running|ran|releas\w*|issu\w*|introduc\w*|launch\w*|post\w*|publish\w*|makes?|making|made|builds?|building|built|develop\w*|manufactur\w*|produc\w*|funds?|funding|funded|owns?|operat\w*|regulat\w*|oversees?|overseeing|oversaw|approv\w*|sets?|setting|organi[sz]\w*|hosts?|hosting|hosted|dubb\w*|call\w*|warn\w*|propos\w*|draft\w*|put\w*|manag\w*|support\w*|back\w*|invest\w*|design\w*|compil\w*|rank\w*|report\w*|estimat\w*|count\w*|inspir\w*|influenc\w*)\b`)

// namedPlaceRe finds the kinds of place whose names carry the word.
var namedPlaceRe = regexp.MustCompile(`(?i)\b(?:which|what|wich|wat)\s+(province|county|district|prefecture)\b`)

// evidence is what a candidate answer holds of each type.
var (
	yearRe        = regexp.MustCompile(`\b(1\d\d\d|20\d\d)s?\b|\b\d{1,4}\s?(BC|BCE|AD|CE)\b|\b\d{1,2}(st|nd|rd|th) century\b`)
	monthRe       = regexp.MustCompile(`(?i)\b(january|february|march|april|may|june|july|august|september|october|november|december)\b`)
	numberRe      = regexp.MustCompile(`(?i)(\d[\d,.]*(\s*(%|per ?cent\b))?|\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozen|half|quarter|third)\b(\s+(per ?cent\b))?)`)
	shareRe       = regexp.MustCompile(`(?i)(%|\bper ?cent\b|\b(half|quarter|third|majority|share|proportion)\b)`)
	moneyRe       = regexp.MustCompile(`(?i)([$€£¥]\s*\d|\b\d[\d,.]*\s*(billion|million|trillion|bn|m)?\s*(yuan|dollars?|usd|rmb|euros?)\b|\b(billion|million|trillion)\b)`)
	durationRe    = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)\s+(years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|century)\b`)
	placeNounRe   = regexp.MustCompile(`(?i)\b(in|at|near|across|throughout|from|on)\s+(the\s+)?(\w+\s+){0,2}(areas?|regions?|cit(y|ies)|towns?|provinces?|countr(y|ies)|states?|coasts?|islands?|mountains?|valleys?|villages?|districts?|capital|north|south|east|west|abroad|overseas)\b`)
	timeUnitAfter = regexp.MustCompile(`^\s+(years?|months?|weeks?|days?|hours?|decades?)\b`)
	rankRe        = regexp.MustCompile(`(?i)\b(first|second|third|fourth|fifth|top|largest|biggest|leading|\d+(st|nd|rd|th))\b`)
	// groupRe are words naming who did something when no name is given:
	// "a US congressional commission", "the ministry".
	groupRe = regexp.MustCompile(`(?i)\b(commission|ministry|government|council|committee|agency|regulator|parliament|congress|lawmakers|researchers|scientists|president|governor|minister|officials?|authorities|companies|firms?|start-ups|investors)\b`)
	capsRe  = regexp.MustCompile(`\p{Lu}[\p{L}\d]*(?:[-\s]+(?:of\s+|and\s+)?\p{Lu}[\p{L}\d]*)*`)
)

// evidenceFor reports whether text holds something of type t that the
// question does not already say: a year it does not name, a number it does
// not give, a name it does not use.
func evidenceFor(t Type, unit Unit, text string, asked *askedWords) bool {
	switch t {
	case TypeDate:
		for _, y := range yearRe.FindAllString(text, -1) {
			if !asked.has(y) {
				return true
			}
		}
		for _, m := range monthRe.FindAllString(text, -1) {
			if !asked.has(strings.ToLower(m)) {
				return true
			}
		}
		return false
	case TypeNumber:
		return numberEvidence(unit, text, asked)
	case TypePerson:
		return newPersonNames(text, asked) > 0 || asked.agency && (newGroup(text, asked) || newNames(text, asked, false) > 0)
	case TypePlace:
		return newNames(text, asked, true) > 0 || placeNounRe.MatchString(text)
	case TypeOrganisation:
		if unit == UnitMany {
			return newNames(text, asked, false) >= 2
		}
		return newNames(text, asked, false) > 0
	case TypeList:
		return listItems(text) >= 2
	}
	return true
}

func numberEvidence(unit Unit, text string, asked *askedWords) bool {
	switch unit {
	case UnitMoney:
		return moneyRe.MatchString(text)
	case UnitDuration:
		for _, d := range durationRe.FindAllString(text, -1) {
			if !asked.has(strings.ToLower(strings.Fields(d)[0])) {
				return true
			}
		}
		return false
	case UnitRank:
		return rankRe.MatchString(text)
	}
	for _, loc := range numberRe.FindAllStringIndex(text, -1) {
		n := text[loc[0]:loc[1]]
		word := strings.ToLower(strings.TrimRight(strings.Fields(n)[0], ",.%"))
		if asked.has(word) || yearRe.MatchString(n) && unit != UnitShare {
			continue
		}
		// "2021-25" names a plan and "6G" a network, not a quantity.
		if loc[0] > 0 && (text[loc[0]-1] == '-' || text[loc[0]-1] == '/') {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(text[loc[1]:]); loc[1] < len(text) && unicode.IsLetter(r) {
			continue
		}
		// "within two years" is a time, not a count of things.
		if unit == UnitCount && timeUnitAfter.MatchString(text[loc[1]:]) {
			continue
		}
		percent := shareRe.MatchString(n) || strings.HasPrefix(strings.ToLower(strings.TrimSpace(text[loc[1]:min(len(text), loc[1]+9)])), "per cent")
		switch {
		case unit == UnitCount && percent:
			continue // a share is not a count
		case unit == UnitShare && !percent:
			continue
		}
		return true
	}
	return false
}

// newNames counts the names in text (capitalised words or runs of words)
// that the question does not give. A capitalised word that only starts a
// sentence does not count.
func newNames(text string, asked *askedWords, places bool) int {
	return countNewNames(text, asked, places, false)
}

// countNewNames is newNames; with starts, a capitalised word that starts a
// sentence counts too when it is no English word ("BrainCo is …").
func countNewNames(text string, asked *askedWords, places, starts bool) int {
	n := 0
	for _, loc := range capsRe.FindAllStringIndex(text, -1) {
		name := text[loc[0]:loc[1]]
		words := strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' || r == '\n' })
		// A capitalised word that starts a sentence is a name only when
		// it is no English word ("BrainCo is …", not "Among these …").
		if len(words) == 1 && sentenceStart(text, loc[0]) && (!starts || lexicon.Known(strings.ToLower(words[0]))) || commonCapitalised[strings.ToLower(words[0])] && len(words) == 1 {
			continue
		}
		if places && (asked.entityNames[corpus.NormalizeName(name)] || allCaps(name)) {
			continue // a company, sector or policy the corpus knows, or "AI", is not a place
		}
		// "President Xi Jinping" is the name "xi" asked about, not a new
		// one: a name counts only when the question gives none of its
		// words, other than words for what kind of thing it is
		// ("Ministry" for "which ministry").
		fresh, known := false, false
		for _, w := range words {
			lw := strings.ToLower(w)
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) || lw == "of" || lw == "and" || commonCapitalised[lw] {
				continue // "cell" in "T-cell" names nothing new
			}
			switch {
			case !asked.has(lw):
				fresh = true
			case !typeWords[lw] && lw != asked.focus && !lexicon.Known(lw):
				known = true
			}
		}
		if fresh && !known {
			n++
		}
	}
	return n
}

// newPersonNames counts the names that could be people's ("Pan
// Gongsheng", "Watt") and that the question does not give: not acronyms
// ("AI") and not the companies, sectors and policies the corpus knows.
func newPersonNames(text string, asked *askedWords) int {
	n := 0
	for _, loc := range capsRe.FindAllStringIndex(text, -1) {
		name := text[loc[0]:loc[1]]
		if allCaps(name) || asked.entityNames[corpus.NormalizeName(name)] || commonWordsOnly(name) && !titled(text[:loc[0]]) {
			continue
		}
		if newNames(name, asked, false) > 0 && !(len(strings.Fields(name)) == 1 && sentenceStart(text, loc[0])) {
			n++
		}
	}
	return n
}

func allCaps(w string) bool { return strings.ToUpper(w) == w }

// commonWordsOnly reports whether every word of a capitalised name is an
// English word ("Five-Year Plan", "Silicon Valley"): the name of a thing
// more often than of a person.
func commonWordsOnly(name string) bool {
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '-' }) {
		if !lexicon.Known(strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// titled reports whether the text before a name ends with a title that
// makes it a person's: "President", "governor", "Dr".
func titled(before string) bool {
	f := strings.Fields(before)
	return len(f) > 0 && personTitles[strings.ToLower(strings.Trim(f[len(f)-1], ".,"))]
}

var personTitles = map[string]bool{"president": true, "governor": true, "minister": true, "premier": true, "chairman": true,
	"chair": true, "ceo": true, "founder": true, "dr": true, "mr": true, "mrs": true, "ms": true, "professor": true,
	"prof": true, "general": true, "king": true, "queen": true, "emperor": true, "sir": true, "director": true}

// newGroup reports whether text says who by a description the question
// does not use ("a US congressional commission"). "The ministry" refers
// back to a name given elsewhere and does not count.
func newGroup(text string, asked *askedWords) bool {
	for _, loc := range groupRe.FindAllStringIndex(text, -1) {
		g := strings.ToLower(text[loc[0]:loc[1]])
		before := text[max(0, loc[0]-40):loc[0]]
		if asked.has(g) || !indefiniteDeterminer.MatchString(before) {
			continue
		}
		return true
	}
	return false
}

// indefiniteDeterminer ends the text before a noun that introduces someone
// new ("a US congressional commission"), not one met before ("the
// ministry") nor a mere modifier ("government support").
var indefiniteDeterminer = regexp.MustCompile(`(?i)\b(a|an|one|some)\s+(\S+\s+){0,2}$`)

// commonCapitalised are capitalised words that name nothing in particular.
var commonCapitalised = map[string]bool{"the": true, "a": true, "an": true, "it": true, "its": true, "this": true,
	"these": true, "those": true, "they": true, "in": true, "on": true, "at": true, "by": true, "as": true, "yes": true,
	"no": true, "and": true, "but": true, "of": true, "for": true, "with": true, "from": true, "among": true,
	"chinese": true, "american": true, "european": true, "japanese": true, "korean": true, "western": true,
	"january": true, "february": true, "march": true, "april": true, "may": true,
	"june": true, "july": true, "august": true, "september": true, "october": true, "november": true, "december": true}

func sentenceStart(text string, i int) bool {
	before := strings.TrimRight(text[:i], " \t\"'“‘(")
	if before == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	return r == '.' || r == '!' || r == '?' || r == '\n' || r == ':'
}

// askedWords are the words of a question, lowercased, with the names and
// aliases of the entities it mentions and the numbers it gives as words
// and digits.
type askedWords struct {
	words map[string]bool
	// focus is the noun a which/what question asks about.
	focus string
	// agency is true when an organisation may answer "who" (see
	// Question.Agency).
	agency bool
	// entityNames are the normalised names and aliases of every entity
	// the corpus knows: a company is not a place.
	entityNames map[string]bool
}

var numberWords = map[string]string{"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
	"seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12"}

func newAskedWords(q *Question, entityNames map[string]bool) *askedWords {
	a := &askedWords{words: map[string]bool{}, entityNames: entityNames, focus: q.Focus, agency: q.Agency}
	// Numbers count as asked only when the member wrote them: "six" in
	// the name "Six Little Dragons" is what "how many?" wants.
	add := func(s string, numbers bool) {
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if _, isNumber := numberWords[w]; !numbers && (isNumber || strings.Trim(w, "0123456789") == "") {
				continue
			}
			a.words[w] = true
			a.words[strings.TrimSuffix(w, "s")] = true
			if d, ok := numberWords[w]; ok {
				a.words[d] = true
			}
			for word, d := range numberWords {
				if d == w {
					a.words[word] = true
				}
			}
		}
	}
	add(q.Raw, true)
	add(q.chat, true)
	add(q.Search, false)
	for _, m := range q.Mentions {
		for _, n := range m.Entity.Names() {
			add(n, false)
		}
	}
	return a
}

func (a *askedWords) has(w string) bool {
	w = strings.ToLower(w)
	return a.words[w] || a.words[strings.TrimSuffix(w, "s")] || a.words[strings.TrimSuffix(w, "'s")]
}

// focusRe finds the noun a which/what question is about, and the word
// after it: "which investment bank is quoted" is about a bank, "what forum
// did he speak at" about a forum.
var focusRe = regexp.MustCompile(`(?i)\b(which|what)\s+(?:(?:kind|sort|type) of\s+)?([a-z][a-z-]*)(?:'s)?(?:\s+([a-z][a-z-]*)(?:'s)?)?(?:\s+([a-z][a-z-]*)(?:'s)?)?(?:\s+([a-z][a-z-]*))?`)

// focusOf returns the noun a which/what question asks about, or "", and
// whether it came with "which": the noun must be followed by a verb ("what
// forum did", "which firm got dubbed"). A plural ("which tools") asks for a
// list of things, not one.
func focusOf(q string) (string, bool) {
	m := focusRe.FindStringSubmatch(q)
	if m == nil {
		return "", false
	}
	focus, verb := "", false
	for _, w := range m[2:] {
		w = strings.ToLower(w)
		if w == "" {
			break
		}
		if focus != "" && (verbLike[w] || irregularVerbs[w] || strings.HasSuffix(w, "ed")) {
			verb = true
			break
		}
		if verbLike[w] || determiners[w] || pronouns[w] || notFocus[w] || irregularVerbs[w] {
			break
		}
		focus = w
	}
	if !verb || strings.HasSuffix(focus, "s") && !strings.HasSuffix(focus, "ss") {
		return "", false
	}
	return focus, strings.EqualFold(m[1], "which")
}

var irregularVerbs = map[string]bool{"got": true, "get": true, "gets": true, "took": true, "take": true, "takes": true,
	"made": true, "make": true, "makes": true, "came": true, "come": true, "comes": true, "gave": true, "give": true,
	"gives": true, "went": true, "go": true, "goes": true, "put": true, "puts": true, "run": true, "runs": true, "ran": true,
	"said": true, "says": true, "say": true, "built": true, "build": true, "builds": true, "sold": true, "sell": true,
	"won": true, "win": true, "leads": true, "lead": true, "led": true, "set": true, "sets": true, "holds": true,
	"held": true, "owns": true, "own": true, "became": true, "become": true, "becomes": true}

// notFocus are words after which/what that are no noun to name, beside
// determiners and pronouns.
var notFocus = map[string]bool{"we": true, "you": true, "i": true, "one": true, "ones": true, "about": true,
	"new": true, "else": true, "exactly": true, "happened": true, "happens": true}

// nameNearFocus reports whether text uses the focus noun, whether a name
// the question does not give stands next to it ("the Lujiazui Forum",
// "companies like WuXi AppTec"), and whether every use points back ("the
// same forum", "that plan") without naming it.
func nameNearFocus(text, focus string, asked *askedWords) (uses, named, pointsBack bool) {
	if focus == "" {
		return false, false, false
	}
	forms := []string{focus, focus + "s", focus + "es", strings.TrimSuffix(focus, "y") + "ies"}
	words := wordRe.FindAllStringIndex(text, -1)
	pointsBack = true
	for i, loc := range words {
		lw := strings.ToLower(strings.Trim(text[loc[0]:loc[1]], `.,;:!?"'“”‘’()`))
		if !slices.Contains(forms, lw) {
			continue
		}
		uses = true
		// A name next to the noun names it ("the Lujiazui Forum", "companies
		// like WuXi AppTec"); a person's ("President Xi Jinping in 2020, the
		// term") names no thing.
		from, to := words[max(0, i-4)][0], words[min(len(words), i+5)-1][1]
		// A quotation after the noun names it too: the term "future
		// industries".
		after := strings.TrimLeft(text[loc[1]:], " ")
		if namesNear(text, from, to, asked, !personFocus[focus]) || strings.HasPrefix(after, `"`) || strings.HasPrefix(after, "“") {
			return true, true, false
		}
		if i == 0 || !demonstratives[strings.ToLower(text[words[i-1][0]:words[i-1][1]])] {
			pointsBack = false
		}
	}
	return uses, false, uses && pointsBack
}

var wordRe = regexp.MustCompile(`\S+`)

// namesNear reports whether text[from:to] holds a name the question does
// not give, not counting people's names given with a title ("President Xi
// Jinping") when notPeople is set. A name is judged whole, even where it
// starts before from.
func namesNear(text string, from, to int, asked *askedWords, notPeople bool) bool {
	for _, loc := range capsRe.FindAllStringIndex(text, -1) {
		if loc[1] <= from || loc[0] >= to {
			continue
		}
		name := text[loc[0]:loc[1]]
		if countNewNames(text[max(from, loc[0]):min(to, loc[1])], asked, false, true) == 0 && countNewNames(name, asked, false, true) == 0 {
			continue
		}
		if notPeople && (personTitles[strings.ToLower(strings.Fields(name)[0])] || titled(text[:loc[0]])) {
			continue
		}
		return true
	}
	return false
}

// personFocus are the nouns a which/what question asks a person's name for.
var personFocus = map[string]bool{"person": true, "man": true, "woman": true, "leader": true, "official": true,
	"president": true, "governor": true, "minister": true, "founder": true, "ceo": true, "head": true, "chief": true,
	"scientist": true, "researcher": true, "economist": true, "analyst": true, "executive": true, "chairman": true}

// demonstratives point back at something named before ("the same forum").
var demonstratives = map[string]bool{"same": true, "this": true, "that": true, "these": true, "those": true}

// listItems counts the items of the enumeration text holds: the pieces
// between commas, semicolons, "and" and "or", where every piece but the
// first and the last is short (a list's items are a few words; "Hydrogen
// energy and storage is one of the six fields of the plan, and …" is not a
// list of three).
func listItems(text string) int {
	var pieces []int // words per piece
	words := 0
	for _, w := range strings.Fields(text) {
		if w == "and" || w == "or" {
			pieces = append(pieces, words)
			words = 0
			continue
		}
		words++
		if strings.HasSuffix(w, ",") || strings.HasSuffix(w, ";") {
			pieces = append(pieces, words)
			words = 0
		}
	}
	pieces = append(pieces, words)
	items := 0
	for i, n := range pieces {
		if n == 0 {
			continue
		}
		if i > 0 && i < len(pieces)-1 && n > maxListItemWords {
			items = 0 // a long clause in the middle: the enumeration starts again after it
			continue
		}
		items++
	}
	return max(items, 1)
}

// maxListItemWords is the most words an item of a list has.
const maxListItemWords = 6
