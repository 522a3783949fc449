// Tests of agent.js, the test playing the device (this.device) and the
// browser (this.request).
class AgentURLTest extends ImpTestCase {
  async testServesThePage() {
    const r = await this.request("GET", "/");
    this.assertEqual(200, r.statuscode);
    this.assertEqual("text/html; charset=utf-8", r.headers["content-type"]);
    this.assertTrue(r.body.indexOf('<button id="ask">') > 0, "the page has the button");
  }

  async testAskGoesThroughTheDevice() {
    const answer = this.request("POST", "/ask?what=humidity");
    const q = await this.device.nextMessage("ask", 5);
    this.assertEqual("humidity", q.what);
    this.device.send("answer", { id: q.id, what: q.what, value: 41, unit: "%", count: 7 });
    const r = await answer;
    this.assertEqual(200, r.statuscode);
    this.assertDeepEqual({ id: q.id, what: "humidity", value: 41, unit: "%", count: 7 }, http.jsondecode(r.body));
  }

  async testSilentDeviceGets504() {
    const t0 = this.clock.now();
    const answer = this.request("POST", "/ask");
    await this.device.nextMessage("ask", 5); // and never answer
    const r = await answer;
    this.assertEqual(504, r.statuscode);
    this.assertClose(10, this.clock.now() - t0, 0.1);
  }

  async testOfflineDeviceGets503() {
    await this.device.disconnect();
    const r = await this.request("POST", "/ask");
    this.assertEqual(503, r.statuscode);
    this.assertDeepEqual({ error: "the device is offline" }, http.jsondecode(r.body));
    await this.device.connect();
  }

  async testUnknownPath() {
    const r = await this.request("GET", "/nope");
    this.assertEqual(404, r.statuscode);
  }
}
