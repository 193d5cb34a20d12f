package backendapi

// FuzzParseRetryAfter seeds come from f.Add below and from
// testdata/fuzz/FuzzParseRetryAfter/. Run it with
//
//	go test -run '^$' -fuzz '^FuzzParseRetryAfter$' -fuzztime 1000000x ./backendapi

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// retryAfterNow is the fixed "now" of the TestParseRetryAfter rows.
var retryAfterNow = time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)

// retryAfterSeeds are TestParseRetryAfter's inputs plus edge cases: a
// value past int64, padded numbers, the three HTTP date layouts, and a
// zero now (offset -1).
func retryAfterSeeds() []struct {
	v      string
	offset int64
} {
	return []struct {
		v      string
		offset int64
	}{
		{"3", 0}, {"0", 0}, {"-5", 0}, {"999999999999", 0},
		{retryAfterNow.Add(7 * time.Second).Format(http.TimeFormat), 0},
		{retryAfterNow.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"", 0}, {"soon", 0}, {"1.5", 0},
		{"99999999999999999999", 0}, {" 0042 ", 0}, {"+5", 0}, {"3600", 0}, {"3601", 0},
		{"Thursday, 26-Nov-26 05:00:30 GMT", 0}, {"Thu Nov 26 05:00:30 2026", 0},
		{retryAfterNow.Add(2 * time.Hour).Format(http.TimeFormat), 0},
		{retryAfterNow.Add(7 * time.Second).Format(http.TimeFormat), -1},
		{"Fri, 31 Dec 9999 23:59:59 GMT", 86400 * 365 * 100},
	}
}

// FuzzParseRetryAfter: parseRetryAfter never panics; ok false means 0;
// an accepted delay is 0 to 1 h and a whole number of seconds (all inputs
// have second precision); a value of plain ASCII digits is always accepted
// as min(value, 1 h), so it round-trips when at most 3600; and any
// accepted delay under the cap reads back the same from its own seconds
// form and from its HTTP date. Only numbers and HTTP dates are accepted,
// and with a zero now only numbers give a delay.
// offset moves "now" from 2026-11-26 by that many seconds (within ±200
// years); -1 is the zero time.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range retryAfterSeeds() {
		f.Add(s.v, s.offset)
	}
	f.Fuzz(func(t *testing.T, v string, offset int64) {
		now := time.Time{}
		if offset != -1 {
			const span = 200 * 365 * 24 * 3600
			now = retryAfterNow.Add(time.Duration(offset%span) * time.Second)
		}
		d, ok := parseRetryAfter(v, now)
		if !ok {
			if d != 0 {
				t.Fatalf("parseRetryAfter(%q) = %v, false; want 0 when not ok", v, d)
			}
		} else if d < 0 || d > time.Hour || d%time.Second != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v, want whole seconds in 0..1h", v, d)
		}
		if n, plain := plainSeconds(strings.TrimSpace(v)); plain {
			want := time.Hour
			if n <= 3600 {
				want = time.Duration(n) * time.Second
			}
			if !ok || d != want {
				t.Fatalf("parseRetryAfter(%q) = %v, %v; want %v, true", v, d, ok, want)
			}
		}
		trimmed := strings.TrimSpace(v)
		if _, err := http.ParseTime(trimmed); ok && err != nil && !isInteger(trimmed) {
			t.Fatalf("parseRetryAfter(%q) = %v, true; it is neither a number nor a date", v, d)
		}
		if now.IsZero() && d != 0 && !isInteger(trimmed) {
			t.Fatalf("parseRetryAfter(%q) with a zero now = %v; a date must give 0", v, d)
		}
		if !ok || d == time.Hour {
			return
		}
		secs := strconv.FormatInt(int64(d/time.Second), 10)
		if back, ok := parseRetryAfter(secs, now); !ok || back != d {
			t.Fatalf("seconds form %q of %v reads as %v, %v", secs, d, back, ok)
		}
		if now.IsZero() || d == 0 {
			return
		}
		date := now.Add(d).Format(http.TimeFormat)
		if back, ok := parseRetryAfter(date, now); !ok || back != d {
			t.Fatalf("date form %q of %v reads as %v, %v", date, d, back, ok)
		}
	})
}

// plainSeconds reports whether s is one or more ASCII digits, and its value
// capped just above 3600 (so any length of digits fits).
func plainSeconds(s string) (n int64, plain bool) {
	if s == "" {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		if n = n*10 + int64(r-'0'); n > 3601 {
			n = 3601
		}
	}
	return n, true
}

// isInteger reports whether s is an optional sign and one or more ASCII
// digits, of any length.
func isInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	_, plain := plainSeconds(s)
	return plain
}
