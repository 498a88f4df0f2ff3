package answers_test

import (
	"context"
	"strings"
	"testing"

	"futurebot/answers"
	"futurebot/corpus"
	"futurebot/index"
)

// TestFollowUp checks how questions asked in a conversation are read: a
// pronoun, a bare new subject or a missing subject take the earlier
// subject; a question with a subject of its own is left alone.
func TestFollowUp(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	for _, tt := range []struct {
		earlier []string
		q, want string
	}{
		{[]string{"What is Game Science?"}, "what game did it develop?", "What game did Game Science develop?"},
		{[]string{"What is Game Science?"}, "what did they develop", "What did Game Science develop"},
		{[]string{"Which city is Unitree from?"}, "and Game Science?", "Which city is Game Science from?"},
		{[]string{"Which city is Unitree from?"}, "what about deepseek", "Which city is deepseek from?"},
		{[]string{"Which city is Unitree from?"}, "How about Tesla?", "Which city is Tesla from?"},
		{[]string{"What is BCI?", "Which city is Unitree from?"}, "who is the CEO?", "Who is the CEO (about Unitree)?"},
		{[]string{"What does Unitree make?"}, "and the founders?", "The founders (about Unitree)?"},
		{[]string{"What does Unitree make?", "What is a humanoid robot?"}, "what is its market share", "What is Humanoid robots' market share"},
		{[]string{"宇树是做什么的？"}, "那游戏科学呢？", "游戏科学是做什么的？"},
		{[]string{"What is Unitree?"}, "它是哪里的公司？", "Unitree是哪里的公司？"},
		// Standing alone.
		{[]string{"What is Unitree?"}, "What is DeepSeek?", ""},
		{[]string{"What is Unitree?"}, "Which share of humanoid robot companies are Chinese, according to Morgan Stanley?", ""},
		{[]string{"What is Unitree?"}, "and when was DeepSeek founded?", ""},
		{[]string{"What does Unitree make?"}, "Does it operate in Shenzhen?", "Does Unitree operate in Shenzhen?"},
		{[]string{"What does Unitree make?"}, "is it Chinese?", "Is Unitree Chinese?"},
		{nil, "when was it founded?", ""},
		// Chat, and questions with a subject of their own inside a follow-up's words.
		{[]string{"What does Unitree make?"}, "thanks!", ""},
		{[]string{"What does Unitree make?"}, "How about you?", ""},
		{[]string{"What does Unitree make?"}, "and?", ""},
		{[]string{"What does Unitree make?"}, "tell me more", ""},
		{[]string{"What does Unitree make?"}, "what about the founders of DeepSeek?", ""},
		{[]string{"What does Unitree make?"}, "and DeepSeek makes what?", ""},
		// "IT" is not "it"; a short question without a name of its own is read as about the subject.
		{[]string{"What does Unitree make?"}, "how big is the IT industry?", "How big is the IT industry (about Unitree)?"},
		{[]string{"What does Unitree make?"}, "为什么呢？", ""},
		{[]string{"What does Unitree make?"}, "那它呢？", ""},
		{[]string{"What does Unitree make?"}, "其他公司有哪些？", "其他公司有哪些 (about Unitree)?"},
		{[]string{"What does Unitree make?"}, "and \xff\xfe?", ""},
		{[]string{"hello there"}, "when was it founded?", ""},
	} {
		got, changed := e.FollowUp(tt.earlier, tt.q)
		if tt.want == "" {
			if changed || got != tt.q {
				t.Errorf("FollowUp(%q, %q) = %q, %v; want it unchanged", tt.earlier, tt.q, got, changed)
			}
			continue
		}
		if !changed || got != tt.want {
			t.Errorf("FollowUp(%q, %q) = %q, %v; want %q", tt.earlier, tt.q, got, changed, tt.want)
		}
	}
}

// TestFollowUpAnswers asks follow-ups as understood: the earlier subject
// finds the right sentence, and a follow-up the sources do not cover is
// declined, whatever came before.
func TestFollowUpAnswers(t *testing.T) {
	e := buildEngine(t, defaultCorpus(t), index.Options{}, answers.Options{})
	ctx := context.Background()
	for _, tt := range []struct {
		earlier []string
		q, key  string // key "" : declined
	}{
		{[]string{"What is Game Science?"}, "which game did it develop?", "Wukong"},
		{[]string{"Which city is DeepSeek from?"}, "and Unitree?", "Hangzhou"},
		{[]string{"What does Unitree make?"}, "who is its CEO?", ""},
		{[]string{"What does Unitree make?"}, "what about Tesla?", ""},
	} {
		q, _ := e.FollowUp(tt.earlier, tt.q)
		a, err := e.Ask(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tt.key == "" && a.Answered:
			t.Errorf("%q after %q (understood as %q) answered %q; want declined", tt.q, tt.earlier, q, a.Text)
		case tt.key != "" && (!a.Answered || !strings.Contains(a.Text, tt.key)):
			t.Errorf("%q after %q (understood as %q): answered=%v %q; want it to quote %q", tt.q, tt.earlier, q, a.Answered, a.Text, tt.key)
		}
	}
}

// TestHowLongItTakes: "how long does X take" asks for a duration; its
// "long" and "take" frame the question and are not words to find.
func TestHowLongItTakes(t *testing.T) {
	c := &corpus.Corpus{Documents: []corpus.Document{{ID: "ferry.md", Kind: corpus.KindArticle, Title: "Ferry",
		Body: "The new electric ferry crosses the strait in 35 minutes, carrying 400 passengers.\n\nThe harbour opened in 1998."}}}
	e := buildEngine(t, c, index.Options{}, answers.Options{})
	for _, q := range []string{"How long does the electric ferry take to cross the strait?", "how many minutes does the ferry crossing last"} {
		a, err := e.Ask(context.Background(), q)
		if err != nil || !a.Answered || !strings.Contains(a.Text, "35 minutes") {
			t.Errorf("%q: answered %v %q (%v)", q, a.Answered, a.Text, err)
		}
	}
}
