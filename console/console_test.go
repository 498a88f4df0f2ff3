package console

import (
	"strings"
	"testing"
)

// TestWrap: long lines break at spaces within the width, keep their
// indentation (the answer's under "A: "), and count escape sequences as
// nothing and Chinese characters as two columns.
func TestWrap(t *testing.T) {
	text := "A: " + strings.Repeat("\x1b[1mkelp\x1b[0m farms ", 12) + "[1]\n      " + strings.Repeat("海带", 30) + " end\nshort"
	got := Wrap(text, 40)
	lines := strings.Split(got, "\n")
	for _, l := range lines {
		if w := VisibleWidth(l); w > 40 && len(strings.Fields(l)) > 1 {
			t.Errorf("line of width %d over 40: %q", w, l)
		}
	}
	if !strings.HasPrefix(lines[1], "   ") || lines[1][3] == ' ' {
		t.Errorf("continued answer line %q, want it under the answer", lines[1])
	}
	if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(text), " ") {
		t.Errorf("wrapping changed the words:\n%q\n%q", got, text)
	}
	if Wrap(text, 0) != text {
		t.Error("width 0 (not a terminal) wrapped the text")
	}
}
