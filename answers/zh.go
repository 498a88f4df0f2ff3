package answers

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"futurebot/corpus"
	"futurebot/lexicon"
)

// zhFunctionWords ask or join but name nothing: question words, particles,
// measure words, prepositions. They are taken whole when segmenting, so
// "哪家公司" splits as 哪家|公司, and dropped from the search.
var zhFunctionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`的 了 是 吗 呢 吧 啊 呀 么 在 和 与 及 或 也 都 就 还 又 很 最 更 这 那 这个 那个 这些 那些 这是
		什么 哪 哪个 哪些 哪家 哪里 哪儿 哪一 哪一年 哪年 哪位 哪座 谁 几 几款 几个 几家 多少 怎么 怎样 如何 为什么 为何 是否
		个 款 种 家 位 项 次 座 一个 有 没有 有没有 被 把 对 给 从 到 向 由 之 其 所 等 已 已经 将 会 能 可以 要 想 请 问
		请问 告诉 我 你 他 她 它 我们 你们 他们 它们 吗？ 呢？ 做 干 一共 总共 共 截至 除了 以外 之外 还有 点名 说法
		这个说法 是做什么的 做什么 干什么 之后 以后 目前 现在 来 去 上 下 中 里`) {
		zhFunctionWords[w] = true
	}
}

// maxFunctionWord is the longest function word, in runes.
const maxFunctionWord = 5

// segmentHan splits a run of Han characters into words: at each place the
// longer of the dictionary word and the function word there.
func segmentHan(run string) []string {
	rs := []rune(run)
	var out []string
	for i := 0; i < len(rs); {
		fn := 0
		for n := min(maxFunctionWord, len(rs)-i); n > 0; n-- {
			if zhFunctionWords[string(rs[i:i+n])] {
				fn = n
				break
			}
		}
		word := 1
		if seg := lexicon.Segment(string(rs[i:min(len(rs), i+8)])); len(seg) > 0 {
			word = utf8.RuneCountInString(seg[0])
		}
		n := max(fn, word)
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	return out
}

// maxGloss is how many English words of a Chinese word's translation are
// used: the first goes into the search, the others stand in for it.
const maxGloss = 3

// translateHan turns the Han runs of s into English words from the
// dictionary, keeping everything else as it is, and returns the
// alternatives the other senses give and the words it translated to, each
// marked when it is a verb (a verb's English is the least sure). Function words are dropped; a word
// the dictionary does not know is left out.
func translateHan(s string) (string, []corpus.Alternative, map[string]bool) {
	s = zhDate.ReplaceAllStringFunc(s, func(d string) string {
		m := zhDate.FindStringSubmatch(d)
		out := " " + m[1]
		if n, err := strconv.Atoi(m[2]); err == nil && n >= 1 && n <= 12 {
			out = " " + time.Month(n).String() + out
		}
		return out + " "
	})
	var b strings.Builder
	var alts []corpus.Alternative
	translated := map[string]bool{} // word -> it is a verb
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.Is(unicode.Han, r) {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		j := i
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.Is(unicode.Han, r) {
				break
			}
			j += n
		}
		b.WriteByte(' ')
		words := segmentHan(s[i:j])
		for _, w := range words {
			// A lone character has too many senses to translate, unless
			// it is all there is.
			if zhFunctionWords[w] || utf8.RuneCountInString(w) == 1 && len(words) > 1 {
				continue
			}
			gloss := lexicon.Gloss(w)
			if len(gloss) == 0 {
				continue
			}
			gloss = gloss[:min(len(gloss), maxGloss)]
			translated[gloss[0]] = translated[gloss[0]] || lexicon.Verb(gloss[0])
			if gloss[0] == "us" {
				b.WriteString("US") // 美国: the dictionary's glosses are lower case, and "us" is the pronoun
			} else {
				b.WriteString(gloss[0])
			}
			b.WriteByte(' ')
			if len(gloss) > 1 {
				alts = append(alts, corpus.Alternative{Word: gloss[0], Words: gloss[1:], Credit: glossCredit})
			}
		}
		i = j
	}
	return b.String(), alts, translated
}

// zhDate is a Chinese date: "2025年3月", "2020年".
var zhDate = regexp.MustCompile(`(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*[日号])?)?`)
