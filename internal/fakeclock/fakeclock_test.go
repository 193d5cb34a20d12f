package fakeclock_test

import (
	"testing"
	"time"

	"github.com/authsvc/authsvc/internal/fakeclock"
)

// TestClockMoves: At starts where asked; Advance and Set move Now, Set
// also backwards; a timer fires once the clock reaches its time, not
// before.
func TestClockMoves(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_700_000_000, 0)
	c := fakeclock.At(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("At: Now = %v, want %v", got, start)
	}
	fired := c.After(10 * time.Second)
	c.Advance(9 * time.Second)
	select {
	case <-fired:
		t.Fatal("timer fired at 9 s of 10 s")
	default:
	}
	c.Set(start.Add(10 * time.Second))
	select {
	case at := <-fired:
		if want := start.Add(10 * time.Second); !at.Equal(want) {
			t.Errorf("timer fired with %v, want %v", at, want)
		}
	default:
		t.Fatal("timer did not fire at 10 s")
	}
	c.Set(start.Add(-time.Minute))
	if got, want := c.Now(), start.Add(-time.Minute); !got.Equal(want) {
		t.Errorf("Set back: Now = %v, want %v", got, want)
	}
	if n := c.Pending(); n != 0 {
		t.Errorf("Pending = %d, want 0", n)
	}
}
