package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/agenthost/agenthost/exitcode"
)

// checkWritable makes sure a results file named by flag (--report,
// --report-svg, --junit) can be written at path, before the run that
// fills it starts, so a long run does not end in an unwritable path. An
// existing regular file is opened for writing and left as it was; a new
// one is created and removed again; a FIFO or device is not checked. The error has exit code 2 (a bad argument)
// and names the flag and the path; a file that becomes unwritable during
// the run is still an error at the end, with exit code 3.
func checkWritable(flag, path string) error {
	fail := func(err error) error {
		return exitcode.New(exitcode.Usage, fmt.Errorf("%s: %w", flag, err), "create the directory, or give "+flag+" a writable path")
	}
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return fail(&os.PathError{Op: "open", Path: path, Err: errors.New("is a directory")})
		}
		if !fi.Mode().IsRegular() {
			// A FIFO or a device: opening it could block until a reader
			// comes, or consume something. It is taken as it is.
			return nil
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fail(err)
		}
		return f.Close()
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fail(err)
	}
	f.Close()
	return os.Remove(path)
}
