package hostlog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestTextLinesSplitByLevel(t *testing.T) {
	var out, errOut bytes.Buffer
	at := time.Date(2026, 11, 23, 18, 14, 0, 123_000_000, time.UTC)
	c := NewClocked(NewHandler(&out, &errOut, false, nil), func() time.Time { return at })
	c.Agent("hello")
	c.Status("note")
	c.AgentError("bad")
	c.StatusWarn("careful")
	wantOut := "2026-11-23 18:14:00.123 +00:00 [Agent] hello\n" +
		"2026-11-23 18:14:00.123 +00:00 [Status] note\n" +
		"2026-11-23 18:14:00.123 +00:00 [Status] WARNING: careful\n"
	if out.String() != wantOut {
		t.Fatalf("stdout:\n%s\nwant:\n%s", out.String(), wantOut)
	}
	if want := "2026-11-23 18:14:00.123 +00:00 [Agent] ERROR: bad\n"; errOut.String() != want {
		t.Fatalf("stderr: %q want %q", errOut.String(), want)
	}
}

func TestJSONLines(t *testing.T) {
	var out, errOut bytes.Buffer
	at := time.Date(2026, 11, 23, 18, 14, 0, 0, time.UTC)
	c := NewClocked(NewHandler(&out, &errOut, true, nil), func() time.Time { return at })
	c.Agent(`say "hi"`)
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %q: %v", out.String(), err)
	}
	if got["msg"] != `say "hi"` || got["source"] != "Agent" || got["level"] != "INFO" || got["time"] != "2026-11-23 18:14:00.000 +00:00" {
		t.Fatalf("got %v", got)
	}
	if errOut.Len() != 0 {
		t.Fatalf("stderr not empty: %q", errOut.String())
	}
}

// TestOneRecordOneLine: in text, a message with newlines, tabs, NUL,
// ANSI escapes or bytes that are not UTF-8 stays on one line and cannot
// drive the terminal; JSON keeps the string as it is.
func TestOneRecordOneLine(t *testing.T) {
	var out, js bytes.Buffer
	at := time.Date(2026, 11, 23, 18, 14, 0, 123_000_000, time.UTC)
	msg := "a\nb\tc\x00d\x1b[31mred\x1b[0m é\r\xff\u0085\u2028end"
	NewClocked(NewHandler(&out, &out, false, nil), func() time.Time { return at }).Agent(msg)
	want := `2026-11-23 18:14:00.123 +00:00 [Agent] a\nb\tc\x00d\x1b[31mred\x1b[0m é\r\xff\u0085\u2028end` + "\n"
	if out.String() != want {
		t.Fatalf("text:\n got %q\nwant %q", out.String(), want)
	}
	NewClocked(NewHandler(&js, &js, true, nil), func() time.Time { return at }).Agent("a\nb")
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil || got["msg"] != "a\nb" || got["time"] != "2026-11-23 18:14:00.123 +00:00" ||
		strings.Count(js.String(), "\n") != 1 {
		t.Fatalf("json %q: %v", js.String(), err)
	}
}
