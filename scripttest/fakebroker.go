package scripttest

import (
	"net"
	"sync"

	"github.com/agenthost/agenthost/agentapi/mqttconn"
	"github.com/dop251/goja"
)

// fakeBrokers are a test file's scripted brokers: this.fakeBroker(fn)
// listens on a free port of 127.0.0.1 and hands every connection it
// accepts to fn as the server side of an MqttConnection, whose events are
// the packets the agent sends and whose methods answer exactly as the test
// says (a CONNACK with code 3, a SUBACK with 0x80, nothing at all...). It
// returns the broker's URL, tcp://127.0.0.1:port; the session's routes send
// the agent's connects to that address there, although the embedded
// broker gets every other connect. The brokers live until the file's
// tests end.
type fakeBrokers struct {
	r      *fileRun
	server *mqttconn.Server // made on first use
	wg     sync.WaitGroup   // accept loops

	mu        sync.Mutex // guards listeners and closed (accept loops read closed)
	listeners []net.Listener
	removes   []func()
	closed    bool
}

func newFakeBrokers(r *fileRun) *fakeBrokers { return &fakeBrokers{r: r} }

// start is this.fakeBroker(onConnection). Loop only.
func (f *fakeBrokers) start(call goja.FunctionCall) goja.Value {
	rt := f.r.rt
	fn, ok := goja.AssertFunction(call.Argument(0))
	if !ok {
		panic(rt.NewTypeError("fakeBroker: argument 'onConnection' must be a function(conn), got " + f.r.sess.Env.Format(call.Argument(0))))
	}
	if f.server == nil {
		f.server = mqttconn.NewServer(f.r.sess.Env, f.r.driver.reached)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(rt.NewGoError(err))
	}
	addr := ln.Addr().String()
	f.mu.Lock()
	f.listeners = append(f.listeners, ln)
	f.removes = append(f.removes, f.r.sess.Routes.Add(addr, "fake broker"))
	f.mu.Unlock()
	f.wg.Add(1)
	go f.accept(ln, fn)
	return rt.ToValue("tcp://" + addr)
}

// accept hands each connection to the loop. Its own goroutine.
func (f *fakeBrokers) accept(ln net.Listener, fn goja.Callable) {
	defer f.wg.Done()
	for {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		posted := f.r.hold.Load().Post(func() {
			f.mu.Lock()
			closed := f.closed
			f.mu.Unlock()
			if closed {
				nc.Close()
				return
			}
			f.r.sess.Loop.Call(fn, goja.Undefined(), f.server.Accept(nc))
		})
		if !posted {
			nc.Close()
		}
	}
}

// close stops the listeners and closes their connections, once the loop
// has stopped.
func (f *fakeBrokers) close() {
	f.mu.Lock()
	f.closed = true
	for _, ln := range f.listeners {
		ln.Close()
	}
	for _, remove := range f.removes {
		remove()
	}
	f.mu.Unlock()
	f.wg.Wait()
	if f.server != nil {
		f.server.Close()
	}
}
