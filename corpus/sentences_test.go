package corpus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func sentences(text string) []string {
	var out []string
	for _, s := range SplitSentences(text) {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "Robots walk. Drones fly! Do ships sail?",
			[]string{"Robots walk.", "Drones fly!", "Do ships sail?"}},
		{"country initialism mid-sentence", "The U.S. Congress held hearings. Nothing followed.",
			[]string{"The U.S. Congress held hearings.", "Nothing followed."}},
		{"initialism ends sentence", "It ranks second to the U.S. The gap is small.",
			[]string{"It ranks second to the U.S.", "The gap is small."}},
		{"title", "Dr. Wang spoke first. Then Mr. Li answered.",
			[]string{"Dr. Wang spoke first.", "Then Mr. Li answered."}},
		{"number abbreviation", "See resolution No. 193 of the council. It passed.",
			[]string{"See resolution No. 193 of the council.", "It passed."}},
		{"no as a word", "The answer was no. Nobody asked again.",
			[]string{"The answer was no.", "Nobody asked again."}},
		{"decimals and thousands", "Output rose 2.5 per cent to 1,935.3 billion yuan. Exports fell.",
			[]string{"Output rose 2.5 per cent to 1,935.3 billion yuan.", "Exports fell."}},
		{"closing quote stays", `He called it "a leap." Others disagreed.`,
			[]string{`He called it "a leap."`, "Others disagreed."}},
		{"curly quotes", "It was dubbed the “Huawei of biotech.” The label stuck.",
			[]string{"It was dubbed the “Huawei of biotech.”", "The label stuck."}},
		{"chinese", "工信部发布了指南。宇树科技在杭州！真的吗？",
			[]string{"工信部发布了指南。", "宇树科技在杭州！", "真的吗？"}},
		{"lowercase after abbreviation", "Areas such as robots, e.g. humanoids, grow. Fine.",
			[]string{"Areas such as robots, e.g. humanoids, grow.", "Fine."}},
		{"paragraph break", "First paragraph without stop\n\nSecond one.",
			[]string{"First paragraph without stop", "Second one."}},
		{"heading line", "## What next?\nBeijing plans more.",
			[]string{"## What next?", "Beijing plans more."}},
		{"heading without mark", "## Progress so far\nHangzhou grew fast.",
			[]string{"## Progress so far", "Hangzhou grew fast."}},
		{"soft line break", "A sentence that\ncontinues here.",
			[]string{"A sentence that\ncontinues here."}},
		{"ellipsis", "Wait... it grew. Yes.", []string{"Wait... it grew.", "Yes."}},
		{"url", "Read example.com/a.b today. Done.", []string{"Read example.com/a.b today.", "Done."}},
		{"empty", "  \n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, sentences(tt.in)); diff != "" {
				t.Errorf("SplitSentences(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func FuzzSplitSentences(f *testing.F) {
	f.Add("The U.S. Congress. No. 5 is 2.5 。好！")
	f.Add("\"Quoted.\" ...")
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, s := range SplitSentences(text) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("bad span %+v after %d in %q", s, prev, text)
			}
			prev = s.End
		}
	})
}
