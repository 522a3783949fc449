//go:build unix

package fleet

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReportOverALinkOrFIFOKeepsIt: a --report path that is a symbolic
// link (/dev/stdout) or a FIFO is written through, not replaced by a
// renamed file; a regular file is replaced whole.
func TestReportOverALinkOrFIFOKeepsIt(t *testing.T) {
	dir := t.TempDir()

	target := filepath.Join(dir, "target.json")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(link, []byte("new report")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new report" {
		t.Errorf("the link's target holds %q", b)
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- string(b)
	}()
	if err := writeAtomic(fifo, []byte("through the fifo")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the fifo" {
		t.Errorf("the FIFO's reader got %q", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v, %v", fi.Mode(), err)
	}

	plain := filepath.Join(dir, "plain.json")
	if err := os.WriteFile(plain, []byte("a much longer old report"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeAtomic(plain, []byte("short")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(plain); string(b) != "short" {
		t.Errorf("the regular file holds %q", b)
	}
	if _, err := os.Stat(plain + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left: %v", err)
	}
}
