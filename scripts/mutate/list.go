package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Mutation is one planted bug: in File, the text Old (which must occur
// there exactly once) becomes New; the tests of Packages should then fail.
type Mutation struct {
	Name     string   // unique, e.g. "imp-cancel-first-only"
	File     string   // slash-separated, relative to the repository root
	Packages []string // go test patterns, e.g. ./agentapi/
	Why      string   // the bug it stands for; may be ""
	Old, New string
	Line     int // where the block starts in the list, for messages
}

// ParseList reads a mutation list. The format, one block per mutation,
// blocks separated by blank lines, '#' lines ignored:
//
//	name: imp-cancel-first-only
//	file: agentapi/imp/imp.go
//	test: ./agentapi/
//	why:  cancelwakeup(name) leaves all but the first same-named timer
//	- for _, w := range append([]*wakeup(nil), m.names[s]...) {
//	+ for _, w := range append([]*wakeup(nil), m.names[s]...)[:1] {
//
// "- " and "+ " are followed by the text as it is in the file (a part of
// one line; surrounding spaces are trimmed). name, file, test, "-" and "+"
// are required; test takes one or more space-separated patterns. Errors
// name the list file and line.
func ParseList(path string, r io.Reader) ([]Mutation, error) {
	var (
		list  []Mutation
		cur   *Mutation
		names = map[string]int{}
		sc    = bufio.NewScanner(r)
		n     = 0
	)
	bad := func(line int, format string, a ...any) error {
		return fmt.Errorf("%s:%d: %s", path, line, fmt.Sprintf(format, a...))
	}
	end := func() error {
		if cur == nil {
			return nil
		}
		m := *cur
		cur = nil
		for _, f := range []struct{ name, v string }{{"name", m.Name}, {"file", m.File}, {"- (the original text)", m.Old}, {"+ (the mutated text)", m.New}} {
			if f.v == "" {
				return bad(m.Line, "mutation %q has no %s", m.Name, f.name)
			}
		}
		if len(m.Packages) == 0 {
			return bad(m.Line, "mutation %q has no test: packages", m.Name)
		}
		if m.Old == m.New {
			return bad(m.Line, "mutation %q changes nothing", m.Name)
		}
		if first, dup := names[m.Name]; dup {
			return bad(m.Line, "mutation name %q is already used at line %d", m.Name, first)
		}
		names[m.Name] = m.Line
		list = append(list, m)
		return nil
	}
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" {
			if err := end(); err != nil {
				return nil, err
			}
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cur == nil {
			cur = &Mutation{Line: n}
		}
		switch {
		case strings.HasPrefix(trimmed, "- "):
			if cur.Old != "" {
				return nil, bad(n, "a second '-' line: a mutation changes one piece of one line")
			}
			cur.Old = strings.TrimSpace(trimmed[2:])
		case strings.HasPrefix(trimmed, "+ "):
			if cur.New != "" {
				return nil, bad(n, "a second '+' line: a mutation changes one piece of one line")
			}
			cur.New = strings.TrimSpace(trimmed[2:])
		default:
			key, val, ok := strings.Cut(trimmed, ":")
			val = strings.TrimSpace(val)
			if !ok {
				return nil, bad(n, "want name:, file:, test:, why:, '- ' or '+ ', got %q", trimmed)
			}
			switch key {
			case "name":
				if cur.Name != "" {
					return nil, bad(n, "a second name: line; separate mutations with a blank line")
				}
				cur.Name = val
			case "file":
				cur.File = filepath.ToSlash(val)
			case "test":
				cur.Packages = strings.Fields(val)
			case "why":
				cur.Why = val
			default:
				return nil, bad(n, "unknown field %q (want name, file, test or why)", key)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := end(); err != nil {
		return nil, err
	}
	return list, nil
}

// ReadList reads the list file at path.
func ReadList(path string) ([]Mutation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseList(path, f)
}

// Apply returns src with m applied, or an error when m's original text is
// not in src exactly once (the code has changed since the list was
// written: update the list).
func (m Mutation) Apply(src string) (string, error) {
	switch c := strings.Count(src, m.Old); c {
	case 1:
		return strings.Replace(src, m.Old, m.New, 1), nil
	case 0:
		return "", fmt.Errorf("mutation %q (line %d): %s no longer holds %q; update the list", m.Name, m.Line, m.File, m.Old)
	default:
		return "", fmt.Errorf("mutation %q (line %d): %s holds %q %d times; quote more of the line", m.Name, m.Line, m.File, m.Old, c)
	}
}
