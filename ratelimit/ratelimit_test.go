package ratelimit

import (
	"testing"
	"time"
)

func TestPerKey(t *testing.T) {
	l := New(2)
	now := time.Unix(1000, 0)
	l.nowFunc = func() time.Time { return now }
	for i := range 2 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("question %d refused", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 30*time.Second {
		t.Errorf("third question: ok %v, wait %v; want refused with a wait up to 30 s", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another user was limited")
	}
	now = now.Add(31 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("still limited after the wait")
	}
}
