package scripttest

import (
	"context"
	"strings"
	"testing"
)

// TestDeviceAndRequestObjects: this.device and this.request as a test sees
// them: messages both ways with types kept, nextMessage's timeout (on the
// virtual clock), a send while disconnected, and in-process requests that
// reach http.onrequest (including its 500 for a throwing handler).
func TestDeviceAndRequestObjects(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.js", `
device.on("echo", function (d) { device.send("echoed", d); });
http.onrequest(function (req, res) {
	if (req.path == "/throw") throw new Error("boom");
	res.header("X-Q", req.query.q);
	res.send(201, req.method + " " + req.body + " " + req.headers["x-h"]);
});
`)
	write(t, dir, "a.test.js", `
class D extends ImpTestCase {
	async testEcho() {
		const b = blob(2); b[0] = 7; b[1] = 200;
		this.device.send("echo", {n: 3, f: 0.5, b: b, l: [null, "s"]});
		const d = await this.device.nextMessage("echoed", 1);
		this.assertDeepEqual({n: 3, f: 0.5, l: [null, "s"]}, {n: d.n, f: d.f, l: d.l});
		this.assertEqual(200, d.b[1]);
	}
	async testTimeout() {
		const t0 = this.clock.now();
		try { await this.device.nextMessage("never", 30); this.assertTrue(false, "resolved"); }
		catch (e) { this.assertTrue(e.message.indexOf('sent no "never" message within 30s') >= 0, e.message); }
		this.assertClose(30, this.clock.now() - t0, 0.01);
	}
	async testDisconnected() {
		await this.device.disconnect();
		const e = this.assertThrowsError(function () { this.device.send("echo", 1); }, this);
		this.assertTrue(e.message.indexOf("the device is not connected") >= 0, e.message);
		await this.device.connect();
	}
	async testRequest() {
		const r = await this.request("POST", "/x?q=1", {"X-H": "h"}, "body");
		this.assertEqual(201, r.statuscode);
		this.assertEqual("POST body h", r.body);
		this.assertEqual("1", r.headers["x-q"]);
		const bad = await this.request("GET", "/throw");
		this.assertEqual(500, bad.statuscode);
	}
}
`)
	res, err := Run(context.Background(), Options{Paths: []string{dir}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tr := range res.Files[0].Tests {
		got = append(got, tr.Method+"="+tr.Status+" "+tr.Message)
	}
	if want := "testDisconnected=passed |testEcho=passed |testRequest=passed |testTimeout=passed "; strings.Join(got, "|") != want {
		t.Fatalf("got  %s\nwant %s\n%+v", strings.Join(got, "|"), want, res.Files[0])
	}
}
