package configparams

import (
	"strings"
	"testing"
)

// TestHTTPSection: http.listen takes host:port or off, http.public_url an
// http(s) URL; bad values name the line and say what is wanted.
func TestHTTPSection(t *testing.T) {
	dir := t.TempDir()
	p := writeConfig(t, dir, "http:\n  listen: off\n  public_url: https://agent.example.com/x\n")
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Listen != "off" || c.HTTP.PublicURL != "https://agent.example.com/x" || c.Sources["http.listen"] != p+":2" {
		t.Errorf("HTTP = %+v, sources %q", c.HTTP, c.Sources["http.listen"])
	}
	for content, want := range map[string]string{
		"http:\n  listen: \"8080\"\n":              ":2:11: http.listen: \"8080\" is not host:port (e.g. 127.0.0.1:1883) or off",
		"http:\n  public_url: ftp://x\n":           ":2:15: http.public_url: \"ftp://x\" is not an http:// or https:// URL without query",
		"http:\n  public_url: https://x/?a=1\n":    "is not an http:// or https:// URL without query",
		"http:\n  lisen: 127.0.0.1:0\n":            `unknown key "lisen" (did you mean "listen"?)`,
		"limits:\n  http: {rate: 5/day}\n":         `limits.http.rate: "5/day" is not a rate`,
		"limits:\n  http: {rate: 1/s, burst: 0}\n": `limits.http.burst: "0" is not a whole number >= 1`,
	} {
		p := writeConfig(t, dir, content)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to contain %q", content, err, want)
		}
	}
	c = Default()
	if err := c.Set("http.listen", "127.0.0.1:9000", "flag --http"); err != nil || c.HTTP.Listen != "127.0.0.1:9000" || c.Sources["http.listen"] != "flag --http" {
		t.Errorf("Set: %v, %+v", err, c.HTTP)
	}
	if err := c.Set("http.listen", "nope", "flag --http"); err == nil || !strings.Contains(err.Error(), "flag --http") {
		t.Errorf("Set(nope): %v", err)
	}
}
