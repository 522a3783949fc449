package host

import (
	"time"

	"github.com/agenthost/agenthost/agentapi"
	"github.com/agenthost/agenthost/agentapi/blobapi"
	"github.com/agenthost/agenthost/agentapi/cryptoapi"
	"github.com/agenthost/agenthost/agentapi/device"
	"github.com/agenthost/agenthost/agentapi/httpapi"
	"github.com/agenthost/agenthost/agentapi/imp"
	"github.com/agenthost/agenthost/agentapi/mqtt"
	"github.com/agenthost/agenthost/agentapi/mqttconn"
	"github.com/agenthost/agenthost/agentapi/nodemcu"
	"github.com/agenthost/agenthost/agentapi/server"
	"github.com/agenthost/agenthost/agentapi/timedate"
)

// moduleConfig is what the modules' constructors need beyond the shared
// services of agentapi.Env.
type moduleConfig struct {
	resolve        mqtt.Resolver
	connectTimeout time.Duration
	http           *httpapi.Module // made by NewSession, which keeps it for the test runner
	link           *device.Link    // the agent-device link, likewise
}

// modules is the one ordered table of the API modules every agent gets.
// Adding a module to the agent API is a package of its own and one line
// here.
func modules(c moduleConfig) []agentapi.Module {
	return []agentapi.Module{
		blobapi.New(),
		server.New(),
		imp.New(),
		mqtt.New(mqtt.Options{Resolve: c.resolve, ConnectTimeout: c.connectTimeout}),
		// More MQTT dialects on the mqtt global: after mqtt.
		mqttconn.New(mqttconn.Options{Resolve: c.resolve, ConnectTimeout: c.connectTimeout}),
		nodemcu.New(nodemcu.Options{Resolve: c.resolve, ConnectTimeout: c.connectTimeout}),
		timedate.New(),
		c.http,
		cryptoapi.New(),
		device.New(c.link),
	}
}
