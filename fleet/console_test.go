package fleet

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestConsoleRedrawsTheSummaryBelowLogLinesOnATerminal(t *testing.T) {
	var out, errOut bytes.Buffer
	c := &console{stdout: &out, stderr: &errOut, terminal: true}
	c.out().Write([]byte("before any summary\n"))
	c.setStatus("3s: started 2/2")
	c.out().Write([]byte("an agent line\n"))
	c.errOut().Write([]byte("an error line\n"))
	c.setStatus("4s: started 2/2")
	c.endStatus()
	want := "before any summary\n" +
		clearSeq + "3s: started 2/2" +
		clearSeq + "an agent line\n" + "3s: started 2/2" +
		clearSeq + "3s: started 2/2" + // around the stderr line
		clearSeq + "4s: started 2/2" +
		clearSeq
	if out.String() != want {
		t.Errorf("stdout %q\nwant   %q", out.String(), want)
	}
	if errOut.String() != "an error line\n" {
		t.Errorf("stderr %q", errOut.String())
	}
}

func TestConsoleWritesNoControlCharactersOffATerminal(t *testing.T) {
	var out bytes.Buffer
	c := &console{stdout: &out, stderr: &out}
	c.setStatus("3s: started 2/2")
	c.out().Write([]byte("line\n"))
	c.endStatus()
	if out.String() != "line\n" {
		t.Errorf("output %q", out.String())
	}
}

func TestStatusLine(t *testing.T) {
	f := &fleet{}
	now := Totals{Agents: 10000, Started: 2500, Connected: 2400, In: 123456, Out: 3000, Refused: 5, Errors: 2}
	prev := Totals{In: 23456, Out: 1000}
	got := f.statusLine(now, prev, 2*time.Second, 25*time.Second+400*time.Millisecond)
	want := "25s: started 2,500/10,000, connected 2,400, in 123,456 (50,000/s), out 3,000 (1,000/s), refused 5, errors 2"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if s := now.Summary(); s != "10,000 agents: 2,500 started, 2,400 connected, 0 connects, 0 lost, 123,456 messages in, 3,000 out, 5 refused, 2 errors, 0 failed" {
		t.Errorf("summary %q", s)
	}
}

func TestPeriodicSummaryLinesOffATerminal(t *testing.T) {
	r := startFleet(t, `imp.wakeup(3600, function () {});`, "", func(o *Options) { o.Agents, o.StatusEvery = 2, 30*time.Millisecond })
	re := regexp.MustCompile(`^\[Fleet\] status: \d+s: started 2/2, connected 0, in 0 \(0/s\), out 0 \(0/s\), refused 0, errors 0$`)
	r.out.waitCount(t, re, 3)
	r.stop(t)
	for _, s := range r.out.snapshot() {
		if strings.ContainsAny(s, "\r\x1b") {
			t.Errorf("control characters in %q", s)
		}
	}
}

func TestLiveSummaryInPlaceOnATerminal(t *testing.T) {
	r := startFleet(t, `imp.wakeup(3600, function () {});`, "", func(o *Options) {
		o.Agents, o.StatusEvery, o.Terminal = 2, 30*time.Millisecond, true
	})
	re := regexp.MustCompile(`\r\x1b\[K\d+s: started 2/2, connected 0, in 0 \(0/s\)`)
	deadline := time.Now().Add(waitLimit)
	for len(re.FindAllString(strings.Join(r.out.snapshot(), "\n")+r.out.partialText(), -1)) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("no summary redrawn in place: %q", r.out.partialText())
		}
		select {
		case <-r.out.changed:
		case <-time.After(time.Second):
		}
	}
	r.stop(t)
	if lines := r.out.count(regexp.MustCompile(`\[Fleet\] status:`)); lines != 0 {
		t.Errorf("%d periodic lines on a terminal", lines)
	}
}
