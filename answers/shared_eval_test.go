package answers_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// sharedData is where the evaluation data written by others sits: beside
// the repository, never inside it.
const sharedData = "../../shared/data"

func sharedFile(t testing.TB, name string) []byte {
	p := filepath.Join(sharedData, name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("%s is not available (%v); skipping the shared-data evaluation", p, err)
	}
	return data
}

type squadQuestion struct {
	q         string
	answers   []string
	evidences []string
}

// squadSet reads the SQuAD subset: each Wikipedia article becomes one
// document whose paragraphs are its body.
func squadSet(t testing.TB) (*corpus.Corpus, []squadQuestion) {
	var sq struct {
		Data []struct {
			Title      string `json:"title"`
			Paragraphs []struct {
				Context string `json:"context"`
				QAs     []struct {
					Question string `json:"question"`
					Answers  []struct {
						Text string `json:"text"`
					} `json:"answers"`
					Evidences []string `json:"evidences"`
				} `json:"qas"`
			} `json:"paragraphs"`
		} `json:"data"`
	}
	if err := json.Unmarshal(sharedFile(t, "expmrc-squad-dev.json"), &sq); err != nil {
		t.Fatal(err)
	}
	c := &corpus.Corpus{}
	var qs []squadQuestion
	for _, a := range sq.Data {
		var paras []string
		for _, p := range a.Paragraphs {
			paras = append(paras, strings.Join(strings.Fields(p.Context), " "))
			for _, qa := range p.QAs {
				q := squadQuestion{q: qa.Question, evidences: qa.Evidences}
				for _, an := range qa.Answers {
					q.answers = append(q.answers, an.Text)
				}
				qs = append(qs, q)
			}
		}
		c.Documents = append(c.Documents, corpus.Document{ID: a.Title, Kind: corpus.KindArticle,
			Title: strings.ReplaceAll(a.Title, "_", " "), Source: "Wikipedia (SQuAD)", Body: strings.Join(paras, "\n\n")})
	}
	if len(qs) < 400 {
		t.Fatalf("read %d SQuAD questions, want about 500", len(qs))
	}
	return c, qs
}

type squadScore struct {
	n, hit, textHit, evidenceHit, abstained int
	// byConfidence counts answers right [0] and wrong [1] by confidence.
	byConfidence map[answers.Confidence][2]int
}

func scoreSQuAD(t testing.TB, e *answers.Engine, qs []squadQuestion) squadScore {
	s := squadScore{byConfidence: map[answers.Confidence][2]int{}}
	for _, q := range qs {
		s.n++
		ans, err := e.Ask(context.Background(), q.q)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Answered {
			s.abstained++
			continue
		}
		th, eh := false, false
		for _, at := range q.answers {
			th = th || strings.Contains(norm(ans.Text), norm(at))
		}
		for _, ev := range q.evidences {
			eh = eh || overlaps(ans.Text, ev)
		}
		s.textHit += b2i(th)
		s.evidenceHit += b2i(eh)
		s.hit += b2i(th || eh)
		c := s.byConfidence[ans.Confidence]
		c[b2i(!th && !eh)]++
		s.byConfidence[ans.Confidence] = c
		if os.Getenv("SQUAD_DETAILS") != "" && !th && !eh {
			t.Logf("WRONG [%s] %s\n    got: %s\n    want: %q", ans.Confidence, q.q, ans.Text, q.answers)
		}
	}
	return s
}

type stackQuestion struct {
	q     string
	entry string
}

// stackSet reads StackFAQ: each thread one FAQ entry (question and first
// answer); its human paraphrases are the questions.
func stackSet(t testing.TB) (*corpus.Corpus, []stackQuestion) {
	var sf struct {
		Pairs []struct {
			Rephr    []string `xml:"rephr"`
			Question string   `xml:"question"`
			Answers  []string `xml:"answer"`
		} `xml:"qapair"`
	}
	if err := xml.Unmarshal(sharedFile(t, "stackExchange-FAQ.xml"), &sf); err != nil {
		t.Fatal(err)
	}
	c := &corpus.Corpus{}
	var qs []stackQuestion
	for i, p := range sf.Pairs {
		if len(p.Answers) == 0 {
			continue
		}
		id := fmt.Sprintf("stackfaq#%d", i)
		c.Documents = append(c.Documents, corpus.Document{ID: id, Kind: corpus.KindFAQ,
			Title: strings.TrimSpace(p.Question), Question: strings.TrimSpace(p.Question), Source: "StackExchange",
			Body: strings.Join(strings.Fields(p.Answers[0]), " ")})
		for _, r := range p.Rephr {
			if r = strings.TrimSpace(r); r != "" && r != "*" {
				qs = append(qs, stackQuestion{q: r, entry: id})
			}
		}
	}
	if len(qs) < 1000 {
		t.Fatalf("read %d paraphrases, want about 1,250", len(qs))
	}
	return c, qs
}

type stackScore struct{ n, hit, abstained int }

func scoreStack(t testing.TB, e *answers.Engine, qs []stackQuestion) stackScore {
	var s stackScore
	for _, q := range qs {
		s.n++
		ans, err := e.Ask(context.Background(), q.q)
		if err != nil {
			t.Fatal(err)
		}
		if !ans.Answered {
			s.abstained++
			continue
		}
		s.hit += b2i(ans.Citations[0].DocID == q.entry)
	}
	return s
}

// offTopicAbstained asks the built-in eval's answerable questions (about
// China's future industries) of an engine over another corpus, where every
// one of them should abstain.
func offTopicAbstained(t testing.TB, e *answers.Engine) (int, int) {
	n, abstained := 0, 0
	for _, q := range loadEval(t) {
		if q.Abstain {
			continue
		}
		n++
		a, err := e.Ask(context.Background(), q.Q)
		if err != nil {
			t.Fatal(err)
		}
		if a.Answered && os.Getenv("OFFTOPIC_DETAILS") != "" {
			t.Logf("OFFTOPIC ANSWERED %q -> %q", q.Q, a.Text)
		}
		abstained += b2i(!a.Answered)
	}
	return abstained, n
}

var neverAbstain = func() answers.Options {
	o := answers.DefaultOptions
	o.MinCoverage, o.MaxMissing, o.MaxForeign = -1, 1, 1
	return o
}()

// TestSharedSQuAD measures answers on the SQuAD subset. A hit is an answer
// that contains one of the answer texts or overlaps an evidence sentence.
// Run with -v to see the numbers.
func TestSharedSQuAD(t *testing.T) {
	c, qs := squadSet(t)
	e := buildEngine(t, c, index.Options{}, answers.DefaultOptions)
	s := scoreSQuAD(t, e, qs)
	f := scoreSQuAD(t, buildEngine(t, c, index.Options{}, neverAbstain), qs)
	off, offN := offTopicAbstained(t, e)
	t.Logf("SQuAD subset: %d questions: hit@1 %s (answer text %s, evidence sentence %s), abstained %s; "+
		"never abstaining: hit@1 %s; off-topic questions abstained %s",
		s.n, pct(s.hit, s.n), pct(s.textHit, s.n), pct(s.evidenceHit, s.n), pct(s.abstained, s.n), pct(f.hit, f.n), pct(off, offN))
	for _, c := range []answers.Confidence{answers.High, answers.Medium, answers.Low} {
		t.Logf("  confidence %-6s right %3d wrong %3d", c, s.byConfidence[c][0], s.byConfidence[c][1])
	}
}

// TestSharedStackFAQ measures FAQ matching under paraphrase: a hit is the
// thread's own entry as citation [1].
func TestSharedStackFAQ(t *testing.T) {
	c, qs := stackSet(t)
	e := buildEngine(t, c, index.Options{}, answers.DefaultOptions)
	s := scoreStack(t, e, qs)
	f := scoreStack(t, buildEngine(t, c, index.Options{}, neverAbstain), qs)
	off, offN := offTopicAbstained(t, e)
	t.Logf("StackFAQ: %d paraphrases over %d threads: own entry at [1] %s, abstained %s; "+
		"never abstaining: %s; off-topic questions abstained %s",
		s.n, len(c.Documents), pct(s.hit, s.n), pct(s.abstained, s.n), pct(f.hit, f.n), pct(off, offN))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func pct(n, d int) string { return fmt.Sprintf("%.1f%% (%d)", 100*float64(n)/float64(max(d, 1)), n) }

func norm(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// overlaps reports whether an answer and an evidence sentence share a
// sentence: one contains the other.
func overlaps(answer, evidence string) bool {
	a, ev := norm(answer), norm(evidence)
	if ev == "" {
		return false
	}
	if strings.Contains(a, ev) || strings.Contains(ev, a) {
		return true
	}
	for _, s := range corpus.SplitSentences(answer) {
		sent := norm(answer[s.Start:s.End])
		if len(sent) > 20 && (strings.Contains(ev, sent) || strings.Contains(sent, ev)) {
			return true
		}
	}
	return false
}
