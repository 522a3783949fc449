package configparams

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// maxValues bounds the number of configparams values one file may expand
// to, so that nested aliases cannot blow up memory.
const maxValues = 100_000

// yamlLineRE splits yaml.v3 syntax errors ("yaml: line 3: ...").
var yamlLineRE = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// decoder walks the yaml.v3 node tree of one file into cfg, collecting
// every problem in errs rather than stopping at the first.
type decoder struct {
	cfg  *Config
	file string  // as given to Load, for messages and Sources
	dir  string  // directory against which relative paths are resolved
	root []entry // schema of the top-level mapping
	errs []error

	values    int                 // configparams values converted so far
	expanding map[*yaml.Node]bool // collections being converted: an alias to one is a cycle
}

// parse decodes the single YAML document in data.
func (d *decoder) parse(data []byte) {
	root := d.document(data)
	if root == nil {
		return
	}
	if root.Kind != yaml.MappingNode {
		d.errorAt(root, "", root.Value, "the file must be a mapping of settings (key: value), not "+describe(root))
		return
	}
	d.section("", root, d.root, "a mapping")
}

// document returns the top-level value of the single YAML document in
// data (aliases followed), or nil when the file is empty or null or has
// problems, which it records.
func (d *decoder) document(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err != io.EOF {
			d.syntaxError(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err != nil:
		d.syntaxError(err)
		return nil
	case len(extra.Content) > 0 && !isNull(extra.Content[0]):
		n := extra.Content[0]
		d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: n.Column,
			Msg: "the file must hold a single YAML document (found another after ---)"})
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil
		}
		root = root.Content[0]
	}
	root = deref(root)
	if isNull(root) {
		return nil
	}
	return root
}

// syntaxError records a yaml.v3 parse error, keeping its line.
func (d *decoder) syntaxError(err error) {
	e := &Error{File: d.file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "invalid YAML: " + m[2]
	}
	d.errs = append(d.errs, e)
}

// errorAt records a problem with field located at n.
func (d *decoder) errorAt(n *yaml.Node, field, value, msg string) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Column: n.Column,
		Field: field, Value: value, Msg: msg})
}

// origin returns the file position of n.
func (d *decoder) origin(n *yaml.Node) origin {
	return origin{file: d.file, line: n.Line, column: n.Column}
}

// note records that field was set by key k with value v.
func (d *decoder) note(field string, k, v *yaml.Node) {
	d.cfg.record(field, d.origin(deref(v)), fmt.Sprintf("%s:%d", d.file, k.Line))
}

// section decodes mapping n, whose dotted name is path, against keys,
// describing what n must be as want.
func (d *decoder) section(path string, n *yaml.Node, keys []entry, want string) {
	pairs, _ := d.mapPairs(path, n, want)
	for _, p := range pairs {
		e := findEntry(keys, p.key)
		if e == nil {
			d.unknownKey(path, p.k, keys)
			continue
		}
		sub := joinPath(path, p.key)
		if e.decode != nil {
			e.decode(d, sub, p.k, p.v)
		}
		switch {
		case e.keys == nil:
		case e.off == "":
			d.section(sub, p.v, e.keys, "a mapping")
		case isOff(p.v):
			d.switchOff(sub, p.k, p.v, e)
		default:
			d.section(sub, p.v, e.keys, "a mapping or off")
		}
	}
}

// unknownKey reports key k, which is not among keys of section, suggesting
// the same key elsewhere in the schema (a misplaced key), else the closest
// valid key (a misspelt one), else listing the valid keys.
func (d *decoder) unknownKey(section string, k *yaml.Node, keys []entry) {
	names := entryNames(keys)
	slices.Sort(names)
	msg := fmt.Sprintf("unknown key %q", k.Value)
	if s := d.elsewhere(section, k.Value); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else if s := suggest(k.Value, names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += fmt.Sprintf(" (valid keys: %s)", joinNames(names))
	}
	d.errorAt(k, section, k.Value, msg)
}

// elsewhere returns the dotted name of a key called name (ignoring case)
// outside section, or "".
func (d *decoder) elsewhere(section, name string) string {
	for _, p := range append(allPaths(d.root, ""), hintPaths...) {
		if strings.EqualFold(lastSegment(p), name) && p != joinPath(section, lastSegment(p)) {
			return p
		}
	}
	return ""
}

// pair is one key/value of a mapping node.
type pair struct {
	key  string
	k, v *yaml.Node
}

// mapPairs returns the entries of mapping n (none for null), reporting
// non-string and duplicate keys, which it leaves out. It reports n not
// being a mapping, described as want, and then returns ok false.
func (d *decoder) mapPairs(path string, n *yaml.Node, want string) (pairs []pair, ok bool) {
	n = deref(n)
	if isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		d.errorAt(n, path, n.Value, fmt.Sprintf("expected %s, got %s", want, describe(n)))
		return nil, false
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		switch {
		case k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge":
			d.errorAt(k, path, k.Value, "merge keys (<<) are not supported; write the keys out")
			continue
		case k.Kind != yaml.ScalarNode:
			d.errorAt(k, path, "", "keys must be strings, not "+describe(k))
			continue
		case k.ShortTag() != "!!str":
			d.errorAt(k, path, k.Value, fmt.Sprintf("key %s is not a string; quote it (%q) to use it as one", k.Value, k.Value))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorAt(k, path, k.Value, fmt.Sprintf("duplicate key %q (first on line %d)", k.Value, line))
			continue
		}
		seen[k.Value] = k.Line
		pairs = append(pairs, pair{key: k.Value, k: k, v: v})
	}
	return pairs, true
}

// str returns scalar v as a string, reporting any other kind of value.
// Timestamps count as strings.
func (d *decoder) str(path string, v *yaml.Node) (string, bool) {
	v = deref(v)
	if v.Kind == yaml.ScalarNode {
		switch v.ShortTag() {
		case "!!str", "!!timestamp":
			return v.Value, true
		case "!!int", "!!float", "!!bool":
			d.errorAt(v, path, v.Value, fmt.Sprintf("expected a string, got %s (quote it if you mean the string %q)", describe(v), v.Value))
			return "", false
		}
	}
	d.errorAt(v, path, v.Value, "expected a string, got "+describe(v))
	return "", false
}

// stringValue decodes a field described in stringFields. Value checks are
// left to Validate, which knows the position recorded here.
func (d *decoder) stringValue(path string, k, v *yaml.Node) {
	f := lookupString(path)
	if f == nil {
		panic("configparams: no stringFields entry for " + path)
	}
	s, ok := d.str(path, v)
	if !ok {
		return
	}
	if f.path && s != "" && !filepath.IsAbs(s) {
		s = filepath.Join(d.dir, s)
	}
	f.set(d.cfg, s)
	d.note(path, k, v)
}

// openServerTLS enables the embedded TLS listener when embedded.tls is
// present, even empty, so that Validate insists on cert and key.
func (d *decoder) openServerTLS(path string, k, v *yaml.Node) {
	d.cfg.serverTLS()
	d.note(path, k, v)
}

// users decodes embedded.users, a mapping of user name to password. Its
// errors never quote a value that may be a password.
func (d *decoder) users(path string, k, v *yaml.Node) {
	if n := deref(v); !isNull(n) && n.Kind != yaml.MappingNode {
		d.errorAt(n, path, "", "expected a mapping of user name to password, got "+kindOf(n)+" (not shown: it may hold a password)")
		return
	}
	pairs, ok := d.mapPairs(path, v, "a mapping of user name to password")
	if !ok {
		return
	}
	users := make(map[string]string, len(pairs))
	for _, p := range pairs {
		field := path + "." + p.key
		pw := deref(p.v)
		if pw.Kind != yaml.ScalarNode || pw.ShortTag() != "!!str" && pw.ShortTag() != "!!timestamp" {
			msg := "the password must be a string, got " + kindOf(pw)
			if t := pw.ShortTag(); pw.Kind == yaml.ScalarNode && (t == "!!int" || t == "!!float" || t == "!!bool") {
				msg += " (not shown); quote it to use it as a string"
			}
			d.errorAt(pw, field, "", msg)
			continue
		}
		users[p.key] = pw.Value
		d.cfg.record(field, d.origin(p.k), "")
	}
	d.cfg.Embedded.Users = users
	d.note(path, k, v)
}

// denySubscribe decodes embedded.deny_subscribe, a list of topic filters.
func (d *decoder) denySubscribe(path string, k, v *yaml.Node) {
	v = deref(v)
	var filters []string
	switch {
	case isNull(v):
	case v.Kind == yaml.SequenceNode:
		filters = make([]string, 0, len(v.Content))
		for i, el := range v.Content {
			field := fmt.Sprintf("%s[%d]", path, i)
			if s, ok := d.str(field, el); ok {
				d.cfg.record(field, d.origin(deref(el)), "")
				filters = append(filters, s)
			}
		}
	default:
		d.errorAt(v, path, v.Value, "expected a list of topic filters, got "+describe(v))
		return
	}
	d.cfg.Embedded.DenySubscribe = filters
	d.note(path, k, v)
}

// configParams decodes the configparams mapping into JSON-compatible values.
func (d *decoder) configParams(path string, k, v *yaml.Node) {
	pairs, ok := d.mapPairs(path, v, "a mapping")
	if !ok {
		return
	}
	d.expanding = map[*yaml.Node]bool{deref(v): true} // an alias to configparams itself is a cycle
	d.cfg.ConfigParams = d.paramsMap(path, pairs, func(field string, v *yaml.Node) {
		d.cfg.record(field, d.origin(deref(v)), "")
	})
	d.note(path, k, v)
}

// paramsMap converts the pairs of a configparams mapping at path, calling
// noted (when not nil) for each key kept. A deviceid must be a string.
func (d *decoder) paramsMap(path string, pairs []pair, noted func(field string, v *yaml.Node)) map[string]any {
	m := make(map[string]any, len(pairs))
	for _, p := range pairs {
		field := path + "." + p.key
		if p.key == "deviceid" {
			if n := deref(p.v); n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!float") {
				d.errorAt(n, field, n.Value, fmt.Sprintf(
					"%s is read as a number, but device ids are strings; quote it: deviceid: %q", n.Value, n.Value))
				continue
			}
		}
		m[p.key] = d.value(field, p.v)
		if noted != nil {
			noted(field, p.v)
		}
	}
	return m
}

// value converts n to map[string]any, []any, string, bool, int64, float64
// or nil, reporting what JSON cannot represent.
func (d *decoder) value(path string, n *yaml.Node) any {
	d.values++
	if d.values > maxValues {
		if d.values == maxValues+1 {
			d.errorAt(n, path, "", fmt.Sprintf("configparams expand to more than %d values (aliases nested too deeply?)", maxValues))
		}
		return nil
	}
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		if d.expanding == nil {
			d.expanding = map[*yaml.Node]bool{}
		}
		d.expanding[n] = true
		defer delete(d.expanding, n)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if d.expanding[n.Alias] {
			d.errorAt(n, path, n.Value, fmt.Sprintf("alias *%s refers to a value that contains it", n.Value))
			return nil
		}
		return d.value(path, n.Alias)
	case yaml.MappingNode:
		pairs, _ := d.mapPairs(path, n, "a mapping")
		m := make(map[string]any, len(pairs))
		for _, p := range pairs {
			m[p.key] = d.value(path+"."+p.key, p.v)
		}
		return m
	case yaml.SequenceNode:
		list := make([]any, len(n.Content))
		for i, c := range n.Content {
			list[i] = d.value(fmt.Sprintf("%s[%d]", path, i), c)
		}
		return list
	case yaml.ScalarNode:
		return d.scalar(path, n)
	}
	d.errorAt(n, path, "", "unsupported YAML node")
	return nil
}

// scalar converts a scalar node by its resolved tag.
func (d *decoder) scalar(path string, n *yaml.Node) any {
	tag := n.ShortTag()
	var err error
	switch tag {
	case "!!str", "!!timestamp":
		return n.Value
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err = n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		var i int64
		if err = n.Decode(&i); err == nil {
			return i
		}
		d.errorAt(n, path, n.Value, fmt.Sprintf("integer %s does not fit in 64 bits", n.Value))
		return nil
	case "!!float":
		var f float64
		if err = n.Decode(&f); err == nil {
			if math.IsInf(f, 0) || math.IsNaN(f) {
				d.errorAt(n, path, n.Value, fmt.Sprintf("%s is not a finite number, which JSON cannot represent", n.Value))
				return nil
			}
			return f
		}
	default:
		err = errors.New("unsupported tag " + tag)
	}
	d.errorAt(n, path, n.Value, fmt.Sprintf("cannot use %q: %v", n.Value, err))
	return nil
}

// deref follows alias nodes to their anchored value.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is a null scalar ("", "~", "null").
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the kind and value of n for messages.
// kindOf names the kind of n without its value, for values that may be
// secrets.
func kindOf(n *yaml.Node) string {
	n = deref(n)
	if n.Kind != yaml.ScalarNode {
		return describe(n)
	}
	switch n.ShortTag() {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!null":
		return "no value (null)"
	}
	return "a value tagged " + n.ShortTag()
}

func describe(n *yaml.Node) string {
	n = deref(n)
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int":
			return "the integer " + n.Value
		case "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "no value (null)"
		case "!!timestamp":
			return "the timestamp " + n.Value
		}
		return n.ShortTag() + " " + n.Value
	}
	return "an empty document"
}
