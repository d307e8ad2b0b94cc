/**
 * A TCP proxy on 127.0.0.1 that can stop passing bytes while keeping every connection open: a
 * database that stops answering (frozen, or cut off by the network) without closing anything,
 * which a stopped server (connections refused or reset) does not show.
 *
 * @example
 * ```ts
 * await using proxy = startStallingProxy(5432);
 * proxy.stall(); // connections stay open, nothing gets through
 * proxy.resume(); // what was held back is delivered
 * ```
 * @module
 */

/** A running proxy; disposing it closes the listener and every connection. */
export interface StallingProxy extends AsyncDisposable {
  /** The port it listens on (127.0.0.1). */
  readonly port: number;
  /** Hold back every byte, both ways, from now on. */
  stall(): void;
  /** Deliver what was held back, and pass bytes again. */
  resume(): void;
}

/** Proxy 127.0.0.1:<new port> to 127.0.0.1:`targetPort`. */
export function startStallingProxy(targetPort: number): StallingProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  let flowing: PromiseWithResolvers<void> | undefined;
  /** Copy `from` to `to` chunk by chunk, waiting while stalled; closes both at the end. */
  const pump = async (from: Deno.Conn, to: Deno.Conn) => {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (let read = await from.read(buffer); read !== null; read = await from.read(buffer)) {
        await flowing?.promise;
        let written = 0;
        while (written < read) written += await to.write(buffer.subarray(written, read));
      }
    } catch {
      // Either side went away: end both.
    } finally {
      for (const conn of [from, to]) {
        if (open.delete(conn)) conn.close();
      }
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      const server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort }).catch(
        () => undefined,
      );
      if (server === undefined) {
        client.close();
        continue;
      }
      open.add(client).add(server);
      void pump(client, server);
      void pump(server, client);
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    stall() {
      flowing ??= Promise.withResolvers<void>();
    },
    resume() {
      flowing?.resolve();
      flowing = undefined;
    },
    async [Symbol.asyncDispose]() {
      this.resume();
      listener.close();
      await accepting.catch(() => {});
      for (const conn of open) conn.close();
      open.clear();
    },
  };
}
