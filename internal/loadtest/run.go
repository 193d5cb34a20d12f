package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/proto"

	authsvcv1 "github.com/authsvc/authsvc/gen/authsvc/v1"
	"github.com/authsvc/authsvc/internal/edgetest"
)

// kind is one measured call shape, served by one instance.
type kind struct {
	name   string
	inst   *instance
	call   call
	target float64 // minimum server-capacity ratio; 0 for the baseline
	note   string
}

func run(ctx context.Context) error {
	set, err := loadSettings()
	if err != nil {
		return err
	}
	pinned := os.Getenv("LOADTEST_PINNED") == "yes"
	dir, err := os.MkdirTemp("", "authsvc-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Println("building ./cmd/authsvc …")
	bin, err := buildService(dir)
	if err != nil {
		return err
	}
	m, err := newMinter()
	if err != nil {
		return err
	}
	key, err := m.publicPEM()
	if err != nil {
		return err
	}
	tokens, err := m.pool(256)
	if err != nil {
		return err
	}
	expired, err := m.mint(999999, true)
	if err != nil {
		return err
	}
	cached, err := startInstance(ctx, "cached", bin, key, pinned)
	if err != nil {
		return err
	}
	defer cached.stop()
	uncached, err := startInstance(ctx, "uncached", bin, key, pinned, "AUTHSVC_CACHE_SIZE=0")
	if err != nil {
		return err
	}
	defer uncached.stop()
	fmt.Printf("service: GOMAXPROCS=1, pinned to CPU 0: %v; generator pinned to CPU 1: %v; %d workers\n", pinned, pinned, set.conc)

	w, err := newWorkloads(cached, uncached, tokens, expired, m.iat)
	if err != nil {
		return err
	}
	if err := w.warm(ctx); err != nil {
		return err
	}
	kinds := []kind{
		{name: "health", inst: cached, call: w.health, note: "baseline"},
		{name: "verify-warm", inst: cached, call: w.verifyWarm, target: 0.85},
		{name: "verify-unseen", inst: uncached, call: w.verifyUnseen, target: 0.45, note: "cache off: RSA every call"},
		{name: "auth-state", inst: cached, call: w.authState, target: 0.80, note: "cookie form, signed in"},
		{name: "ext-authz-check", inst: cached, call: w.check, target: 0.80, note: "Envoy Check, signed-in cookie"},
	}
	if err := closedLoops(ctx, set, kinds); err != nil {
		return err
	}
	if err := openLoops(ctx, set, w); err != nil {
		return err
	}
	if set.soak > 0 {
		if err := soak(ctx, set, cached, w); err != nil {
			return err
		}
	}
	if n, err := cached.metricsSize(); err == nil {
		fmt.Printf("\n/metrics scrape after the run: %d bytes\n", n)
	}
	return nil
}

// closedSlice is how long one kind runs before the next takes its turn.
// This VM's speed swings by a third from one second to the next, so kinds
// measured one after the other for 8 s each saw different machines; taking
// turns slice by slice, each kind samples every moment of the run alike.
const closedSlice = time.Second

// closedLoops measures the kinds in turns of closedSlice until each has
// run set.closed, and prints the capacity table. With a profile wanted,
// each kind runs its whole time at once, so that its profile is its own.
func closedLoops(ctx context.Context, set settings, kinds []kind) error {
	var run []kind
	for _, k := range kinds {
		if set.want(k.name) || k.name == "health" {
			run = append(run, k)
		}
	}
	slice := min(closedSlice, set.closed)
	if set.profileDir != "" {
		slice = set.closed
	}
	rounds := max(1, int((set.closed+slice-1)/slice))
	fmt.Printf("\nclosed loop, %s per kind, in %d turns of %s:\n", time.Duration(rounds)*slice, rounds, slice)
	for _, k := range run { // a short warm-up: connections, cache, memo, goroutine stacks
		closedLoop(ctx, set.conc, min(time.Second, set.closed/4), k.call)
	}
	results := make([]*result, len(run))
	cpu := make([]time.Duration, len(run))
	// System calls (reads, writes) per kind; sysOK goes false once any
	// reading is missing.
	sysR, sysW := make([]int64, len(run)), make([]int64, len(run))
	sysOK := true
	for range rounds {
		for i, k := range run {
			var waitProfile func() error
			if set.profileDir != "" {
				waitProfile = k.inst.profile(filepath.Join(set.profileDir, k.name+".pprof"), slice)
			}
			cpu0, err := k.inst.cpu()
			if err != nil {
				return err
			}
			r0, w0, ok0 := k.inst.syscalls()
			r := closedLoop(ctx, set.conc, slice, k.call)
			r1, w1, ok1 := k.inst.syscalls()
			cpu1, err := k.inst.cpu()
			if err != nil {
				return err
			}
			if waitProfile != nil {
				if err := waitProfile(); err != nil {
					fmt.Fprintf(os.Stderr, "loadtest: profile %s: %v\n", k.name, err)
				}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			cpu[i] += cpu1 - cpu0
			sysOK = sysOK && ok0 && ok1
			sysR[i] += r1 - r0
			sysW[i] += w1 - w0
			if results[i] == nil {
				results[i] = r
			} else {
				results[i].add(r)
			}
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tcalls\terrors\tRPS\tp50\tp99\treads+writes/call\tCPU µs/call\tratio\ttarget\t\t")
	var base float64
	for i, k := range run {
		r := results[i]
		perCall := float64(cpu[i].Microseconds()) / float64(max(r.calls, 1))
		ratio, verdict := 1.0, k.note
		if k.name == "health" {
			base = perCall
		} else if perCall > 0 {
			ratio = base / perCall
			verdict = fmt.Sprintf("≥ %.2f %s", k.target, okMiss(ratio >= k.target))
			if k.note != "" {
				verdict += " (" + k.note + ")"
			}
		}
		perCallSys := "-"
		if sysOK {
			n := float64(max(r.calls, 1))
			perCallSys = fmt.Sprintf("%.2f+%.2f", float64(sysR[i])/n, float64(sysW[i])/n)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t%.1f\t%.2f\t%s\t\t\n", k.name, r.calls, r.errors, r.rps(),
			us(r.quantile(0.50)), us(r.quantile(0.99)), perCallSys, perCall, ratio, verdict)
		reportErrors(k.name, r)
	}
	return tw.Flush()
}

// openLoops runs VerifySessionToken (warm) and GetAuthState at a fixed rate.
func openLoops(ctx context.Context, set settings, w *workloads) error {
	fmt.Printf("\nopen loop at %d RPS, %s each (latency from the scheduled start):\n", set.rate, set.open)
	for _, k := range []struct {
		name string
		c    call
	}{{"verify-warm", w.verifyWarm}, {"auth-state", w.authState}} {
		r := openLoop(ctx, set.rate, set.open, k.c)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p99 := r.quantile(0.99)
		fmt.Printf("  %-12s calls %6d  errors %d  p50 %s  p99 %s  max %s   target p99 ≤ 2ms %s\n", k.name, r.calls, r.errors,
			us(r.quantile(0.5)), us(p99), us(r.quantile(1)), okMiss(p99 <= 2*time.Millisecond && r.errors == 0))
		reportErrors(k.name, r)
	}
	return nil
}

// soak runs a mixed open-loop load on the cached instance for set.soak:
// warm verifies, auth states, health checks and, one call in 16, an
// expired token (rejected as expected; not an error).
func soak(ctx context.Context, set settings, in *instance, w *workloads) error {
	warm := min(20*time.Second, set.soak/5)
	fmt.Printf("\nsoak: %s at %d RPS, mixed (RSS read after %s of warm-up and at the end):\n", set.soak, set.rate, warm)
	mixed := func(ctx context.Context, i int) error {
		switch i % 16 {
		case 0:
			return w.verifyExpired(ctx, i)
		case 1, 2, 3:
			return w.health(ctx, i)
		}
		if i%2 == 0 {
			return w.verifyWarm(ctx, i)
		}
		return w.authState(ctx, i)
	}
	first := openLoop(ctx, set.rate, warm, mixed)
	rss0, err := in.rss()
	if err != nil {
		return err
	}
	rest := openLoop(ctx, set.rate, set.soak-warm, mixed)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	rss1, err := in.rss()
	if err != nil {
		return err
	}
	growth := float64(rss1-rss0) / float64(rss0)
	errs := first.errors + rest.errors
	fmt.Printf("  calls %d  errors %d  p99 %s  RSS after warm-up %.1f MiB, at the end %.1f MiB (%+.1f%%)   target RSS within 10%%, zero errors %s\n",
		first.calls+rest.calls, errs, us(rest.quantile(0.99)), mib(rss0), mib(rss1), 100*growth, okMiss(growth <= 0.10 && errs == 0))
	reportErrors("soak warm-up", first)
	reportErrors("soak", rest)
	return nil
}

// reportErrors prints each distinct error of a run with its count.
func reportErrors(name string, r *result) {
	for msg, n := range r.byMsg {
		fmt.Fprintf(os.Stderr, "loadtest: %s: %d × %s\n", name, n, msg)
	}
}

func okMiss(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

func us(d time.Duration) string {
	if d >= 10*time.Millisecond {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + "ms"
	}
	return strconv.FormatInt(d.Microseconds(), 10) + "µs"
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// workloads holds the connections and the requests of every kind, each
// request encoded once (see rawCodec).
type workloads struct {
	cached, uncached *grpc.ClientConn
	healthReq        []byte
	verifyReq        [][]byte // per token
	authStateReq     [][]byte // per token
	checkReq         [][]byte // per token: a signed-in Envoy CheckRequest
	expiredReq       []byte
	// The answers of the checked kinds, per token, taken in warm; a call
	// whose answer differs is decoded and judged (answered).
	authStateWant, checkWant [][]byte
	healthWant               []byte
}

func newWorkloads(cached, uncached *instance, tokens []string, expired string, iat int64) (*workloads, error) {
	w := &workloads{cached: cached.conn, uncached: uncached.conn}
	uat := strconv.FormatInt(iat-1, 10)
	var encErr error
	enc := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		encErr = errors.Join(encErr, err)
		return b
	}
	w.healthReq = enc(&healthpb.HealthCheckRequest{})
	w.expiredReq = enc(&authsvcv1.VerifySessionTokenRequest{Token: expired})
	for _, tok := range tokens {
		w.verifyReq = append(w.verifyReq, enc(&authsvcv1.VerifySessionTokenRequest{Token: tok}))
		w.authStateReq = append(w.authStateReq, enc(&authsvcv1.GetAuthStateRequest{
			CookieToken: proto.String(tok), ClientUat: &uat,
			Host: proto.String("app.loadtest.example"), UserAgent: proto.String("Mozilla/5.0 (loadtest)"),
		}))
		w.checkReq = append(w.checkReq, enc(edgetest.SignedInCheckRequest(tok, iat-1)))
	}
	return w, encErr
}

func invoke(ctx context.Context, cc *grpc.ClientConn, method string, req []byte, resp *frame) error {
	return cc.Invoke(ctx, method, &frame{b: req}, resp, rawCall...)
}

func (w *workloads) health(ctx context.Context, _ int) error {
	resp := frame{keep: true}
	if err := invoke(ctx, w.cached, healthpb.Health_Check_FullMethodName, w.healthReq, &resp); err != nil {
		return err
	}
	return answered(resp.b, w.healthWant, &healthpb.HealthCheckResponse{}, serving)
}

func serving(m proto.Message) error {
	if s := m.(*healthpb.HealthCheckResponse).GetStatus(); s != healthpb.HealthCheckResponse_SERVING {
		return fmt.Errorf("health %s, want SERVING", s)
	}
	return nil
}

func (w *workloads) verifyWarm(ctx context.Context, i int) error {
	return invoke(ctx, w.cached, authsvcv1.AuthService_VerifySessionToken_FullMethodName, w.verifyReq[i%len(w.verifyReq)], &frame{})
}

func (w *workloads) verifyUnseen(ctx context.Context, i int) error {
	return invoke(ctx, w.uncached, authsvcv1.AuthService_VerifySessionToken_FullMethodName, w.verifyReq[i%len(w.verifyReq)], &frame{})
}

func (w *workloads) verifyExpired(ctx context.Context, _ int) error {
	err := invoke(ctx, w.cached, authsvcv1.AuthService_VerifySessionToken_FullMethodName, w.expiredReq, &frame{})
	if err == nil {
		return errors.New("an expired token verified")
	}
	if ctx.Err() != nil {
		return err
	}
	return nil
}

func (w *workloads) authState(ctx context.Context, i int) error {
	i %= len(w.authStateReq)
	resp := frame{keep: true}
	if err := invoke(ctx, w.cached, authsvcv1.AuthService_GetAuthState_FullMethodName, w.authStateReq[i], &resp); err != nil {
		return err
	}
	return answered(resp.b, w.authStateWant[i], &authsvcv1.GetAuthStateResponse{}, signedIn)
}

func signedIn(m proto.Message) error {
	r := m.(*authsvcv1.GetAuthStateResponse)
	if r.GetStatus() != authsvcv1.AuthStatus_AUTH_STATUS_SIGNED_IN {
		return fmt.Errorf("auth state %s (%s), want signed in", r.GetStatus(), r.GetReason())
	}
	return nil
}

// check is Envoy's ext_authz Check for a signed-in browser request; an
// answer other than OK is an error.
func (w *workloads) check(ctx context.Context, i int) error {
	i %= len(w.checkReq)
	resp := frame{keep: true}
	if err := invoke(ctx, w.cached, authv3.Authorization_Check_FullMethodName, w.checkReq[i], &resp); err != nil {
		return err
	}
	return answered(resp.b, w.checkWant[i], &authv3.CheckResponse{}, checkOK)
}

func checkOK(m proto.Message) error {
	if c := m.(*authv3.CheckResponse).GetStatus().GetCode(); c != 0 {
		return fmt.Errorf("check answered code %d, want OK", c)
	}
	return nil
}

// answered judges an answer: the same bytes as the judged answer want pass
// at once; any other answer (or any, with want nil) is decoded into m and
// judged by ok.
func answered(got, want []byte, m proto.Message, ok func(proto.Message) error) error {
	if want != nil && bytes.Equal(got, want) {
		return nil
	}
	if err := proto.Unmarshal(got, m); err != nil {
		return fmt.Errorf("answer does not decode: %w", err)
	}
	return ok(m)
}

// warm fills the cache with every token, makes one call of each kind, and
// keeps the judged answers of the kinds that compare them, per token. The
// kinds' calls work only after it.
func (w *workloads) warm(ctx context.Context) error {
	for i := range w.verifyReq {
		if err := w.verifyWarm(ctx, i); err != nil {
			return fmt.Errorf("verify: %w", err)
		}
	}
	for name, c := range map[string]call{"verify-unseen": w.verifyUnseen, "expired": w.verifyExpired} {
		if err := c(ctx, 0); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	keep := func(cc *grpc.ClientConn, method string, req []byte, m proto.Message, ok func(proto.Message) error) ([]byte, error) {
		resp := frame{keep: true}
		if err := invoke(ctx, cc, method, req, &resp); err != nil {
			return nil, err
		}
		if err := answered(resp.b, nil, m, ok); err != nil {
			return nil, err
		}
		return resp.b, nil
	}
	var err error
	if w.healthWant, err = keep(w.cached, healthpb.Health_Check_FullMethodName, w.healthReq, &healthpb.HealthCheckResponse{}, serving); err != nil {
		return fmt.Errorf("health: %w", err)
	}
	for i := range w.verifyReq {
		b, err := keep(w.cached, authsvcv1.AuthService_GetAuthState_FullMethodName, w.authStateReq[i], &authsvcv1.GetAuthStateResponse{}, signedIn)
		if err != nil {
			return fmt.Errorf("auth-state: %w", err)
		}
		w.authStateWant = append(w.authStateWant, b)
		if b, err = keep(w.cached, authv3.Authorization_Check_FullMethodName, w.checkReq[i], &authv3.CheckResponse{}, checkOK); err != nil {
			return fmt.Errorf("ext-authz-check: %w", err)
		}
		w.checkWant = append(w.checkWant, b)
	}
	return nil
}
