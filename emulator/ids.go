package emulator

import (
	"crypto/rand"
	"encoding/hex"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// idLen is the length of the random part of an id, as in Clerk's ids
// ("user_2NNEqL2nrIRdJ194ndJqAHwEfxC").
const idLen = 27

// newID returns prefix followed by idLen random base62 characters from
// crypto/rand, drawn without modulo bias.
func newID(prefix string) string {
	out := make([]byte, 0, len(prefix)+idLen)
	out = append(out, prefix...)
	var buf [64]byte
	for len(out) < cap(out) {
		_, _ = rand.Read(buf[:]) // crypto/rand.Read never returns an error
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: reject to keep the distribution uniform
				continue
			}
			out = append(out, base62[b%62])
			if len(out) == cap(out) {
				break
			}
		}
	}
	return string(out)
}

// newTraceID returns a random 32-hex-digit trace id for clerk_trace_id.
func newTraceID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
