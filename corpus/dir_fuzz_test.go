package corpus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FuzzCorpusDir builds a corpus directory from the input (files of random
// names and content, subdirectories, links inside and outside, named
// pipes) and loads it: loading finishes, never reads the secret kept
// beside the directory, and every passage stays within its bounds.
func FuzzCorpusDir(f *testing.F) {
	f.Add([]byte("f a.md\n# A\n\nKelp.\nl b.md ../secret.md\nl c.md a.md\nd sub\nf sub/x.txt\nText\np pipe.md\n"))
	f.Add([]byte("f faq.yaml\nentries: [\nl up.md /etc/passwd\nf e.html\n<p>x</p>\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "corpus")
		os.MkdirAll(dir, 0o755)
		const secret = "SECRET-beside-the-corpus"
		os.WriteFile(filepath.Join(root, "secret.md"), []byte("# Secret\n\n"+secret+"\n"), 0o644)
		// Each entry: a line "kind name [target]", then content lines up
		// to the next entry.
		var kind, name, target string
		var content strings.Builder
		made := 0
		flush := func() {
			if name == "" || made > 20 {
				return
			}
			p := filepath.Join(dir, filepath.Clean("/"+name)) // inside dir, whatever the name
			os.MkdirAll(filepath.Dir(p), 0o755)
			switch kind {
			case "f":
				os.WriteFile(p, []byte(content.String()), 0o644)
			case "d":
				os.MkdirAll(p, 0o755)
			case "l":
				os.Symlink(target, p)
			case "p":
				syscall.Mkfifo(p, 0o644)
			}
			made++
		}
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && len(f[0]) == 1 && strings.Contains("fdlp", f[0]) {
				flush()
				kind, name, target = f[0], f[1], ""
				if len(f) > 2 {
					target = f[2]
				}
				content.Reset()
				continue
			}
			fmt.Fprintln(&content, line)
		}
		flush()
		c, _ := Load(Dir(dir))
		for _, d := range c.Documents {
			if strings.Contains(d.Title+d.Body+d.Question, secret) {
				t.Fatalf("%s holds the secret from outside the corpus", d.ID)
			}
			for _, p := range SplitPassages(&d) {
				if len(p.Text) > MaxPassageBytes {
					t.Fatalf("%s: passage of %d bytes", p.ID, len(p.Text))
				}
			}
		}
		if _, err := Fingerprint(Dir(dir)); err != nil && !strings.Contains(err.Error(), "escapes") {
			t.Logf("fingerprint: %v", err)
		}
	})
}
