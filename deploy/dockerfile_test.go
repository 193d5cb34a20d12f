package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// A small, strict reader of the Dockerfile instructions authsvc's images
// use. It is not a general Dockerfile parser (no Docker daemon runs where
// the tests do, and BuildKit's parser would be a heavy dependency): it
// refuses anything outside the subset below, so that a Dockerfile the test
// cannot read fails instead of passing unread.
//
//   - one instruction per logical line, keyword in upper case; a trailing
//     backslash continues the line; lines starting with # are comments;
//   - FROM image [AS name], WORKDIR, COPY [--from=stage] src... dst, RUN
//     (shell form), ARG name[=default], ENV k=v..., USER, EXPOSE port...,
//     LABEL k=v..., HEALTHCHECK [--opt=value...] CMD [json] | NONE,
//     ENTRYPOINT [json], CMD [json] (exec form only: the final images have
//     no shell).

type instruction struct {
	line  int
	cmd   string            // FROM, RUN, …
	flags map[string]string // --from=build → "from": "build"
	args  []string          // the words after the flags (RUN: one element, the shell command)
	exec  []string          // the JSON array of ENTRYPOINT, CMD and HEALTHCHECK CMD
}

type stage struct {
	name, base string
	body       []instruction
}

type dockerfile struct {
	preamble []instruction // ARGs before the first FROM
	stages   []stage
}

var errDockerfile = errors.New("dockerfile")

func parseDockerfile(src string) (*dockerfile, error) {
	lines, err := logicalLines(src)
	if err != nil {
		return nil, err
	}
	df := &dockerfile{}
	for _, ll := range lines {
		in, err := parseInstruction(ll.n, ll.text)
		if err != nil {
			return nil, err
		}
		if err := df.add(in); err != nil {
			return nil, err
		}
	}
	if len(df.stages) == 0 {
		return nil, fmt.Errorf("%w: no FROM", errDockerfile)
	}
	return df, nil
}

type logicalLine struct {
	n    int
	text string
}

// logicalLines joins continued lines and drops comments and blank lines.
func logicalLines(src string) ([]logicalLine, error) {
	var out []logicalLine
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(strings.TrimSuffix(src, "\n"), "\n") {
		line := strings.TrimRight(raw, " \t\r")
		// Comments and blank lines are dropped, inside a continuation too.
		if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.TrimSpace(line) == "" {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(line)
		out = append(out, logicalLine{start, strings.TrimSpace(cur.String())})
		cur.Reset()
	}
	if cur.Len() > 0 {
		return nil, fmt.Errorf("%w: line %d: continuation at end of file", errDockerfile, start)
	}
	return out, nil
}

func parseInstruction(n int, text string) (instruction, error) {
	cmd, rest, _ := strings.Cut(text, " ")
	in := instruction{line: n, cmd: cmd, flags: map[string]string{}}
	bad := func(format string, a ...any) (instruction, error) {
		return in, fmt.Errorf("%w: line %d: %s: %s", errDockerfile, n, cmd, fmt.Sprintf(format, a...))
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return bad("no arguments")
	}
	if strings.ToUpper(cmd) != cmd {
		return bad("keyword not in upper case")
	}
	switch cmd {
	case "RUN":
		in.args = []string{rest}
		return in, nil
	case "ENTRYPOINT", "CMD":
		if err := json.Unmarshal([]byte(rest), &in.exec); err != nil || len(in.exec) == 0 {
			return bad("not a non-empty JSON array (exec form): %s", rest)
		}
		return in, nil
	}
	words := strings.Fields(rest)
	for len(words) > 0 && strings.HasPrefix(words[0], "--") {
		k, v, ok := strings.Cut(strings.TrimPrefix(words[0], "--"), "=")
		if !ok || v == "" {
			return bad("flag %q without a value", words[0])
		}
		in.flags[k] = v
		words = words[1:]
	}
	in.args = words
	if err := checkArgs(&in, rest); err != nil {
		return bad("%v", err)
	}
	return in, nil
}

var allowedFlags = map[string]map[string]bool{
	"COPY":        {"from": true, "chown": true, "chmod": true},
	"HEALTHCHECK": {"interval": true, "timeout": true, "start-period": true, "start-interval": true, "retries": true},
}

func checkArgs(in *instruction, rest string) error {
	for k := range in.flags {
		if !allowedFlags[in.cmd][k] {
			return fmt.Errorf("unknown flag --%s", k)
		}
	}
	a := in.args
	switch in.cmd {
	case "FROM":
		if !(len(a) == 1 || len(a) == 3 && a[1] == "AS") {
			return errors.New("want FROM image [AS name]")
		}
	case "WORKDIR", "USER":
		if len(a) != 1 {
			return errors.New("want one argument")
		}
	case "COPY":
		if len(a) < 2 {
			return errors.New("want sources and a destination")
		}
	case "ARG":
		if len(a) != 1 {
			return errors.New("want one name[=default]")
		}
	case "ENV", "LABEL":
		for _, kv := range a {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				return fmt.Errorf("%q is not key=value", kv)
			}
		}
	case "EXPOSE":
		for _, p := range a {
			if n, err := strconv.Atoi(strings.TrimSuffix(p, "/tcp")); err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("%q is not a port", p)
			}
		}
	case "HEALTHCHECK":
		if len(a) == 1 && a[0] == "NONE" {
			return nil
		}
		if len(a) < 2 || a[0] != "CMD" {
			return errors.New("want HEALTHCHECK [flags] CMD [json] or NONE")
		}
		_, js, _ := strings.Cut(rest, "CMD ")
		if err := json.Unmarshal([]byte(strings.TrimSpace(js)), &in.exec); err != nil || len(in.exec) == 0 {
			return errors.New("CMD is not a non-empty JSON array (exec form)")
		}
		for k, v := range in.flags {
			if _, err := strconv.Atoi(v); k == "retries" && err != nil {
				return fmt.Errorf("--retries=%s", v)
			}
		}
	default:
		return errors.New("not an instruction this reader knows")
	}
	return nil
}

func (df *dockerfile) add(in instruction) error {
	if in.cmd == "FROM" {
		st := stage{base: in.args[0]}
		if len(in.args) == 3 {
			st.name = in.args[2]
		}
		df.stages = append(df.stages, st)
		return nil
	}
	if len(df.stages) == 0 {
		if in.cmd != "ARG" {
			return fmt.Errorf("%w: line %d: %s before the first FROM", errDockerfile, in.line, in.cmd)
		}
		df.preamble = append(df.preamble, in)
		return nil
	}
	if from := in.flags["from"]; from != "" && df.stage(from) == nil {
		return fmt.Errorf("%w: line %d: COPY --from=%s names no earlier stage", errDockerfile, in.line, from)
	}
	last := &df.stages[len(df.stages)-1]
	last.body = append(last.body, in)
	return nil
}

func (df *dockerfile) stage(name string) *stage {
	for i := range df.stages {
		if df.stages[i].name == name {
			return &df.stages[i]
		}
	}
	return nil
}

// all returns the stage's instructions of one kind.
func (st *stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range st.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// env is the stage's ENV settings.
func (st *stage) env() map[string]string {
	m := map[string]string{}
	for _, in := range st.all("ENV") {
		for _, kv := range in.args {
			k, v, _ := strings.Cut(kv, "=")
			m[k] = v
		}
	}
	return m
}
