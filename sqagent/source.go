package sqagent

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/agenthost/agenthost/squirrel"
)

// SourceError is a problem assembling an agent from its files: an
// @include that cannot be read or forms a cycle, a #require whose library
// is not in the library directory. File and Line name the directive.
type SourceError struct {
	File string
	Line int
	Msg  string
	// Hint says what to do about it ("" when nothing useful can be said).
	Hint string
}

func (e *SourceError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// LoadOptions configure Load.
type LoadOptions struct {
	// LibDir is the local library directory #require reads from; "" when
	// none is configured.
	LibDir string
}

// Assembled is an agent's compilation unit and the files it was made of.
type Assembled struct {
	Source squirrel.Source
	// Files maps each file's name (as Source's origins name it) to its
	// lines, for showing the line of a syntax error.
	Files map[string][]string
}

// Load reads the Squirrel file at path and assembles its compilation unit
// as the imp's tools do: Builder's `@include "file"` (and `@include once
// "file"`) replaced by that file's text, read relative to the including
// file; the imp's `#require "Name.lib.nut:1.2.3"` replaced by that
// library's text, read from opts.LibDir (see ResolveLibrary). Nothing is
// fetched from the network. Errors are *SourceError, or the error reading
// path itself.
func Load(path string, opts LoadOptions) (*Assembled, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	as := &assembler{opts: opts, dir: filepath.Dir(abs), once: map[string]bool{}, libs: map[string]string{},
		out: &Assembled{Files: map[string][]string{}}}
	name := filepath.Base(path)
	if err := as.add(src, abs, name); err != nil {
		return nil, err
	}
	as.out.Source = squirrel.Source{Name: name, Text: as.text.Bytes(), Origins: as.origins}
	if !as.spliced {
		as.out.Source.Origins = nil // one file: lines are its own
	}
	return as.out, nil
}

type assembler struct {
	opts    LoadOptions
	dir     string // the main file's directory: other files are named relative to it
	text    bytes.Buffer
	origins []squirrel.Origin
	stack   []string          // absolute paths of the files being read, outermost first
	once    map[string]bool   // files included with @include once (absolute paths)
	libs    map[string]string // libraries required so far: name -> version
	spliced bool              // some other file was spliced in
	out     *Assembled
}

var (
	includeRE = regexp.MustCompile(`^@include(\s+once)?\s*(?:"([^"]*)"|'([^']*)')\s*(//.*)?$`)
	requireRE = regexp.MustCompile(`^#require\s+"([^":]+):([^"]+)"\s*(//.*)?$`)
	// Builder's other directives: @set, @if... (a line starting with
	// @( is a lambda, not a directive)
	directiveRE = regexp.MustCompile(`^@(include|set|if|elseif|else|endif|macro|end|error|warning)\b`)
)

// add splices src, the content of the file at abs, named name.
func (as *assembler) add(src []byte, abs, name string) error {
	as.stack = append(as.stack, abs)
	defer func() { as.stack = as.stack[:len(as.stack)-1] }()
	text := string(src)
	lines := strings.Split(text, "\n")
	if strings.HasSuffix(text, "\n") {
		lines = lines[:len(lines)-1]
	}
	as.out.Files[name] = lines
	for i, line := range lines {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "@include"):
			m := includeRE.FindStringSubmatch(trimmed)
			if m == nil {
				return &SourceError{File: name, Line: n, Msg: "@include takes one quoted file name (Builder's expressions and variables are not supported)"}
			}
			target := m[2] + m[3]
			if err := as.include(target, m[1] != "", name, n, abs); err != nil {
				return err
			}
		case directiveRE.MatchString(trimmed):
			d := directiveRE.FindStringSubmatch(trimmed)[1]
			return &SourceError{File: name, Line: n, Msg: "Builder's @" + d + " is not supported (only @include \"file\" is)"}
		case strings.HasPrefix(trimmed, "#require"):
			m := requireRE.FindStringSubmatch(trimmed)
			if m == nil {
				return &SourceError{File: name, Line: n, Msg: `#require takes "Name.lib.nut:version", got ` + strings.TrimSpace(strings.TrimPrefix(trimmed, "#require"))}
			}
			if err := as.require(m[1], m[2], name, n); err != nil {
				return err
			}
		default:
			as.text.WriteString(line)
			as.text.WriteByte('\n')
			as.origins = append(as.origins, squirrel.Origin{File: name, Line: n})
		}
	}
	return nil
}

func (as *assembler) include(target string, once bool, from string, line int, fromAbs string) error {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "github:") || strings.HasPrefix(target, "git-") || strings.HasPrefix(target, "bitbucket") {
		return &SourceError{File: from, Line: line, Msg: "@include \"" + target + "\": agenthost reads no files from the network at run time",
			Hint: "download the file and @include the local copy"}
	}
	path := target
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(fromAbs), path)
	}
	abs, _ := filepath.Abs(path)
	if once && as.once[abs] {
		return nil
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such file"
		}
		return &SourceError{File: from, Line: line, Msg: "@include \"" + target + "\": " + msg + " (" + abs + ")"}
	}
	if once {
		as.once[abs] = true
	}
	as.spliced = true
	for _, open := range as.stack {
		if open == abs {
			chain := []string{}
			for _, s := range as.stack {
				chain = append(chain, as.display(s))
			}
			return &SourceError{File: from, Line: line, Msg: "@include cycle: " + strings.Join(append(chain, as.display(abs)), " -> ")}
		}
	}
	return as.add(src, abs, as.display(abs))
}

// display names a file relative to the main file's directory.
func (as *assembler) display(abs string) string {
	if rel, err := filepath.Rel(as.dir, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

func (as *assembler) require(lib, version, from string, line int) error {
	if v, ok := as.libs[lib]; ok {
		if v != version {
			return &SourceError{File: from, Line: line, Msg: fmt.Sprintf("#require %q: version %s is already required", lib+":"+version, v)}
		}
		return nil
	}
	path, err := ResolveLibrary(as.opts.LibDir, lib, version)
	if err != nil {
		var se *SourceError
		if errors.As(err, &se) {
			se.File, se.Line = from, line
		}
		return err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return &SourceError{File: from, Line: line, Msg: fmt.Sprintf("#require %q: %v", lib+":"+version, err)}
	}
	as.libs[lib] = version
	as.spliced = true
	abs, _ := filepath.Abs(path)
	return as.add(src, abs, lib)
}

// versionRE finds a library's declared version (static VERSION = "1.2.3").
var versionRE = regexp.MustCompile(`static\s+VERSION\s*=\s*"([^"]+)"`)

// ResolveLibrary finds the file of library lib (e.g. "Promise.lib.nut")
// at version in the library directory dir, trying in order:
//
//	dir/<Base>/<version>/<lib>  a copy of the library's repository at that
//	                            release (Base is lib up to its first '.')
//	dir/<lib>                   a single copy, used when it declares that
//	                            version (static VERSION = "...") or none
//
// A missing library is a *SourceError naming it, its version, where it
// was looked for and how to get it.
func ResolveLibrary(dir, lib, version string) (string, error) {
	req := fmt.Sprintf("#require %q", lib+":"+version)
	base := lib
	if i := strings.IndexByte(lib, '.'); i > 0 {
		base = lib[:i]
	}
	if strings.ContainsAny(lib, `/\`) || strings.ContainsAny(version, `/\`) || lib == ".." || version == ".." {
		return "", &SourceError{Msg: req + ": a library name and version cannot hold a path"}
	}
	get := fmt.Sprintf("git clone --branch v%s https://github.com/electricimp/%s %s", version, base, filepath.Join(dirOr(dir), base, version))
	if dir == "" {
		return "", &SourceError{Msg: req + ": no library directory is set, and agenthost fetches nothing at run time",
			Hint: "set one with --lib DIR, AGENTHOST_LIB or lib: in the config, and put the library there, e.g. " + get}
	}
	versioned := filepath.Join(dir, base, version, lib)
	if st, err := os.Stat(versioned); err == nil && !st.IsDir() {
		return versioned, nil
	}
	flat := filepath.Join(dir, lib)
	if data, err := os.ReadFile(flat); err == nil {
		if m := versionRE.FindSubmatch(data); m != nil && string(m[1]) != version {
			return "", &SourceError{Msg: fmt.Sprintf("%s: %s declares version %s, not %s", req, flat, m[1], version),
				Hint: "put version " + version + " at " + versioned + ", e.g. " + get}
		}
		return flat, nil
	}
	return "", &SourceError{Msg: fmt.Sprintf("%s: library %s version %s is not in %s (looked for %s and %s)", req, lib, version, dir, versioned, flat),
		Hint: "get it with: " + get + " (or copy the file there)"}
}

func dirOr(dir string) string {
	if dir == "" {
		return "lib"
	}
	return dir
}

// Compile assembles (Load) and compiles the Squirrel agent at path. A
// syntax error is a *scriptvm.ScriptError (Kind "SyntaxError") naming the
// file and line it is in, with that line's text; a problem with an
// @include or #require is a *SourceError; an unreadable path is the
// error from reading it.
func Compile(path string, opts LoadOptions) (*squirrel.Program, error) {
	return compile(path, opts, squirrel.CompileSource)
}

// Compile is the package's Compile in this agent's runtime: constants and
// enums of the programs it has run are visible, as 3.0.4's const table
// belongs to the VM (a test file sees its agent's). Loop only.
func (a *Agent) Compile(path string, opts LoadOptions) (*squirrel.Program, error) {
	return compile(path, opts, a.rt.CompileSource)
}

func compile(path string, opts LoadOptions, comp func(squirrel.Source) (*squirrel.Program, error)) (*squirrel.Program, error) {
	asm, err := Load(path, opts)
	if err != nil {
		return nil, err
	}
	p, err := comp(asm.Source)
	if err != nil {
		return nil, CompileError(err, func(file string) []string { return asm.Files[file] })
	}
	return p, nil
}

// IsSquirrel reports whether path names a Squirrel source (.nut).
func IsSquirrel(path string) bool { return strings.HasSuffix(path, ".nut") }
