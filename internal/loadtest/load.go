package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// call is one request of a kind; i numbers the request within its run.
type call func(ctx context.Context, i int) error

// result is one run's figures.
type result struct {
	calls, errors int
	elapsed       time.Duration
	lat           []time.Duration // sorted
	firstErr      error
	byMsg         map[string]int64
}

func (r *result) rps() float64 { return float64(r.calls) / r.elapsed.Seconds() }

func (r *result) quantile(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(q*float64(len(r.lat))))]
}

// add folds o, a later slice of the same kind, into r.
func (r *result) add(o *result) {
	r.calls += o.calls
	r.errors += o.errors
	r.elapsed += o.elapsed
	r.lat = append(r.lat, o.lat...)
	slices.Sort(r.lat)
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
	if r.byMsg == nil {
		r.byMsg = map[string]int64{}
	}
	for k, v := range o.byMsg {
		r.byMsg[k] += v
	}
}

// recorder collects latencies and errors from many goroutines.
type recorder struct {
	mu       sync.Mutex
	lat      []time.Duration
	errors   atomic.Int64
	firstErr atomic.Value
	byMsg    sync.Map // error text → *atomic.Int64
}

func (rec *recorder) fail(err error) {
	rec.errors.Add(1)
	rec.firstErr.CompareAndSwap(nil, err)
	n, _ := rec.byMsg.LoadOrStore(err.Error(), new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

func (rec *recorder) result(elapsed time.Duration) *result {
	slices.Sort(rec.lat)
	r := &result{calls: len(rec.lat), errors: int(rec.errors.Load()), elapsed: elapsed, lat: rec.lat}
	if e, ok := rec.firstErr.Load().(error); ok {
		r.firstErr = e
	}
	r.byMsg = map[string]int64{}
	rec.byMsg.Range(func(k, v any) bool {
		r.byMsg[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return r
}

// closedLoop runs conc workers back to back for d.
func closedLoop(ctx context.Context, conc int, d time.Duration, c call) *result {
	rec := &recorder{}
	var next atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 1<<16)
			for ctx.Err() == nil {
				t0 := time.Now()
				err := c(ctx, int(next.Add(1)))
				if ctx.Err() != nil || runEnded(ctx, err) {
					break // the run ended during the call: neither counted nor an error
				}
				if err != nil {
					rec.fail(err)
					continue
				}
				local = append(local, time.Since(t0))
			}
			rec.mu.Lock()
			rec.lat = append(rec.lat, local...)
			rec.mu.Unlock()
		}()
	}
	wg.Wait()
	return rec.result(time.Since(start))
}

// runEnded reports whether err is the run's own deadline, seen before ctx
// says so: the server's copy of the deadline (grpc-timeout) and grpc's own
// check of time.Until(deadline) can both fire a moment before ctx's timer,
// and a worker that kept going in that moment would count each of its
// instant failures as an error (a closed loop counted about 2 000 per kind).
func runEnded(ctx context.Context, err error) bool {
	dl, ok := ctx.Deadline()
	return ok && status.Code(err) == codes.DeadlineExceeded && time.Until(dl) < endSlack
}

// endSlack is how near the run's end a DEADLINE_EXCEEDED counts as the end.
const endSlack = 50 * time.Millisecond

// openLoop starts calls at a fixed rate for d, whatever the answers, and
// measures each from its scheduled start (so a stall cannot hide behind
// the generator). At most maxInFlight run at once; beyond that a call
// counts as an error.
func openLoop(ctx context.Context, rate int, d time.Duration, c call) *result {
	const maxInFlight = 4096
	rec := &recorder{}
	interval := time.Second / time.Duration(rate)
	n := int(d / interval)
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if w := time.Until(at); w > 0 {
			time.Sleep(w)
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case sem <- struct{}{}:
		default:
			rec.fail(errOverload)
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			if err := c(cctx, i); err != nil {
				rec.fail(err)
				return
			}
			lat := time.Since(at)
			rec.mu.Lock()
			rec.lat = append(rec.lat, lat)
			rec.mu.Unlock()
		}()
	}
	wg.Wait()
	return rec.result(time.Since(start))
}

type overloadError struct{}

func (overloadError) Error() string { return "more than 4096 calls in flight" }

var errOverload error = overloadError{}
