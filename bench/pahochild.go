package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// The paho baseline runs, like agenthost and Node.js, in a process of its
// own: the harness binary re-executed with -pahochild inbound|outbound and
// the same JSON parameters as the Node.js scripts. It speaks the same
// protocol on stdout ("ready", "count C B", "done A B"), so that the three
// subjects are timed identically and the baseline does not share the
// harness's CPU time and garbage collector with the publisher and the
// embedded broker.

func pahoChild(mode, js string) error {
	var p params
	if err := json.Unmarshal([]byte(js), &p); err != nil {
		return fmt.Errorf("parameters: %v", err)
	}
	o := paho.NewClientOptions().AddBroker(p.URL).SetClientID(p.ClientID).
		SetCleanSession(true).SetAutoReconnect(false).SetConnectRetry(false).
		SetProtocolVersion(4).SetKeepAlive(60 * time.Second).SetConnectTimeout(10 * time.Second).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			fmt.Fprintln(os.Stderr, "connection lost:", err)
		})
	c := paho.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		return fmt.Errorf("connect: %v", tok.Error())
	}
	defer c.Disconnect(250)

	switch mode {
	case "inbound":
		var count, nbytes atomic.Int64
		var finished atomic.Bool
		n := int64(p.N)
		handler := func(_ paho.Client, m paho.Message) {
			b := nbytes.Add(int64(len(m.Payload())))
			switch cnt := count.Add(1); cnt {
			case n:
				finished.Store(true)
				fmt.Printf("done %d %d\n", cnt, b)
			case n + 1:
				fmt.Fprintf(os.Stderr, "more than %d messages\n", n)
			}
		}
		if err := subscribeGranted(c, p.Topic, byte(p.QoS), handler); err != nil {
			return err
		}
		fmt.Println("ready")
		go func() {
			for range time.Tick(time.Second) {
				if !finished.Load() {
					fmt.Printf("count %d %d\n", count.Load(), nbytes.Load())
				}
			}
		}()
	case "outbound":
		var started atomic.Bool
		payload := bytes.Repeat([]byte{'x'}, p.Size)
		handler := func(_ paho.Client, m paho.Message) {
			if m.Topic() != p.GoTopic || started.Swap(true) {
				return
			}
			go func() {
				toks := make([]paho.Token, p.N)
				for i := range toks {
					toks[i] = c.Publish(p.Topic, byte(p.QoS), false, payload)
				}
				ok := 0
				for _, tok := range toks {
					tok.Wait()
					if tok.Error() == nil {
						ok++
					}
				}
				fmt.Printf("done %d %d\n", ok, p.N-ok)
			}()
		}
		if err := subscribeGranted(c, p.GoTopic, 1, handler); err != nil {
			return err
		}
		fmt.Println("ready")
	default:
		return fmt.Errorf("unknown mode %q", mode)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	return nil
}

func subscribeGranted(c paho.Client, topic string, qos byte, h paho.MessageHandler) error {
	tok := c.Subscribe(topic, qos, h)
	if !tok.WaitTimeout(15*time.Second) || tok.Error() != nil {
		return fmt.Errorf("subscribe %s: %v", topic, tok.Error())
	}
	if g := tok.(*paho.SubscribeToken).Result()[topic]; g != qos {
		return fmt.Errorf("subscribe %s: granted QoS %d, want %d", topic, g, qos)
	}
	return nil
}
