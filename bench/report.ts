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

/**
 * A target on the ratio (`max`: at most, `min`: at least) or on the value itself; `skipped` for a
 * figure that could not be measured here, with the reason.
 */
export type Target =
  | { max: number }
  | { min: number }
  | { maxValue: number }
  | { info: true }
  | { skipped: string };

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

/** Whether the row meets its target; `undefined` for informational and skipped rows. */
export function passed(row: Row): boolean | undefined {
  const ratio = ratioOf(row);
  const t = row.target;
  if ("info" in t || "skipped" in t) return undefined;
  if ("maxValue" in t) return row.value <= t.maxValue;
  if (ratio === undefined) return undefined;
  return "max" in t ? ratio <= t.max : ratio >= t.min;
}

function targetText(row: Row): string {
  const t = row.target;
  if ("info" in t) return "(info)";
  if ("skipped" in t) return "—";
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

/** A row for a figure that could not be measured, saying why. */
export function skippedRow(figure: string, reason: string): Row {
  return { figure, value: NaN, unit: "", target: { skipped: reason } };
}

/** One line per reason some rows were skipped, naming them (for under the table). */
export function skippedNotes(rows: readonly Row[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const row of rows) {
    if ("skipped" in row.target) {
      byReason.set(row.target.skipped, [...byReason.get(row.target.skipped) ?? [], row.figure]);
    }
  }
  return [...byReason].map(([reason, figures]) => `Skipped (${figures.join("; ")}): ${reason}.`);
}

function resultText(row: Row): string {
  if ("skipped" in row.target) return "skipped";
  const ok = passed(row);
  return ok === undefined ? "info" : ok ? "PASS" : "FAIL";
}

/** The rows as an aligned Markdown table. */
export function formatTable(rows: readonly Row[]): string {
  const header = ["figure", "ours", "baseline", "ratio", "target", "result"];
  const lines = rows.map((row) => {
    if ("skipped" in row.target) return [row.figure, "—", "—", "—", "—", resultText(row)];
    const ratio = ratioOf(row);
    return [
      row.figure,
      `${num(row.value)} ${row.unit}`,
      row.baseline ? `${num(row.baseline.value)} ${row.unit} (${row.baseline.label})` : "—",
      ratio === undefined ? "—" : `${ratio.toFixed(2)}×`,
      targetText(row),
      resultText(row),
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
