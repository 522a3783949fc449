package host

import (
	"net/url"
	"sync"

	"github.com/agenthost/agenthost/agentapi/mqtt"
)

// Routes are addresses that connects reach directly, whatever the config's
// broker says: the fake brokers a test starts (scripttest). With the
// default "broker: embedded" every connect goes to the embedded broker,
// except a connect to host:port of a route, which goes there, over plain
// TCP, with a [Status] note naming the route. Safe for concurrent use.
type Routes struct {
	mu sync.Mutex
	m  map[string]string // host:port -> what listens there, for the note
}

// Add routes connects to addr (host:port, exactly as a URL names it) to
// addr itself; name says what listens there ("fake broker"). The returned
// function removes the route.
func (r *Routes) Add(addr, name string) (remove func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]string{}
	}
	r.m[addr] = name
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.m, addr)
	}
}

func (r *Routes) lookup(addr string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	name, ok := r.m[addr]
	return name, ok
}

// resolver wraps next so that routed addresses go where they are.
func (r *Routes) resolver(next mqtt.Resolver) mqtt.Resolver {
	return func(u *url.URL) (mqtt.Target, error) {
		name, ok := r.lookup(u.Host)
		if !ok {
			return next(u)
		}
		note := u.Redacted() + " -> " + name + " " + u.Host
		if u.Scheme != "tcp" {
			note += " (plain TCP: a " + name + " speaks nothing else)"
		}
		return mqtt.Target{URL: "tcp://" + u.Host, Note: note}, nil
	}
}
