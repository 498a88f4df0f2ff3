package library

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"futurebot/corpus"
	"futurebot/index"
	"futurebot/service"
)

// maxInPlace bounds the documents one change may put or remove in place;
// a larger change is rebuilt.
const maxInPlace = 200

// update brings the index in service up to date with a few corpus files
// (added, changed or removed) in place, and returns a finished job with
// what changed. When it cannot — a rebuild is running, the change is
// large, it adds entities the index lacks, a file fails to load — it
// starts a rebuild instead, which reads the whole corpus and reports.
func (l *Library) update(by string, files ...string) service.ReindexJob {
	l.jobMu.Lock()
	if l.running != nil || l.closed {
		l.jobMu.Unlock()
		return l.startFresh(by)
	}
	j := &Job{done: make(chan struct{}), status: service.ReindexStatus{By: by, Started: time.Now(), Stage: "updating"}}
	sum, err := l.applyInPlace(files)
	if err == nil && l.updated != nil {
		l.updated(sum)
	}
	l.jobMu.Unlock()
	if err != nil {
		l.log.Info("rebuilding instead of updating in place", "files", len(files), "reason", err)
		return l.startFresh(by)
	}
	l.runs.WithLabelValues("updated").Inc()
	if sum.Added != (index.Diff{}) || sum.Changed != (index.Diff{}) || sum.Removed != (index.Diff{}) {
		l.log.Info("index updated in place", "by", by, "files", len(files), "passages", sum.Passages, "took", sum.Took.Round(time.Millisecond))
	}
	j.update(func(s *service.ReindexStatus) {
		s.Finished, s.Stage, s.Percent, s.Elapsed = true, "done", 100, sum.Took
		s.Version, s.Articles, s.FAQs, s.Passages = sum.Version, sum.Articles, sum.FAQs, sum.Passages
		s.Added = [2]int{sum.Added.Articles, sum.Added.FAQs}
		s.Changed = [2]int{sum.Changed.Articles, sum.Changed.FAQs}
		s.Removed = [2]int{sum.Removed.Articles, sum.Removed.FAQs}
		s.InPlace = true
	})
	close(j.done)
	return j
}

// errLargeChange and errNewEntities say why a change is rebuilt.
var (
	errLargeChange = fmt.Errorf("more than %d documents change", maxInPlace)
	errNewEntities = errors.New("the change names entities the index does not know")
	errDerivedFrom = errors.New("the change touches a document entities were derived from")
)

// applyInPlace loads the files and applies them to the index in service;
// l.jobMu is held, so no rebuild starts meanwhile.
func (l *Library) applyInPlace(files []string) (index.Summary, error) {
	l.mu.RLock()
	ix := l.ix
	l.mu.RUnlock()
	if ix == nil {
		return index.Summary{}, service.ErrClosed
	}
	meta := ix.Meta()
	fsys := l.Corpus()
	ch := index.Change{Files: map[string]string{}}
	for _, f := range files {
		if path.Base(f) == corpus.EntitiesFile {
			return index.Summary{}, errNewEntities
		}
		if !corpus.IsCorpusFile(f) {
			continue // a draft under _drafts/, say: not part of the corpus
		}
		docs, digest, err := corpus.LoadFile(fsys, f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return index.Summary{}, fmt.Errorf("%s: %w", f, err)
		}
		ch.Files[f] = digest // "" when the file is gone
		for id := range meta.Docs {
			if (id == f || strings.HasPrefix(id, f+"#")) && !slices.ContainsFunc(docs, func(d corpus.Document) bool { return d.ID == id }) {
				ch.Remove = append(ch.Remove, id)
			}
		}
		ch.Put = append(ch.Put, docs...)
	}
	if len(ch.Put)+len(ch.Remove) > maxInPlace {
		return index.Summary{}, errLargeChange
	}
	if ents, _ := corpus.DeriveEntities(ch.Put, meta.Entities); !sameNames(ents, meta.Entities) {
		return index.Summary{}, errNewEntities
	}
	// An entity derived from a document holds while that document does.
	for _, id := range ch.Remove {
		if slices.Contains(meta.DerivedFrom, id) {
			return index.Summary{}, errDerivedFrom
		}
	}
	for _, d := range ch.Put {
		if _, had := meta.Docs[d.ID]; had && slices.Contains(meta.DerivedFrom, d.ID) {
			return index.Summary{}, errDerivedFrom
		}
	}
	return ix.Update(l.ctx, ch)
}

// sameNames reports whether two entity lists know the same names.
func sameNames(a, b []corpus.Entity) bool {
	names := func(es []corpus.Entity) []string {
		var out []string
		for i := range es {
			out = append(out, string(es[i].Kind)+":"+strings.Join(es[i].Names(), "|"))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(names(a), names(b))
}
