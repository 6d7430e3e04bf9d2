/**
 * Formatting for people. Scripts use `--json`, which prints the API's own objects, so nothing
 * here is a contract: columns may change, JSON fields may not.
 */

/** Code points, not UTF-16 units, so `✓` and `…` count as one column. */
function width(text: string): number {
  return [...text].length;
}

/** Left-aligned columns separated by two spaces, with a header row; no trailing spaces. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(width(header), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    headers
      .map((_, column) => {
        const cell = cells[column] ?? '';
        return cell + ' '.repeat((widths[column] ?? 0) - width(cell));
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `name  value` lines with aligned values; fields whose value is undefined are left out. */
export function formatFields(fields: readonly (readonly [string, string | undefined])[]): string {
  const shown = fields.filter(
    (field): field is readonly [string, string] => field[1] !== undefined,
  );
  const labelWidth = Math.max(0, ...shown.map(([label]) => width(label)));
  return shown.map(([label, value]) => `${label.padEnd(labelWidth)}  ${value}`).join('\n');
}

/** `2024-05-01 12:00:01` in UTC: sortable, and the same on every machine that reads a log. */
export function formatTimestamp(iso: string | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** `87 ms`, `1.2 s`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** `5s`, `5m`, `2h`, `1d`, or `90s` when no larger unit divides it. */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** One line of at most `max` code points, ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const points = [...line];
  return points.length <= max ? line : `${points.slice(0, max - 1).join('')}…`;
}
