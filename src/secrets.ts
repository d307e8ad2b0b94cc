/**
 * Shared secrets: random tokens (the generated HTTP bearer token, the `ui` command's login link,
 * dashboard sessions and form tokens), and comparing what a client sent with the expected secret
 * in constant time.
 *
 * @example
 * ```ts
 * const token = randomToken(); // 32 base64url characters
 * sameSecret(request.headers.get("x-token") ?? "", token);
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";

/** A new random token of `bytes` random bytes, base64url-encoded. */
export function randomToken(bytes = 24): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Whether `candidate` equals `expected` (never an empty one), in time independent of where they
 * differ: comparing digests keeps it constant-time whatever the candidate's length.
 */
export function sameSecret(candidate: string, expected: string): boolean {
  return expected !== "" && timingSafeEqual(digest(candidate), digest(expected));
}
