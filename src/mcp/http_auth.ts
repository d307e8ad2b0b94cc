/**
 * Bearer-token authentication for the HTTP transport: one shared secret (`MCP_HTTP_TOKEN`, or a
 * random one generated at start-up and printed once on stderr), checked in constant time through
 * the SDK's `requireBearerAuth`, so a refused request gets the standard `401` with a
 * `WWW-Authenticate: Bearer` challenge.
 *
 * @example
 * ```ts
 * const gate = staticBearerGate("0123456789abcdef0123");
 * const auth = await gate(request);
 * if (auth instanceof Response) return auth; // 401
 * ```
 * @module
 */
import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  requireBearerAuth,
} from "@modelcontextprotocol/server";
import { configureLog, log } from "../log.ts";
import { randomToken, sameSecret } from "../secrets.ts";

/** Resolves to the verified identity, or to the `401` response to send back. */
export type AuthGate = (request: Request) => Promise<AuthInfo | Response>;

/** Static tokens never expire; the SDK requires an expiry, so this is "a year from now". */
const YEAR_SECONDS = 365 * 24 * 3600;

/** A gate accepting exactly `Authorization: Bearer <token>`. */
export function staticBearerGate(token: string): AuthGate {
  return requireBearerAuth({
    verifier: {
      verifyAccessToken(candidate: string): Promise<AuthInfo> {
        if (!sameSecret(candidate, token)) {
          return Promise.reject(
            new OAuthError(
              OAuthErrorCode.InvalidToken,
              "Invalid bearer token: send the server's MCP_HTTP_TOKEN",
            ),
          );
        }
        return Promise.resolve({
          token: candidate,
          clientId: "mcp-http-token",
          scopes: [],
          expiresAt: Math.floor(Date.now() / 1000) + YEAR_SECONDS,
        });
      },
    },
  });
}

/**
 * The token HTTP clients must send: `configured` when set, otherwise a new random one that is
 * printed once on stderr; `undefined` (with a warning) when auth is explicitly disabled.
 */
export function resolveHttpToken(
  configured: string | undefined,
  options: { noAuth: boolean },
): string | undefined {
  if (options.noAuth) {
    log.warn(
      "HTTP authentication is DISABLED (--no-auth): any program that can reach the port can run " +
        "and change workflows. Use it only behind your own authenticating proxy." +
        (configured ? " MCP_HTTP_TOKEN is set but not used." : ""),
    );
    return undefined;
  }
  if (configured) return configured;
  const token = randomToken(32);
  // Printed whatever LOG_LEVEL says: without it no client could connect. Hidden from then on.
  log.always(
    "warn",
    `MCP_HTTP_TOKEN is not set; generated a token for this run (shown only once): ${token}\n  ` +
      "Clients must send 'Authorization: Bearer <token>'. Set MCP_HTTP_TOKEN to keep one token " +
      "across restarts.",
  );
  configureLog({ secrets: [token] });
  return token;
}
