// Package ratelimit allows each caller (a Discord user, an API client's
// address) a number of requests per minute.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// PerKey allows each key a number of requests per minute, with a burst of
// the same size. It forgets keys idle for two minutes.
type PerKey struct {
	mu      sync.Mutex
	perMin  int
	users   map[string]*userLimit
	lastGC  time.Time
	nowFunc func() time.Time
}

type userLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

// New allows perMinute requests per key per minute; zero or less allows
// everything.
func New(perMinute int) *PerKey {
	return &PerKey{perMin: perMinute, users: map[string]*userLimit{}, nowFunc: time.Now}
}

// Allow reports whether key may ask now, and if not how long to wait.
func (l *PerKey) Allow(userID string) (bool, time.Duration) {
	if l.perMin <= 0 {
		return true, 0
	}
	now := l.nowFunc()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastGC) > 10*time.Minute {
		for id, u := range l.users {
			if now.Sub(u.seen) > 2*time.Minute {
				delete(l.users, id)
			}
		}
		l.lastGC = now
	}
	u := l.users[userID]
	if u == nil {
		u = &userLimit{lim: rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMin)), l.perMin)}
		l.users[userID] = u
	}
	u.seen = now
	r := u.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
