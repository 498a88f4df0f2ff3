package main

import (
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// termWidth is the width of the terminal w writes to, or 0 when it is none.
func termWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}

// wrap breaks the lines of text longer than width at spaces; a continued
// line keeps the indentation of its first line (under "A: ", the answer's).
// A width under 20 leaves the text as it is.
func wrap(text string, width int) string {
	if width < 20 {
		return text
	}
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if visibleWidth(line) <= width {
			b.WriteString(line)
			continue
		}
		body := strings.TrimLeft(line, " ")
		indent := strings.Repeat(" ", len(line)-len(body))
		if strings.HasPrefix(body, "A: ") || strings.HasPrefix(body, "Q: ") {
			indent += "   "
		}
		col := 0
		for j, word := range strings.Fields(line) {
			w := visibleWidth(word)
			switch {
			case j == 0:
				b.WriteString(line[:len(line)-len(body)] + word)
				col = len(line) - len(body) + w
			case col+1+w > width:
				b.WriteString("\n" + indent + word)
				col = len(indent) + w
			default:
				b.WriteString(" " + word)
				col += 1 + w
			}
		}
	}
	return b.String()
}

var csi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// visibleWidth is how many columns s takes: escape sequences take none,
// wide (CJK) characters two.
func visibleWidth(s string) int {
	s = csi.ReplaceAllString(s, "")
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) ||
			unicode.Is(unicode.Katakana, r) || r >= 0xFF00 && r <= 0xFFEF {
			n += 2
		} else {
			n++
		}
	}
	return n
}
