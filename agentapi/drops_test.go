package agentapi

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agenthost/agenthost/hostlog"
	"github.com/agenthost/agenthost/scriptvm"
)

// TestUndeliveredMessagesAreCounted: messages that reach the host but not
// the script are counted by reason and reported when the run ends.
func TestUndeliveredMessagesAreCounted(t *testing.T) {
	loop := scriptvm.New(scriptvm.Options{})
	var out bytes.Buffer
	log := hostlog.NewClocked(hostlog.NewHandler(&out, &out, false, nil), time.Now)
	api, err := Install(Options{Loop: loop, Log: log, ConfigParams: map[string]any{"deviceid": "00000000000000cc"},
		SaveFile: t.TempDir() + "/s.json", Resolve: func(*url.URL) (Target, error) { return Target{URL: "tcp://127.0.0.1:1"}, nil },
		Limits: Limits{Log: off, Outbound: off, Inbound: off}})
	if err != nil {
		t.Fatal(err)
	}
	prg, err := scriptvm.Compile("a.js", `var c = mqtt.createclient();`)
	if err != nil {
		t.Fatal(err)
	}
	msg := &fakeMessage{topic: "t", payload: []byte("x")}
	ctx, cancel := context.WithCancel(context.Background())
	loop.Enqueue(func() {
		c := loop.Runtime().Get("c").Export().(*mqttClient)
		c.state = stateConnected
		for i := 0; i < 3; i++ {
			c.deliverMessage(c.gen, msg) // no onmessage handler
		}
		c.deliverMessage(c.gen-1, msg) // from an earlier connection
		cancel()
	})
	if _, err := loop.Run(ctx, prg, scriptvm.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	api.Close()
	for _, want := range []string{
		"WARNING: 3 inbound message(s) not delivered to the script: no onmessage handler was registered",
		"WARNING: 1 inbound message(s) not delivered to the script: it arrived after its connection had ended",
	} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("output lacks %q:\n%s", want, out.String())
		}
	}
	if d := api.Dropped(); d["no onmessage handler was registered"] != 3 {
		t.Fatalf("Dropped() = %v", d)
	}
}

// TestLossBeforeConnectResultKeepsItsReason: a loss reported before the
// connect result (paho's goroutines race) is delivered after onconnect(0)
// with its own reason, not as -1.
func TestLossBeforeConnectResultKeepsItsReason(t *testing.T) {
	loop := scriptvm.New(scriptvm.Options{})
	var out bytes.Buffer
	log := hostlog.NewClocked(hostlog.NewHandler(&out, &out, false, nil), time.Now)
	if _, err := Install(Options{Loop: loop, Log: log, ConfigParams: map[string]any{"deviceid": "00000000000000dd"},
		SaveFile: t.TempDir() + "/s.json", Resolve: func(*url.URL) (Target, error) { return Target{URL: "tcp://127.0.0.1:1"}, nil },
		Limits: Limits{Log: off, Outbound: off, Inbound: off}}); err != nil {
		t.Fatal(err)
	}
	prg, err := scriptvm.Compile("a.js", `var c = mqtt.createclient();
c.onconnect(function (rc) { server.log("connect " + rc); });
c.onconnectionlost(function (r) { server.log("lost " + r); });`)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	loop.Enqueue(func() {
		c := loop.Runtime().Get("c").Export().(*mqttClient)
		c.state = stateConnecting
		c.deliverLost(c.gen, lostBadPacket) // arrives first
		c.deliverConnect(c.gen, codeSuccess)
		cancel()
	})
	if _, err := loop.Run(ctx, prg, scriptvm.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.Contains(got, "[Agent] connect 0\n") || !strings.Contains(got, "[Agent] lost -4\n") {
		t.Fatalf("output:\n%s", got)
	}
}
