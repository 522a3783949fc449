package mqtt

import "github.com/eclipse/paho.mqtt.golang/packets"

// noStore is the paho Store of every connection: it keeps nothing. paho
// stores each QoS 1 and 2 packet in flight (and each acknowledgement it
// owes) so that a client that reconnects to a persistent session can send
// them again; an agenthost connection always starts a clean session and
// never reconnects on its own (a lost connection is reported to the
// script, which connects anew), so nothing stored would ever be read. Its
// default, an in-memory map keyed by strings built per packet, cost about
// a tenth of the CPU of an outbound QoS 1 publish.
type noStore struct{}

func (noStore) Open()                             {}
func (noStore) Put(string, packets.ControlPacket) {}
func (noStore) Get(string) packets.ControlPacket  { return nil }
func (noStore) All() []string                     { return nil }
func (noStore) Del(string)                        {}
func (noStore) Close()                            {}
func (noStore) Reset()                            {}
