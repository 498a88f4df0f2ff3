package library

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"time"

	"futurebot/corpus"
	"futurebot/index"
	"futurebot/service"
)

// Job is one reindex.
type Job struct {
	mu     sync.Mutex
	status service.ReindexStatus
	done   chan struct{}
}

// Status returns the job's progress, or its summary once it finished.
func (j *Job) Status() service.ReindexStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.status
	s.Problems = append([]string(nil), s.Problems...)
	if !s.Finished {
		s.Elapsed = time.Since(s.Started)
	}
	return s
}

// Done is closed when the job has finished.
func (j *Job) Done() <-chan struct{} { return j.done }

func (j *Job) update(f func(s *service.ReindexStatus)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(&j.status)
}

// Reindex starts a rebuild, or returns the one already running (started is
// false then). After Close it returns a finished job that says so.
func (l *Library) Reindex(by string) (service.ReindexJob, bool) {
	j, started := l.start(by, false)
	if j == nil {
		return refused(by), false
	}
	return j, started
}

// refused is a finished job for a reindex asked for while the library
// closes.
func refused(by string) *Job {
	j := &Job{done: make(chan struct{}), status: service.ReindexStatus{By: by, Started: time.Now(), Finished: true,
		Stage: "failed", Err: service.ErrClosed.Error()}}
	close(j.done)
	return j
}

// start begins a job unless one runs. With ifChanged it does nothing when
// the corpus fingerprint matches the index in service. It returns nil when
// no job runs.
func (l *Library) start(by string, ifChanged bool) (*Job, bool) {
	l.jobMu.Lock()
	defer l.jobMu.Unlock()
	return l.startLocked(by, ifChanged)
}

func (l *Library) startLocked(by string, ifChanged bool) (*Job, bool) {
	if l.running != nil {
		return l.running, false
	}
	if l.closed {
		return nil, false
	}
	if ifChanged {
		if fp, err := corpus.Fingerprint(l.Corpus()); err == nil && fp == l.Meta().Fingerprint {
			return nil, false
		}
	}
	j := &Job{done: make(chan struct{}), status: service.ReindexStatus{By: by, Started: time.Now(), Stage: "reading"}}
	l.running = j
	l.log.Info("reindex started", "by", by)
	l.wg.Add(1)
	go l.run(j)
	return j, true
}

// startFresh starts a job that reads the corpus as it is now: a job that is
// running may have read the files before a change, so it waits for that
// one first.
func (l *Library) startFresh(by string) service.ReindexJob {
	for {
		j, started := l.start(by, false)
		if j == nil {
			return refused(by)
		}
		if started {
			return j
		}
		<-j.done
	}
}

// corpusChanged is the watcher's news: the files changed and have been
// quiet since. A few named files update the index in place; otherwise, or
// while a job runs (it may have read the files before the change), the
// corpus is rebuilt, checked again when the running job ends.
func (l *Library) corpusChanged(paths []string) {
	l.jobMu.Lock()
	if l.running != nil {
		l.again = true
		l.jobMu.Unlock()
		return
	}
	if len(paths) == 0 {
		defer l.jobMu.Unlock()
		if _, started := l.startLocked("corpus watcher", true); started {
			l.log.Info("corpus changed; reindexing")
		}
		return
	}
	l.jobMu.Unlock()
	l.update("corpus watcher", paths...)
}

func (l *Library) run(j *Job) {
	defer l.wg.Done()
	defer func() {
		l.jobMu.Lock()
		l.running = nil
		if l.again && !l.closed {
			l.again = false
			if _, started := l.startLocked("corpus watcher", true); started {
				l.log.Info("the corpus changed during the reindex; reindexing again")
			}
		}
		l.jobMu.Unlock()
		close(j.done)
	}()
	fail := func(err error, sum index.Summary) {
		l.runs.WithLabelValues("kept").Inc()
		j.update(func(s *service.ReindexStatus) {
			s.Finished, s.Stage, s.Err, s.Elapsed = true, "failed", reindexReason(err), time.Since(s.Started)
			s.Problems = problemLines(sum.Problems)
		})
		l.log.Error("reindex failed; the previous index keeps serving", "err", err, "problems", len(sum.Problems))
	}
	ix, sum, err := l.store.Build(l.ctx, l.Corpus(), func(p index.Progress) {
		if l.progressed != nil {
			l.progressed(p)
		}
		j.update(func(s *service.ReindexStatus) {
			s.Stage, s.FilesRead, s.Files, s.Docs, s.DocsTotal, s.Passages = p.Stage, p.FilesRead, p.Files, p.DocsIndexed, p.Docs, p.PassagesIndexed
			s.Percent = p.Percent()
		})
	})
	if err != nil {
		fail(err, sum)
		return
	}
	// Close waits for this job before it closes the index in service, so
	// the swap never meets a closed index.
	l.setLive(ix)
	l.store.RemoveOthers(ix)
	l.runs.WithLabelValues("swapped").Inc()
	l.took.Observe(sum.Took.Seconds())
	j.update(func(s *service.ReindexStatus) {
		s.Finished, s.Stage, s.Percent, s.Elapsed = true, "done", 100, sum.Took
		s.Version, s.Articles, s.FAQs, s.Passages = sum.Version, sum.Articles, sum.FAQs, sum.Passages
		s.Added = [2]int{sum.Added.Articles, sum.Added.FAQs}
		s.Changed = [2]int{sum.Changed.Articles, sum.Changed.FAQs}
		s.Removed = [2]int{sum.Removed.Articles, sum.Removed.FAQs}
		s.Problems = problemLines(sum.Problems)
	})
}

// reindexReason says why a rebuild was refused, for the admin: the known
// reasons as they are, anything else (disk errors with their paths) as a
// pointer to the log.
func reindexReason(err error) string {
	switch {
	case errors.Is(err, index.ErrEmpty):
		return "no document in the corpus could be loaded (see the problems below)"
	case errors.Is(err, index.ErrTooManyFailed):
		msg := err.Error()
		if i := strings.Index(msg, index.ErrTooManyFailed.Error()); i >= 0 {
			return msg[i:]
		}
		return index.ErrTooManyFailed.Error()
	case errors.Is(err, index.ErrBuilding):
		msg := err.Error()
		return msg[strings.Index(msg, index.ErrBuilding.Error()):]
	case errors.Is(err, syscall.EROFS):
		return "the data directory is on a read-only volume: answering works, rebuilding needs write access"
	case errors.Is(err, context.Canceled):
		return service.ErrClosed.Error()
	}
	return "the new index could not be built or written (disk full or read-only?); the details are in the bot's log"
}

func problemLines(ps []corpus.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Error())
	}
	return out
}
