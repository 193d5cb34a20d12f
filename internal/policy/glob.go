package policy

import (
	"errors"
	"strings"
	"unicode"
)

// maxGlobLen bounds a glob; method names are far shorter.
const maxGlobLen = 512

// checkGlob rejects globs that cannot be a method name or pattern: empty,
// too long, or containing spaces or control characters.
func checkGlob(g string) error {
	switch {
	case strings.TrimPrefix(g, "/") == "":
		return errors.New("empty method pattern")
	case len(g) > maxGlobLen:
		return errors.New("method pattern too long")
	case strings.IndexFunc(g, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return errors.New("method pattern contains whitespace or control characters")
	}
	return nil
}

// normMethod drops the leading "/" of a full method name.
func normMethod(m string) string {
	return strings.TrimPrefix(m, "/")
}

// match reports whether name matches glob, where "*" matches any run of
// characters and everything else matches itself. It runs in
// O(len(glob)*len(name)) time at worst and never recurses.
func match(glob, name string) bool {
	g, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case g < len(glob) && glob[g] == '*':
			star, mark = g, n
			g++
		case g < len(glob) && glob[g] == name[n]:
			g++
			n++
		case star >= 0:
			mark++
			g, n = star+1, mark
		default:
			return false
		}
	}
	for g < len(glob) && glob[g] == '*' {
		g++
	}
	return g == len(glob)
}

// matchAny reports whether name matches one of globs.
func matchAny(globs []string, name string) bool {
	for _, g := range globs {
		if match(g, name) {
			return true
		}
	}
	return false
}
