/**
 * Raw JSON-RPC messages for tests that speak to the server without an SDK client.
 * @module
 */

/** A 2025-era `initialize` request (id 1), as a session-based client opens with. */
export const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "raw", version: "1" },
  },
};

/** A `ping` request with this id. */
export const ping = (id: number | string) => ({ jsonrpc: "2.0", id, method: "ping" });
