/**
 * One row of the benchmark table and its rendering: each figure with the baseline measured in the
 * same run, their ratio, the target and whether it was met.
 *
 * @example
 * ```ts
 * const row = ratioRow("advance p50", 0.25, 0.2, "ms", { max: 1.3 });
 * console.log(formatTable([row]));
 * ```
 * @module
 */

/** A target on the ratio (`max`: at most, `min`: at least) or on the value itself. */
export type Target =
  | { max: number }
  | { min: number }
  | { maxValue: number }
  | { info: true };

/** One measured figure. */
export interface Row {
  figure: string;
  value: number;
  unit: string;
  /** What the figure is compared with, measured in the same run. */
  baseline?: { label: string; value: number };
  target: Target;
}

/** The ratio value / baseline, when there is a baseline. */
function ratioOf(row: Row): number | undefined {
  return row.baseline ? row.value / row.baseline.value : undefined;
}

/** Whether the row meets its target; `undefined` for informational rows. */
export function passed(row: Row): boolean | undefined {
  const ratio = ratioOf(row);
  const t = row.target;
  if ("info" in t) return undefined;
  if ("maxValue" in t) return row.value <= t.maxValue;
  if (ratio === undefined) return undefined;
  return "max" in t ? ratio <= t.max : ratio >= t.min;
}

function targetText(row: Row): string {
  const t = row.target;
  if ("info" in t) return "(info)";
  if ("maxValue" in t) return `≤ ${t.maxValue} ${row.unit}`;
  return "max" in t ? `ratio ≤ ${t.max}` : `ratio ≥ ${t.min}`;
}

function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** The rows as an aligned Markdown table. */
export function formatTable(rows: readonly Row[]): string {
  const header = ["figure", "ours", "baseline", "ratio", "target", "result"];
  const lines = rows.map((row) => {
    const ratio = ratioOf(row);
    const ok = passed(row);
    return [
      row.figure,
      `${num(row.value)} ${row.unit}`,
      row.baseline ? `${num(row.baseline.value)} ${row.unit} (${row.baseline.label})` : "—",
      ratio === undefined ? "—" : `${ratio.toFixed(2)}×`,
      targetText(row),
      ok === undefined ? "info" : ok ? "PASS" : "FAIL",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    render(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...lines.map(render),
  ].join("\n");
}
