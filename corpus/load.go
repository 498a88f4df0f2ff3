package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest corpus file read; larger files are reported.
const MaxFileSize = 8 << 20

// EntitiesFile is the name of the optional entity list at the corpus root.
const EntitiesFile = "entities.yaml"

// FeedsFile is the name of the list of news feeds at the corpus root: read
// by the feed poller, not as documents.
const FeedsFile = "feeds.yaml"

// ErrNoDocuments is returned by Load when a corpus yields no document at all.
var ErrNoDocuments = errors.New("corpus has no documents")

// SkippedDir reports whether a directory of this name is left out of the
// corpus: hidden ones, and those whose name starts with _ (_drafts).
func SkippedDir(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// IsCorpusFile reports whether Load reads a file of this name, and how.
func IsCorpusFile(name string) bool {
	for _, dir := range strings.Split(path.Dir(name), "/") {
		if dir != "." && SkippedDir(dir) {
			return false
		}
	}
	return loaderFor(name) != nil || path.Base(name) == EntitiesFile
}

type loader func(name string, data []byte) ([]Document, error)

func loaderFor(name string) loader {
	base := path.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") || strings.HasPrefix(strings.ToUpper(base), "README") {
		return nil
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		return loadMarkdown
	case ".txt":
		return loadText
	case ".html", ".htm":
		return loadHTML
	case ".yaml", ".yml":
		if base == EntitiesFile || name == FeedsFile {
			return nil
		}
		return loadFAQ
	}
	return nil
}

// Files lists the corpus files under fsys in a stable order, skipping hidden
// files, README files and unknown extensions.
func Files(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && SkippedDir(d.Name()) {
				return fs.SkipDir
			}
			return nil
		}
		if IsCorpusFile(p) {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list corpus files: %w", err)
	}
	sort.Strings(names)
	return names, nil
}

// Fingerprint hashes the names and contents of every corpus file, so an index
// built from the same corpus can be reused. It is FoldDigests of each file's
// FileDigest, so an index updated in place can tell its fingerprint from
// the digests of the files it has read.
func Fingerprint(fsys fs.FS) (string, error) {
	names, err := Files(fsys)
	if err != nil {
		return "", err
	}
	digests := make(map[string]string, len(names))
	for _, name := range names {
		data, err := readLimited(fsys, name)
		digests[name] = FileDigest(data, err)
	}
	return FoldDigests(digests), nil
}

// FileDigest is a short hash of one corpus file as read. A file that cannot
// be read (or is over MaxFileSize) counts by its error, the same way in
// Fingerprint and in Load, so the two always agree.
func FileDigest(data []byte, err error) string {
	h := sha256.New()
	if err != nil {
		fmt.Fprintf(h, "error\x00%v", err)
	} else {
		fmt.Fprintf(h, "%d\x00", len(data))
		h.Write(data)
	}
	return sum16(h)
}

// FoldDigests is the fingerprint of a corpus whose files (by name) have
// these digests.
func FoldDigests(digests map[string]string) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(digests)) {
		fmt.Fprintf(h, "%s\x00%s\x00", name, digests[name])
	}
	return sum16(h)
}

func sum16(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil))[:16] }

// Load reads every corpus file under fsys. A file that cannot be read or
// parsed is reported as a Problem and skipped; the others still load. When
// no document loads at all, the problems end with ErrNoDocuments.
func Load(fsys fs.FS) (*Corpus, []Problem) { return LoadProgress(fsys, nil) }

// LoadProgress is Load that reports after each file how many of the files
// it has read.
func LoadProgress(fsys fs.FS, progress func(read, total int)) (*Corpus, []Problem) {
	c := &Corpus{}
	names, err := Files(fsys)
	if err != nil {
		return c, []Problem{{File: ".", Err: err}}
	}
	var problems []Problem
	c.Digests = make(map[string]string, len(names))
	defer func() { c.Fingerprint = FoldDigests(c.Digests) }()
	for i, name := range names {
		if progress != nil && i > 0 {
			progress(i, len(names))
		}
		c.Files++
		data, err := readLimited(fsys, name)
		c.Digests[name] = FileDigest(data, err)
		if err != nil {
			problems = append(problems, Problem{File: name, Err: err})
			continue
		}
		if path.Base(name) == EntitiesFile {
			if path.Dir(name) != "." {
				problems = append(problems, Problem{File: name, Err: errors.New("entities.yaml belongs at the corpus root")})
				continue
			}
			ents, err := ParseEntities(data)
			if err != nil {
				problems = append(problems, asProblems(name, err)...)
			}
			c.Entities = ents
			continue
		}
		// A loader may return the documents it could read with the
		// problems of the rest (an FAQ file with one bad entry).
		docs, err := loaderFor(name)(name, data)
		if err != nil {
			problems = append(problems, asProblems(name, err)...)
		}
		if len(docs) > 0 {
			for _, w := range docs[0].Warnings {
				c.Warnings = append(c.Warnings, warningProblem(name, w))
			}
		}
		c.Documents = append(c.Documents, clipped(docs)...)
	}
	if progress != nil {
		progress(len(names), len(names))
	}
	if len(c.Documents) == 0 {
		problems = append(problems, Problem{File: ".", Err: ErrNoDocuments})
	}
	c.Entities, c.Derived = DeriveEntities(c.Documents, c.Entities)
	return c, problems
}

// clipped bounds the titles and FAQ questions of documents as loaded.
func clipped(docs []Document) []Document {
	for i := range docs {
		docs[i].Title = clip(docs[i].Title, MaxTitleBytes)
		docs[i].Question = clip(docs[i].Question, MaxTitleBytes)
	}
	return docs
}

// LoadFile reads one corpus file under fsys as Load reads it (without the
// entities Load derives from the whole corpus): its documents, or the
// documents it could read with the problem of the rest, and the digest of
// what it read (see FileDigest).
func LoadFile(fsys fs.FS, name string) ([]Document, string, error) {
	data, err := readLimited(fsys, name)
	if err != nil {
		return nil, "", err
	}
	docs, err := ParseFile(name, data)
	return clipped(docs), FileDigest(data, nil), err
}

// ParseFile parses one corpus file's content as Load would, without
// touching the disk: for checking a file before it is added.
func ParseFile(name string, data []byte) ([]Document, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes, over the %d byte limit", len(data), MaxFileSize)
	}
	if path.Base(name) == EntitiesFile {
		_, err := ParseEntities(data)
		return nil, err
	}
	l := loaderFor(name)
	if l == nil {
		return nil, fmt.Errorf("%s is not a corpus file (want .md, .txt, .html, .htm, .yaml or .yml)", path.Base(name))
	}
	return l(name, data)
}

// Hash is a short content hash of a document: what it says and where it
// points, so a reindex can tell changed documents from unchanged ones.
func (d *Document) Hash() string {
	h := sha256.New()
	for _, s := range []string{d.Title, d.URL, d.Source, d.Published, d.Question, d.Body,
		strings.Join(d.Sectors, "|"), strings.Join(d.Companies, "|"), strings.Join(d.Policies, "|"), strings.Join(d.Tags, "|")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// readLimited reads a corpus file: a regular file (or a link to one inside
// the corpus), at most MaxFileSize bytes counted as they are read, so that
// a link to /dev/zero or a file that grows cannot get past the limit, and a
// FIFO is never opened (opening one waits for a writer).
func readLimited(fsys fs.FS, name string) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s): skipped", fileKind(info.Mode()))
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("file is %d bytes, over the %d byte limit", info.Size(), MaxFileSize)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is over the %d byte limit", MaxFileSize)
	}
	return data, nil
}

// fileKind names a file mode that is not a regular file's.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// lineError is a parse error that knows its line.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *lineError) Unwrap() error { return e.err }

// asProblems is asProblem for each of the errors err joins.
func asProblems(file string, err error) []Problem {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []Problem
		for _, e := range j.Unwrap() {
			out = append(out, asProblems(file, e)...)
		}
		return out
	}
	return []Problem{asProblem(file, err)}
}

func asProblem(file string, err error) Problem {
	var le *lineError
	if errors.As(err, &le) {
		return Problem{File: file, Line: le.line, Err: le.err}
	}
	return Problem{File: file, Err: err}
}

// MaxTitleBytes bounds a title, heading or FAQ question: a longer one is
// cut, at a word where it can, and ends with "…".
const MaxTitleBytes = 300

// clip cuts s to at most n bytes.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	if i := strings.LastIndexByte(s[:cut], ' '); i > n/2 {
		cut = i
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

// warningProblem turns "line N: why" into a problem of file at line N.
func warningProblem(file, w string) Problem {
	var line int
	if _, err := fmt.Sscanf(w, "line %d:", &line); err == nil {
		_, w, _ = strings.Cut(w, ": ")
	}
	return Problem{File: file, Line: line, Err: errors.New(w)}
}
