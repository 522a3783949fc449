package configparams

import (
	"fmt"
	"net/url"
)

// HTTP configures the agent URL (the http: section).
type HTTP struct {
	// Listen is the host:port of the agent URL's listener, or "off".
	// Default "127.0.0.1:0" (a free port); `agenthost test` turns a
	// default listener off and delivers requests in-process.
	Listen string
	// PublicURL, when set, is what http.agenturl() returns: the address
	// browsers use when the agent is behind a tunnel or proxy.
	PublicURL string
}

// DefaultHTTPListen is the default http.listen.
const DefaultHTTPListen = "127.0.0.1:0"

// httpKeys is the http: section.
var httpKeys = []entry{
	{name: "listen", decode: (*decoder).stringValue},
	{name: "public_url", decode: (*decoder).stringValue},
}

// httpFields are the stringFields of the http: section.
var httpFields = []stringField{
	{
		name: "http.listen",
		get:  func(c *Config) string { return c.HTTP.Listen },
		set:  func(c *Config, v string) { c.HTTP.Listen = v },
		check: func(v string) string {
			if v == "off" {
				return ""
			}
			if msg := checkListen(v); msg != "" {
				return msg + " or off"
			}
			return ""
		},
	},
	{
		name:  "http.public_url",
		get:   func(c *Config) string { return c.HTTP.PublicURL },
		set:   func(c *Config, v string) { c.HTTP.PublicURL = v },
		check: checkPublicURL,
	},
}

// checkPublicURL accepts "" and absolute http(s) URLs without a query.
func checkPublicURL(v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q is not an http:// or https:// URL without query (e.g. https://myagent.example.com)", v)
	}
	return ""
}
