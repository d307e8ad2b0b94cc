/**
 * Checks of the paging arguments every backend's listings take, so each refuses the same values
 * with the same message.
 *
 * @example
 * ```ts
 * import { checkPage } from "./paging.ts";
 * checkPage(50, 0, 500); // ok; checkPage(0, 0) throws InvalidInputError
 * ```
 * @module
 */
import { InvalidInputError } from "../errors.ts";

/**
 * Refuse a page `limit` that is not a whole number from 1 (to `maxLimit` when given), and an
 * `offset` that is not a whole number, 0 or more.
 * @throws {InvalidInputError}
 */
export function checkPage(limit: number, offset: number, maxLimit?: number): void {
  if (!Number.isInteger(limit) || limit < 1 || (maxLimit !== undefined && limit > maxLimit)) {
    const range = maxLimit === undefined ? "from 1" : `from 1 to ${maxLimit}`;
    throw new InvalidInputError(`Page limit must be a whole number ${range}; got ${limit}.`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidInputError(`Page offset must be a whole number, 0 or more; got ${offset}.`);
  }
}

/**
 * Refuse a history `count` that is not a whole number, 0 or more.
 * @throws {InvalidInputError}
 */
export function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidInputError(`History count must be a whole number, 0 or more; got ${count}.`);
  }
}
