// Exercises a real Consul client against a mesh agent: node client.mjs <http-port>
// Exits non-zero with the failed assertion on the first mismatch.
import assert from "node:assert/strict";
import Consul from "consul";

const consul = new Consul({ host: "127.0.0.1", port: Number(process.argv[2]) });

// KV
assert.equal(await consul.kv.set("app/config/color", "blue"), true);
assert.equal(await consul.kv.set({ key: "app/config/size", value: "10", flags: 42 }), true);
const color = await consul.kv.get("app/config/color");
assert.equal(color.Value, "blue");
assert.equal(color.Key, "app/config/color");
assert.ok(color.ModifyIndex >= color.CreateIndex);
const size = await consul.kv.get("app/config/size");
assert.equal(size.Flags, 42);
assert.deepEqual(await consul.kv.keys("app/"), ["app/config/color", "app/config/size"]);
const all = await consul.kv.get({ key: "app/", recurse: true });
assert.deepEqual(all.map((e) => e.Key), ["app/config/color", "app/config/size"]);
// A failed CAS answers `false`, which this client reports as a falsy result.
assert.ok(!(await consul.kv.set({ key: "app/config/color", value: "red", cas: 1 })));
assert.equal((await consul.kv.get("app/config/color")).Value, "blue");
assert.equal(await consul.kv.get("app/missing"), undefined);

// Blocking query: a watcher at the current index answers after the write, with the new value.
const current = await consul.kv.get({ key: "app/config/color" });
const blocked = consul.kv.get({ key: "app/config/color", index: String(current.ModifyIndex), wait: "30s" });
await new Promise((r) => setTimeout(r, 200));
await consul.kv.set("app/config/color", "green");
const woken = await blocked;
assert.equal(woken.Value, "green");
assert.ok(woken.ModifyIndex > current.ModifyIndex);

// Agent registration with a TTL check, then health through the catalog.
await consul.agent.service.register({
  name: "billing",
  id: "billing-1",
  port: 7000,
  tags: ["v1"],
  check: { ttl: "30s", name: "billing ttl" },
});
const services = await consul.agent.service.list();
assert.equal(services["billing-1"].Service, "billing");
assert.equal(services["billing-1"].Port, 7000);
assert.deepEqual((await consul.health.service({ service: "billing", passing: true })), []);
await consul.agent.check.pass({ id: "service:billing-1", note: "fine" });
const healthy = await consul.health.service({ service: "billing", passing: true });
assert.equal(healthy.length, 1);
assert.equal(healthy[0].Service.ID, "billing-1");
assert.ok(healthy[0].Checks.some((c) => c.CheckID === "service:billing-1" && c.Status === "passing" && c.Output === "fine"));

// Catalog and status
const catalogServices = await consul.catalog.service.list();
assert.deepEqual(catalogServices.billing, ["v1"]);
assert.ok("consul" in catalogServices);
const instances = await consul.catalog.service.nodes("billing");
assert.equal(instances[0].ServicePort, 7000);
const nodes = await consul.catalog.node.list();
assert.equal(nodes.length, 1);
assert.deepEqual(await consul.catalog.datacenters(), ["dc1"]);
assert.match(await consul.status.leader(), /:\d+$/);
const self = await consul.agent.self();
assert.equal(self.Config.Datacenter, "dc1");
const members = await consul.agent.members();
assert.equal(members[0].Status, 1);

await consul.agent.service.deregister("billing-1");
assert.equal((await consul.catalog.service.nodes("billing")).length, 0);
await consul.kv.del({ key: "app/", recurse: true });
assert.equal(await consul.kv.get("app/config/color"), undefined);

console.log("consul client: all checks passed");
