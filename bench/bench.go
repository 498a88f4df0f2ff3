// Package bench measures futurebot against plain Bleve on a corpus made from
// real English text (Newton's Opticks, which ships with every Go toolchain),
// in one process and on the same passages and questions. The peer is plain
// Bleve as a newcomer would use it.
package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// Options say how much to measure.
type Options struct {
	Passages  int // passages to build from real text (at least 100)
	Questions int // questions to ask each system (at least 10)
	// Dir is the working directory for the indexes; empty: a temporary one,
	// removed after.
	Dir string
	// CPUProfile, when set, is written with a CPU profile of futurebot
	// answering.
	CPUProfile string
	// Progress, when set, hears what the run is doing.
	Progress func(string)
}

// Result is what a run measured; its JSON is `futurebot bench --json`.
type Result struct {
	Passages              int     `json:"passages"`
	Questions             int     `json:"questions"`
	IndexPassagesPerS     float64 `json:"index_passages_per_s"`
	PeerIndexPassagesPerS float64 `json:"peer_index_passages_per_s"`
	IndexRatio            float64 `json:"index_ratio"`
	AnswerP50MS           float64 `json:"answer_p50_ms"`
	AnswerP90MS           float64 `json:"answer_p90_ms"`
	AnswerP99MS           float64 `json:"answer_p99_ms"`
	PeerP50MS             float64 `json:"peer_p50_ms"`
	PeerP90MS             float64 `json:"peer_p90_ms"`
	PeerP99MS             float64 `json:"peer_p99_ms"`
	P99Ratio              float64 `json:"p99_ratio"`
	OpenMS                float64 `json:"open_ms"`
	BuildRSSMB            float64 `json:"build_rss_mb"`
	ServeRSSMB            float64 `json:"serve_rss_mb"`
	IndexMB               float64 `json:"index_mb"`
	PeerIndexMB           float64 `json:"peer_index_mb"`
	Answered              int     `json:"answered"`
	AnswerHit             float64 `json:"answer_hit"`
	PeerHit               float64 `json:"peer_hit"`
	GOMAXPROCS            int     `json:"gomaxprocs"`
}

// Run builds both indexes, asks both the questions and returns the
// figures.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Passages < 100 || o.Questions < 10 {
		return Result{}, errors.New("at least 100 passages and 10 questions")
	}
	text, err := OpticksText()
	if err != nil {
		return Result{}, err
	}
	work := o.Dir
	if work == "" {
		if work, err = os.MkdirTemp("", "futurebot-bench-"); err != nil {
			return Result{}, err
		}
		defer os.RemoveAll(work)
	}
	say := func(format string, a ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, a...))
		}
	}
	cp, texts, qs := makeCorpus(text, o.Passages, o.Questions)
	r := Result{Questions: len(qs), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	say("corpus: %d articles, %d passages from real text plus the built-in corpus; %d questions", len(cp.Documents), len(texts), len(qs))

	// futurebot: build, open, answer.
	resetPeakRSS()
	ixDir := filepath.Join(work, "futurebot")
	start := time.Now()
	ix, err := index.Build(ctx, ixDir, cp, "bench", nil, index.Options{})
	if err != nil {
		return r, err
	}
	took := time.Since(start)
	r.Passages = ix.Meta().Passages
	r.IndexPassagesPerS = float64(r.Passages) / took.Seconds()
	r.BuildRSSMB = peakRSSMB()
	ix.Close()
	r.IndexMB = dirMB(ixDir)
	say("futurebot: indexed %d passages in %s", r.Passages, took.Round(time.Millisecond))
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	start = time.Now()
	ix, err = index.Open(ixDir, index.Options{})
	if err != nil {
		return r, err
	}
	r.OpenMS = ms(time.Since(start))
	engine := answers.New(ix, ix.Entities(), answers.Options{})
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return r, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return r, err
		}
	}
	hits := 0
	lat, answered, err := measure(qs, func(q question) (bool, error) {
		a, err := engine.Ask(ctx, q.text)
		if a.Answered && strings.Contains(a.Text, q.sentence) {
			hits++
		}
		return a.Answered, err
	})
	if o.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return r, err
	}
	r.Answered = answered
	r.AnswerHit = float64(hits) / float64(len(qs)+min(20, len(qs))) // the warm-up counts too
	r.ServeRSSMB = peakRSSMB()
	r.AnswerP50MS, r.AnswerP90MS, r.AnswerP99MS = pct(lat, 50), pct(lat, 90), pct(lat, 99)
	ix.Close()
	say("futurebot: answers p50 %.2f ms, p99 %.2f ms", r.AnswerP50MS, r.AnswerP99MS)

	// The peer: plain Bleve on the same passages and questions.
	runtime.GC()
	peerDir := filepath.Join(work, "peer")
	start = time.Now()
	peer, err := BuildPeer(peerDir, texts)
	if err != nil {
		return r, err
	}
	r.PeerIndexPassagesPerS = float64(len(texts)) / time.Since(start).Seconds()
	peerHits := 0
	plat, _, err := measure(qs, func(q question) (bool, error) {
		top, err := peer.Search(ctx, q.text)
		if err == nil && strings.Contains(top, q.sentence) {
			peerHits++
		}
		return top != "", err
	})
	peer.Close()
	if err != nil {
		return r, err
	}
	r.PeerIndexMB = dirMB(peerDir)
	r.PeerHit = float64(peerHits) / float64(len(qs)+min(20, len(qs)))
	r.PeerP50MS, r.PeerP90MS, r.PeerP99MS = pct(plat, 50), pct(plat, 90), pct(plat, 99)
	r.IndexRatio = r.IndexPassagesPerS / r.PeerIndexPassagesPerS
	r.P99Ratio = r.AnswerP99MS / r.PeerP99MS

	return r, nil
}

// WriteTable writes the result as the Markdown table docs/benchmarks.md shows.
func (r Result) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "futurebot bench: %d passages, %d questions, GOMAXPROCS %d\n\n", r.Passages, r.Questions, r.GOMAXPROCS)
	fmt.Fprintf(w, "| measure | futurebot | plain Bleve | futurebot / Bleve |\n|---|---|---|---|\n")
	fmt.Fprintf(w, "| indexing (passages/s) | %.0f | %.0f | %.2f |\n", r.IndexPassagesPerS, r.PeerIndexPassagesPerS, r.IndexRatio)
	fmt.Fprintf(w, "| answer p50 (ms) | %.2f | %.2f | %.2f |\n", r.AnswerP50MS, r.PeerP50MS, r.AnswerP50MS/r.PeerP50MS)
	fmt.Fprintf(w, "| answer p90 (ms) | %.2f | %.2f | %.2f |\n", r.AnswerP90MS, r.PeerP90MS, r.AnswerP90MS/r.PeerP90MS)
	fmt.Fprintf(w, "| answer p99 (ms) | %.2f | %.2f | %.2f |\n", r.AnswerP99MS, r.PeerP99MS, r.P99Ratio)
	fmt.Fprintf(w, "| index size (MB) | %.1f | %.1f | %.2f |\n", r.IndexMB, r.PeerIndexMB, r.IndexMB/r.PeerIndexMB)
	fmt.Fprintf(w, "| open the index (ms) | %.1f | | |\n", r.OpenMS)
	fmt.Fprintf(w, "| peak RSS building (MB) | %.0f | | |\n", r.BuildRSSMB)
	fmt.Fprintf(w, "| peak RSS serving (MB) | %.0f | | |\n", r.ServeRSSMB)
	fmt.Fprintf(w, "| question's sentence at rank 1 (%%) | %.1f | %.1f | |\n", 100*r.AnswerHit, 100*r.PeerHit)
	fmt.Fprintf(w, "\nEach question is 4-7 words from one sentence of the corpus. futurebot answered %d of %d (the rest\n"+
		"abstained) and quoted that very sentence %.1f%% of the time; plain Bleve's top passage held it %.1f%% of the time.\n",
		r.Answered, r.Questions, 100*r.AnswerHit, 100*r.PeerHit)
}

// OpticksText reads the English text that ships with every Go toolchain.
func OpticksText() (string, error) {
	var roots []string
	if g := os.Getenv("GOROOT"); g != "" {
		roots = append(roots, g)
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		roots = append(roots, strings.TrimSpace(string(out)))
	}
	for _, r := range roots {
		if r == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(r, "src", "testdata", "Isaac.Newton-Opticks.txt"))
		if err == nil {
			return string(data), nil
		}
	}
	return "", errors.New("bench needs the Go toolchain's src/testdata/Isaac.Newton-Opticks.txt; set GOROOT")
}

// makeCorpus cuts the text into sentences, shuffles them and recombines them
// into passages of 70-120 words (so each paragraph is one passage), grouped
// ten to an article, plus the built-in corpus. It also makes questions from
// runs of words of random passages.
func makeCorpus(text string, n, m int) (*corpus.Corpus, []string, []question) {
	text = strings.Join(strings.Fields(text), " ")
	var sents []string
	for _, s := range corpus.SplitSentences(text) {
		if w := corpus.CountWords(text[s.Start:s.End]); w >= 5 && w <= 60 {
			sents = append(sents, text[s.Start:s.End])
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base, _ := corpus.Load(corpus.Default())
	c := &corpus.Corpus{Entities: base.Entities, Documents: base.Documents}
	var paras []string
	for len(paras) < n {
		rng.Shuffle(len(sents), func(i, j int) { sents[i], sents[j] = sents[j], sents[i] })
		var cur []string
		words := 0
		for _, s := range sents {
			w := corpus.CountWords(s)
			if words+w > 120 {
				continue
			}
			cur = append(cur, s)
			words += w
			if words >= 70 {
				paras = append(paras, strings.Join(cur, " "))
				cur, words = nil, 0
				if len(paras) == n {
					break
				}
			}
		}
	}
	for i := 0; i < len(paras); i += 10 {
		group := paras[i:min(i+10, len(paras))]
		title := strings.Join(strings.Fields(group[0])[:6], " ")
		c.Documents = append(c.Documents, corpus.Document{ID: fmt.Sprintf("bench/a%06d.md", i/10), Kind: corpus.KindArticle,
			Title: title, Source: "Opticks (Isaac Newton)", Body: strings.Join(group, "\n\n")})
	}
	var texts []string
	for i := range c.Documents {
		for _, p := range corpus.SplitPassages(&c.Documents[i]) {
			texts = append(texts, p.Text)
		}
	}
	var qs []question
	for len(qs) < m {
		src := paras[rng.IntN(len(paras))]
		spans := corpus.SplitSentences(src)
		sp := spans[rng.IntN(len(spans))]
		sentence := src[sp.Start:sp.End]
		fields := strings.Fields(sentence)
		if len(fields) < 10 {
			continue
		}
		k := 4 + rng.IntN(4)
		at := rng.IntN(len(fields) - k)
		words := make([]string, 0, k)
		for _, f := range fields[at : at+k] {
			words = append(words, strings.Trim(f, `.,;:!?"'()`))
		}
		qs = append(qs, question{text: "What " + strings.Join(words, " ") + "?", sentence: sentence})
	}
	return c, texts, qs
}

// question is a question made from a passage of the bench corpus.
type question struct {
	text     string
	sentence string // the sentence it was made from
}

// measure runs f on every question after a short warm-up and returns the
// latencies in milliseconds and how many returned true.
func measure(qs []question, f func(question) (bool, error)) ([]float64, int, error) {
	for _, q := range qs[:min(20, len(qs))] {
		if _, err := f(q); err != nil {
			return nil, 0, err
		}
	}
	lat := make([]float64, 0, len(qs))
	yes := 0
	for _, q := range qs {
		start := time.Now()
		ok, err := f(q)
		if err != nil {
			return nil, 0, err
		}
		lat = append(lat, ms(time.Since(start)))
		if ok {
			yes++
		}
	}
	slices.Sort(lat)
	return lat, yes, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// pct is the p-th percentile of sorted values.
func pct(sorted []float64, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}

func dirMB(dir string) float64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

// resetPeakRSS restarts the kernel's peak-RSS count (Linux; elsewhere a no-op).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB reads the peak resident set size since the last reset (Linux).
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
