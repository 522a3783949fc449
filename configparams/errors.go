package configparams

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a configuration problem. It is located either in the file (File
// and Line, and Column when known) or, for environment variables and flags,
// by Source. Error() prints
//
//	FILE:LINE:COL: FIELD: MSG
//	SOURCE: FIELD: MSG
//
// omitting the parts that are empty.
type Error struct {
	File   string // configuration file as given to Load; "" for env and flags
	Line   int    // 1-based line in File; 0 when unknown
	Column int    // 1-based column in File; 0 when unknown
	Source string // e.g. "env AGENTHOST_BROKER", "flag --broker"; set when File is ""
	// Field is the dotted name of the offending field, such as "broker",
	// "embedded.deny_subscribe[1]" or "configparams.deviceid". For unknown
	// keys it names the enclosing section ("" at the top level) and Value is
	// the key; for YAML syntax errors it is "".
	Field string
	// Value is the offending value or key as written, "" when none. It
	// never holds a password: a broker URL's is replaced by "xxxxx", and
	// a bad embedded.users password is left out.
	Value string
	Msg   string // the problem; self-contained and quoting Value where useful
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Source != "":
		b.WriteString(e.Source + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// joinErrors returns nil for none, the error itself for one, and
// errors.Join otherwise, so a single problem stays a plain *Error.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// suggest returns the candidate closest to name by edit distance (ignoring
// case and treating '-' as '_'), or "" when none is close enough to be a
// plausible typo. Ties go to the earlier candidate.
func suggest(name string, candidates []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	n := norm(name)
	limit := min(3, len([]rune(n))/3+1)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if d := editDistance(n, norm(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and adjacent transpositions each
// cost 1.
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}

// joinNames lists names for messages: "a, b, c".
func joinNames(names []string) string { return strings.Join(names, ", ") }
