package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Subjects of a comparison.
const (
	subjPaho  = "paho"      // plain paho Go client: the harness binary with -pahochild
	subjAgent = "agenthost" // the agenthost binary running a bench/scripts/*.js agent
	subjNode  = "node"      // Node.js running a bench/node/*.js script with MQTT.js
)

const (
	topicIn  = "bench/in"
	topicOut = "bench/out"
	topicGo  = "bench/go"
)

// pahoClient connects a plain paho client to t.
func (h *harness) pahoClient(t *target, id string) (paho.Client, error) {
	o := paho.NewClientOptions().AddBroker(t.url()).SetClientID(id).
		SetCleanSession(true).SetAutoReconnect(false).SetConnectRetry(false).
		SetProtocolVersion(4).SetConnectTimeout(10 * time.Second).
		// Bounds a Publish blocked on a dead connection; never reached in a healthy run.
		SetWriteTimeout(h.timeout)
	c := paho.NewClient(o)
	tok := c.Connect()
	if !tok.WaitTimeout(15 * time.Second) {
		return nil, fmt.Errorf("paho %s: connect timed out", id)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("paho %s: connect: %v", id, err)
	}
	return c, nil
}

// counter is a paho subscriber that counts messages and payload bytes and
// notes the time at which the n-th message arrived.
type counter struct {
	n      int64
	count  atomic.Int64
	bytes  atomic.Int64
	doneAt chan time.Time
}

func newCounter(n int) *counter { return &counter{n: int64(n), doneAt: make(chan time.Time, 1)} }

func (c *counter) handle(_ paho.Client, m paho.Message) {
	c.bytes.Add(int64(len(m.Payload())))
	if c.count.Add(1) == c.n {
		c.doneAt <- time.Now()
	}
}

// subscribe connects a counting subscriber to topic at qos.
func (h *harness) subscribe(t *target, id, topic string, qos byte, c *counter) (paho.Client, error) {
	sub, err := h.pahoClient(t, id)
	if err != nil {
		return nil, err
	}
	tok := sub.Subscribe(topic, qos, c.handle)
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		sub.Disconnect(0)
		return nil, fmt.Errorf("paho %s: subscribe %s: %v", id, topic, tok.Error())
	}
	if g := tok.(*paho.SubscribeToken).Result()[topic]; g != qos {
		sub.Disconnect(0)
		return nil, fmt.Errorf("paho %s: subscribe %s: granted QoS %d, want %d", id, topic, g, qos)
	}
	return sub, nil
}

// wait returns when the n-th message arrived, failing at the deadline with
// the count so far.
func (c *counter) wait(deadline time.Time) (time.Time, error) {
	select {
	case at := <-c.doneAt:
		return at, nil
	case <-time.After(time.Until(deadline)):
		return time.Time{}, fmt.Errorf("%w: %d of %d messages received, %d missing", errTimeout, c.count.Load(), c.n, c.n-c.count.Load())
	}
}

// publishN publishes n messages in a loop as fast as paho takes them, then
// waits for every token (QoS 0: written; QoS 1: PUBACK).
func publishN(c paho.Client, topic string, qos byte, payload []byte, n int, deadline time.Time) error {
	toks := make([]paho.Token, n)
	for i := range toks {
		toks[i] = c.Publish(topic, qos, false, payload)
	}
	for i, tok := range toks {
		if !tok.WaitTimeout(time.Until(deadline)) {
			return fmt.Errorf("publisher: %w: %d of %d publishes complete", errTimeout, i, n)
		}
		if err := tok.Error(); err != nil {
			return fmt.Errorf("publisher: message %d of %d: %v", i+1, n, err)
		}
	}
	return nil
}

// params are what a benchmark script gets: configparams for agenthost
// (plus url), one JSON argument for Node.js.
type params struct {
	URL      string `json:"url"`
	ClientID string `json:"clientid"`
	N        int    `json:"n,omitempty"`
	QoS      int    `json:"qos"`
	Size     int    `json:"size,omitempty"`
	Topic    string `json:"topic,omitempty"`
	GoTopic  string `json:"gotopic,omitempty"`
}

// startScript starts script ("inbound", "outbound", "startup" or "idle")
// for subj against t (paho: inbound and outbound only).
func (h *harness) startScript(t *target, subj, script string, p params, extra ...string) (*proc, error) {
	p.URL = t.url()
	switch subj {
	case subjPaho:
		js, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		return startProc("paho "+script, h.tmp, self, "-pahochild", script, "-pahochild-params", string(js))
	case subjAgent:
		cfg, err := h.agentConfig(p)
		if err != nil {
			return nil, err
		}
		argv := append([]string{h.agentBin, "run", filepath.Join(h.benchDir, "scripts", script+".js"),
			"--broker", t.url(), "--config", cfg}, extra...)
		return startProc("agenthost "+script+".js", h.tmp, argv...)
	case subjNode:
		js, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		return startProc("node "+script+".js", filepath.Join(h.benchDir, "node"),
			h.nodeBin, script+".js", string(js))
	}
	return nil, fmt.Errorf("no script runner for %s", subj)
}

// agentConfig writes the config file of one agenthost run: every limit off,
// the parameters as configparams, state in the harness's temp directory.
func (h *harness) agentConfig(p params) (string, error) {
	id := h.nextID()
	var b bytes.Buffer
	fmt.Fprintf(&b, "configparams:\n  deviceid: %q\n  clientid: %q\n  qos: %d\n", fmt.Sprintf("%016x", id), p.ClientID, p.QoS)
	if p.N > 0 {
		fmt.Fprintf(&b, "  n: %d\n", p.N)
	}
	if p.Size > 0 {
		fmt.Fprintf(&b, "  size: %d\n", p.Size)
	}
	if p.Topic != "" {
		fmt.Fprintf(&b, "  topic: %q\n", p.Topic)
	}
	if p.GoTopic != "" {
		fmt.Fprintf(&b, "  gotopic: %q\n", p.GoTopic)
	}
	fmt.Fprintf(&b, "state_dir: %q\n", filepath.Join(h.tmp, "state"))
	b.WriteString("limits: {log: off, mqtt_outbound: off, mqtt_inbound: off, message_size: off}\n")
	path := filepath.Join(h.tmp, fmt.Sprintf("agent-%d.yaml", id))
	return path, os.WriteFile(path, b.Bytes(), 0o644)
}

func isReady(s string) bool { return s == "ready" }
func isDone(s string) bool  { return strings.HasPrefix(s, "done ") }

// scriptFailed recognises the failure lines the scripts print to stdout.
// (server.error lines go to stderr and end up in the error message.)
func scriptFailed(s string) bool {
	return strings.HasPrefix(s, "ERROR:") || strings.Contains(s, "agent stopped")
}

// doneFields parses "done A B".
func doneFields(line string) (a, b int64, err error) {
	f := strings.Fields(line)
	if len(f) != 3 {
		return 0, 0, fmt.Errorf("malformed line %q", line)
	}
	a, err1 := strconv.ParseInt(f[1], 10, 64)
	b, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("malformed line %q", line)
	}
	return a, b, nil
}

// inbound measures one run: the harness publishes n messages of size bytes
// at qos to bench/in; subj receives them. The time runs from the first
// publish to the subscriber's report that it has all n. cpu is the CPU
// time the subscriber process used from its "ready" line to its "done"
// line, per message, in µs.
func (h *harness) inbound(t *target, subj string, qos byte, size, n int) (rate, cpu float64, err error) {
	deadline := time.Now().Add(h.timeout)
	id := strconv.Itoa(h.nextID())
	pub, err := h.pahoClient(t, "bench-pub-"+id)
	if err != nil {
		return 0, 0, err
	}
	defer pub.Disconnect(0)

	p, err := h.startScript(t, subj, "inbound", params{ClientID: "bench-sub-" + id, N: n, QoS: int(qos), Topic: topicIn})
	if err != nil {
		return 0, 0, err
	}
	defer p.stop()
	if _, err := p.waitFor(`"ready"`, isReady, scriptFailed, deadline); err != nil {
		return 0, 0, err
	}
	m0, err := markCPU(p.cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	waitDone := func() (time.Time, error) {
		l, err := p.waitFor(`"done"`, isDone, scriptFailed, deadline)
		if errors.Is(err, errTimeout) {
			if last := p.lastLine("count "); last != "" {
				err = fmt.Errorf("%w (last progress line: %q of %d messages)", err, last, n)
			} else {
				err = fmt.Errorf("%w (no progress line: fewer than 1 s of receiving)", err)
			}
		}
		if err != nil {
			return time.Time{}, err
		}
		count, nbytes, err := doneFields(l.msg)
		if err == nil && (count != int64(n) || nbytes != int64(n*size)) {
			err = fmt.Errorf("%s reported %d messages / %d bytes, want %d / %d", p.name, count, nbytes, n, n*size)
		}
		return l.at, err
	}
	payload := bytes.Repeat([]byte{'x'}, size)
	pubErr := make(chan error, 1)
	t0 := time.Now()
	go func() { pubErr <- publishN(pub, topicIn, qos, payload, n, deadline) }()
	at, err := waitDone()
	if err != nil {
		pub.Disconnect(0) // ends a publisher still blocked
		<-pubErr
		return 0, 0, err
	}
	m1, err := markCPU(p.cmd.Process.Pid)
	if err != nil {
		return 0, 0, err
	}
	if err := <-pubErr; err != nil {
		return 0, 0, err
	}
	return float64(n) / at.Sub(t0).Seconds(), perMessage(cpuSince(m0, m1), n), nil
}

// perMessage is d / n in µs.
func perMessage(d time.Duration, n int) float64 {
	return float64(d) / float64(time.Microsecond) / float64(n)
}

// outbound measures one run: subj publishes n messages of 64 bytes at qos
// to bench/out in a loop; a paho subscriber in the harness counts them.
// It returns the rate until every publish was complete for its QoS (sent)
// and until the harness subscriber had all n (delivered). The time starts
// when the harness publishes the trigger message on bench/go. cpu is the
// CPU time the publisher process used from its "ready" line to its "done"
// line (trigger, n publishes, n callbacks), per message, in µs.
func (h *harness) outbound(t *target, subj string, qos byte, n int) (sent, delivered, cpu float64, err error) {
	const size = 64
	deadline := time.Now().Add(h.timeout)
	id := strconv.Itoa(h.nextID())
	c := newCounter(n)
	sub, err := h.subscribe(t, "bench-sub-"+id, topicOut, qos, c)
	if err != nil {
		return 0, 0, 0, err
	}
	defer sub.Disconnect(0)
	pub, err := h.pahoClient(t, "bench-pub-"+id)
	if err != nil {
		return 0, 0, 0, err
	}
	defer pub.Disconnect(0)

	p, err := h.startScript(t, subj, "outbound", params{ClientID: "bench-pub-script-" + id, N: n, QoS: int(qos), Size: size, Topic: topicOut, GoTopic: topicGo})
	if err != nil {
		return 0, 0, 0, err
	}
	defer p.stop()
	if _, err := p.waitFor(`"ready"`, isReady, scriptFailed, deadline); err != nil {
		return 0, 0, 0, err
	}
	m0, err := markCPU(p.cmd.Process.Pid)
	if err != nil {
		return 0, 0, 0, err
	}
	t0 := time.Now()
	pub.Publish(topicGo, 1, false, "go")
	l, err := p.waitFor(`"done"`, isDone, scriptFailed, deadline)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%w (harness subscriber had %d of %d)", err, c.count.Load(), n)
	}
	ok, failed, err := doneFields(l.msg)
	if err == nil && (ok != int64(n) || failed != 0) {
		err = fmt.Errorf("%s: %d of %d callbacks reported success, %d failures", p.name, ok, n, failed)
	}
	if err != nil {
		return 0, 0, 0, err
	}
	tSent := l.at
	m1, err := markCPU(p.cmd.Process.Pid)
	if err != nil {
		return 0, 0, 0, err
	}
	tDel, err := c.wait(deadline)
	if err != nil {
		return 0, 0, 0, err
	}
	if c.bytes.Load() != int64(n*size) {
		return 0, 0, 0, fmt.Errorf("harness subscriber received %d payload bytes, want %d", c.bytes.Load(), n*size)
	}
	if tDel.Before(tSent) {
		tDel = tSent // the last message can arrive before the last callback is reported
	}
	return float64(n) / tSent.Sub(t0).Seconds(), float64(n) / tDel.Sub(t0).Seconds(), perMessage(cpuSince(m0, m1), n), nil
}

// startup measures the wall time from starting the process to its
// "connected" line (printed in onconnect(0) / on the CONNACK).
func (h *harness) startup(t *target, subj string) (float64, error) {
	deadline := time.Now().Add(h.timeout)
	id := strconv.Itoa(h.nextID())
	p, err := h.startScript(t, subj, "startup", params{ClientID: "bench-start-" + id}, "--until-idle")
	if err != nil {
		return 0, err
	}
	defer p.stop()
	l, err := p.waitFor(`"connected"`, func(s string) bool { return s == "connected" }, scriptFailed, deadline)
	if err != nil {
		return 0, err
	}
	p.wait(10 * time.Second) // it disconnects and exits by itself
	return float64(l.at.Sub(p.start)) / float64(time.Millisecond), nil
}

// rssSettle is how long an idle agent runs after connecting before its RSS
// is read: a measurement settling time, not synchronisation.
const rssSettle = time.Second

// idleRSS measures the resident set of one idle connected agent process.
func (h *harness) idleRSS(t *target, subj string) (float64, error) {
	deadline := time.Now().Add(h.timeout)
	id := strconv.Itoa(h.nextID())
	p, err := h.startScript(t, subj, "idle", params{ClientID: "bench-idle-" + id})
	if err != nil {
		return 0, err
	}
	defer p.stop()
	if _, err := p.waitFor(`"connected"`, func(s string) bool { return s == "connected" }, scriptFailed, deadline); err != nil {
		return 0, err
	}
	time.Sleep(rssSettle)
	rss, err := vmRSS(p.cmd.Process.Pid)
	if err != nil {
		return 0, err
	}
	return float64(rss) / (1 << 20), nil
}
