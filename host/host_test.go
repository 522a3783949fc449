package host

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSaveFileStaysInTheStateDirectory(t *testing.T) {
	for _, id := range []string{"30000c2a690cd0e8", "../../etc/passwd", "a/b", "..", "x\x00y", `c:\windows`} {
		name := saveFileName(id)
		if strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") || filepath.Base(name) != name {
			t.Errorf("device id %q gives file name %q", id, name)
		}
	}
	if got := saveFileName("30000c2a690cd0e8"); got != "save-30000c2a690cd0e8.json" {
		t.Errorf("ordinary id: %q", got)
	}
}
