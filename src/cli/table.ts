/**
 * Plain-text tables for the command line: columns padded to their widest cell.
 *
 * @example
 * ```ts
 * console.log(formatTable(["NAME", "STEPS"], [["JOKE_GENERATOR", "5"]]));
 * ```
 * @module
 */

/** `header` and `rows` as aligned columns separated by two spaces (last column not padded). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
