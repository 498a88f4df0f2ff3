package feeds

import (
	"errors"
	"fmt"
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
