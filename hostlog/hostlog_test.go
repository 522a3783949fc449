package hostlog

import (
	"bytes"
	"encoding/json"
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
	if got["msg"] != `say "hi"` || got["source"] != "Agent" || got["level"] != "INFO" || got["time"] != "2026-11-23T18:14:00Z" {
		t.Fatalf("got %v", got)
	}
	if errOut.Len() != 0 {
		t.Fatalf("stderr not empty: %q", errOut.String())
	}
}
