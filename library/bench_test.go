package library

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkAddInPlace measures the time from a new article saved in the
// corpus directory to its first answer, at 10k and 100k passages: the
// update in place (loading the file, fingerprinting the corpus, one batch)
// and the question.
func BenchmarkAddInPlace(b *testing.B) {
	for _, passages := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("passages=%d", passages), func(b *testing.B) {
			dir := b.TempDir()
			writeBenchCorpus(b, dir, passages)
			l, err := Open(context.Background(), Options{DataDir: b.TempDir(), CorpusDir: dir, MaxFailed: 0.2})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			os.MkdirAll(filepath.Join(dir, IngestedDir), 0o755)
			i := 0
			for b.Loop() {
				i++
				name := fmt.Sprintf("ingested/new-%d.md", i)
				text := fmt.Sprintf("# Dispatch %d\n\nThe tidal barrage number %d stores %d megawatt hours for the coast.\n", i, i, 7000+i)
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				st := l.update("bench", name).Status()
				if !st.InPlace {
					b.Fatalf("not updated in place: %+v", st)
				}
				a, err := l.Ask(context.Background(), fmt.Sprintf("How many megawatt hours does tidal barrage number %d store?", i))
				if err != nil || !strings.Contains(a.Text, fmt.Sprint(7000+i)) {
					b.Fatalf("the new article does not answer: %q %v", a.Text, err)
				}
			}
		})
	}
}

// writeBenchCorpus writes articles of 20 passages each, about n passages
// in all, of varied words.
func writeBenchCorpus(b *testing.B, dir string, n int) {
	syl := strings.Fields("ka lo mi nu pe ra si to vu za be da fe go hi ju ke li mo ne")
	word := func(k int) string { return syl[k%len(syl)] + syl[(k/len(syl))%len(syl)] + syl[(k/400)%len(syl)] }
	for f := 0; f*20 < n; f++ {
		var sb strings.Builder
		fmt.Fprintf(&sb, "# Harbour report %d\n\n", f)
		for p := range 20 {
			for w := range 110 {
				sb.WriteString(word(f*977 + p*131 + w*w*7 + w))
				if w%11 == 10 {
					sb.WriteString(". ")
				} else {
					sb.WriteByte(' ')
				}
			}
			sb.WriteString("\n\n")
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("report-%05d.md", f)), []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
