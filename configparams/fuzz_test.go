package configparams

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: any file content either loads or gives an error that names the
// file; nothing panics. The seeds run in every `go test`.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		"", "broker: embedded\n", "brokr: x\n", "limits:\n  log: {rate: 100/min, burst: 6000}\n",
		"embedded:\n  users: [a, b]\n", "configparams: {deviceid: 12345}\n", "a: &x [*x]\n",
		"limits:\n  message_size: 99999999999999999999\n", "\t- tab\n", "---\n---\n",
		"limits:\n  cpu_per_callback: -1s\n", "tls: {ca: \"\\x00\"}\n",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(dir, "agenthost.yaml")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			if !strings.Contains(err.Error(), "agenthost.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if verr := c.Validate(); verr != nil {
			t.Fatalf("Load accepted a config that Validate rejects: %v", verr)
		}
	})
}

// FuzzParseRateAndSize: the parsers never panic and never return a
// non-positive value without an error (other than off).
func FuzzParseRateAndSize(f *testing.F) {
	for _, s := range []string{"100/min", "10/s", "2/h", "off", "0/s", "-1/s", "1e309/s", "256KiB", "1MiB", "0", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseRate(s); err == nil && s != "off" && !(r > 0) {
			t.Fatalf("ParseRate(%q) = %v without error", s, r)
		}
		if n, err := ParseSize(s); err == nil && s != "off" && n <= 0 {
			t.Fatalf("ParseSize(%q) = %v without error", s, n)
		}
	})
}
