package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agenthost/agenthost/exitcode"
	paho "github.com/eclipse/paho.mqtt.golang"
)

// TestBrokerServesUntilInterrupted: the broker listens where --listen
// says, carries a message between two clients, and stops on a signal with
// exit 0.
func TestBrokerServesUntilInterrupted(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	r := c.start("broker", "--listen", "127.0.0.1:0")
	l := c.stdout.await(t, "listening line", func(l string) bool { return strings.HasPrefix(l, "[Status] embedded broker listening on ") })
	addr := strings.TrimPrefix(l, "[Status] embedded broker listening on ")

	cl := paho.NewClient(paho.NewClientOptions().AddBroker("tcp://" + addr).SetClientID("t").SetAutoReconnect(false))
	if tok := cl.Connect(); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("connect to %s: %v", addr, tok.Error())
	}
	got := make(chan string, 1)
	if tok := cl.Subscribe("a/b", 1, func(_ paho.Client, m paho.Message) { got <- string(m.Payload()) }); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	if tok := cl.Publish("a/b", 1, false, "hello"); !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
	select {
	case m := <-got:
		if m != "hello" {
			t.Fatalf("received %q", m)
		}
	case <-time.After(waitLimit):
		t.Fatal("the broker did not deliver the message")
	}
	cl.Disconnect(100)

	if n := c.signals.send(syscall.SIGTERM); n != 1 {
		t.Fatalf("%d signal channels registered, want 1", n)
	}
	code := r.wait()
	c.expect(code, exitcode.OK, []string{"[Status] embedded broker stopped"}, nil)
	if n := c.signals.registered(); n != 0 {
		t.Fatalf("%d signal channels still registered after the command ended", n)
	}
}

func TestBrokerListenFromConfigInWorkingDirectory(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	busy := busyAddr(t)
	c.write("agenthost.yaml", "embedded:\n  listen: "+busy+"\n")
	code := c.run("broker")
	c.expect(code, exitcode.Host, nil, []string{"agenthost: ", busy, "address already in use", "\nTry: choose another address with --listen, e.g. --listen 127.0.0.1:1884\n"})
}

func TestBrokerAddressInUseIsAHostError(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	busy := busyAddr(t)
	code := c.run("broker", "--listen", busy)
	c.expect(code, exitcode.Host, nil, []string{"address already in use", "\nTry: choose another address with --listen"})
	if n := count(c.stderr.String(), "address already in use"); n != 1 {
		t.Fatalf("the error is printed %d times", n)
	}
}

func TestBrokerUsageErrors(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	code := c.run("broker", "--listen", "nonsense")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: flag --listen: embedded.listen: "})

	c = newCLI(t)
	c.write("agenthost.yaml", "embedded:\n  listn: 127.0.0.1:0\n")
	code = c.run("broker")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: " + c.path("agenthost.yaml") + ":2:3: ", `unknown key "listn"`})

	c = newCLI(t)
	code = c.run("broker", "extra")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost broker: unexpected argument \"extra\"\n"})

	c = newCLI(t)
	c.env["AGENTHOST_LOG_FORMAT"] = "xml"
	code = c.run("broker", "--listen", "127.0.0.1:0")
	c.expect(code, exitcode.Usage, nil, []string{"agenthost: env AGENTHOST_LOG_FORMAT: log_format: "})
}
