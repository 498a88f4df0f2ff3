// Package lockfile takes advisory locks on files between processes, and
// says who holds one.
package lockfile

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// TryLock takes an exclusive lock on the file name (created if need be)
// when it is free, writes the holder's pid and start time into it, and
// returns its release. While another process holds it, the error wraps
// busy and says who holds it.
func TryLock(name string, busy error) (func(), error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s)", busy, strings.TrimSpace(string(holder)))
		}
		return nil, err
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "pid %d, since %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	}
	return func() {
		f.Truncate(0)
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
