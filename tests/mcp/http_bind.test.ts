/** The `--http` bind address: parsing, its `--allow-net` form and the Host/Origin allowlist. */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import {
  allowedHostnames,
  bindPermission,
  isLoopback,
  parseBindAddress,
} from "../../src/mcp/http_bind.ts";

Deno.test("parseBindAddress accepts HOST:PORT, [IPv6]:PORT and a bare port", () => {
  assert.deepEqual(parseBindAddress("127.0.0.1:8808"), { hostname: "127.0.0.1", port: 8808 });
  assert.deepEqual(parseBindAddress("localhost:1"), { hostname: "localhost", port: 1 });
  assert.deepEqual(parseBindAddress("[::1]:8808"), { hostname: "::1", port: 8808 });
  assert.deepEqual(parseBindAddress("8808"), { hostname: "127.0.0.1", port: 8808 });
  assert.deepEqual(parseBindAddress(":8808"), { hostname: "127.0.0.1", port: 8808 });
});

Deno.test("parseBindAddress refuses a missing or out-of-range port with the expected form", () => {
  for (const bad of ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "::1:80", "host:port", ""]) {
    assert.throws(() => parseBindAddress(bad), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /Invalid --http value .*use HOST:PORT .*127\.0\.0\.1:8808/);
      return true;
    }, bad);
  }
});

Deno.test("bindPermission brackets IPv6; the allowlist adds the bound name to loopback", () => {
  assert.equal(bindPermission({ hostname: "::1", port: 80 }), "[::1]:80");
  assert.equal(bindPermission({ hostname: "10.0.0.5", port: 80 }), "10.0.0.5:80");
  assert.deepEqual(allowedHostnames({ hostname: "127.0.0.1", port: 80 }), [
    "localhost",
    "127.0.0.1",
    "[::1]",
  ]);
  assert.deepEqual(allowedHostnames({ hostname: "10.0.0.5", port: 80 })?.at(-1), "10.0.0.5");
  assert.equal(allowedHostnames({ hostname: "0.0.0.0", port: 80 }), undefined);
  assert.ok(isLoopback("127.0.0.2") && isLoopback("::1") && !isLoopback("10.0.0.5"));
});
