package feeds

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"futurebot/internal/lockfile"
)

// LockFile, in the data directory, is held while feeds are polled, so the
// bot's own polls and `futurebot poll` from cron never write feeds.json
// over each other.
const LockFile = "feeds.lock"

// ErrPolling is returned by Lock while another process polls the feeds.
var ErrPolling = errors.New("the feeds are being polled by another futurebot process")

// Lock takes the data directory's feed lock if it is free and returns its
// release; while another process holds it, ErrPolling says which.
func Lock(dataDir string) (func(), error) {
	unlock, err := lockfile.TryLock(filepath.Join(dataDir, LockFile), ErrPolling)
	if err != nil && !errors.Is(err, ErrPolling) {
		return nil, fmt.Errorf("feed lock: %w", err)
	}
	return unlock, err
}

// Round is what one poll of every feed did.
type Round struct {
	Results []Result
	// Problems are those of feeds.yaml: a bad entry never stops the good
	// ones.
	Problems []error
	// State is the polling state after the round; StateErr says why the
	// one on disk could not be read (polling started afresh), SaveErr why
	// the new one could not be written.
	State             *State
	StateErr, SaveErr error
}

// PollAll polls every feed of corpusDir's feeds.yaml once, holding
// dataDir's feed lock: it reads the list and the polling state, polls,
// forgets the state of feeds no longer listed (when the list has no
// problems) and saves the state. force ignores back-offs. While another
// process polls, it returns ErrPolling and polls nothing.
func (p *Poller) PollAll(ctx context.Context, corpusDir, dataDir string, force bool) (Round, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return Round{}, fmt.Errorf("data directory: %w", err)
	}
	unlock, err := Lock(dataDir)
	if err != nil {
		return Round{}, err
	}
	defer unlock()
	var r Round
	list, probs := Load(corpusDir)
	r.Problems = probs
	r.State, r.StateErr = LoadState(dataDir)
	r.Results = p.Poll(ctx, list, r.State, force)
	if len(probs) == 0 {
		r.State.Forget(list)
	}
	r.SaveErr = r.State.Save(dataDir)
	return r, nil
}
