// Package blobapi is the agent API module of the global blob([size])
// constructor. Blobs themselves are a service every module shares
// (agentapi.Blobs): inbound MQTT payloads, HTTP bodies and device messages
// are blobs too.
package blobapi

import "github.com/agenthost/agenthost/agentapi"

// Module installs blob.
type Module struct{}

// New returns the module.
func New() Module { return Module{} }

// Name implements agentapi.Module.
func (Module) Name() string { return "blob" }

// Install implements agentapi.Module.
func (Module) Install(env *agentapi.Env) error {
	return env.Define("blob", env.Blobs.Constructor())
}
