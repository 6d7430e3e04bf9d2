/** JSON typed into a textarea: either its value, or where and why it does not parse. */
export type ParsedJson =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly message: string;
      readonly line: number;
      readonly column: number;
    };

/**
 * Parses `text` as JSON; a syntax error is answered with its line and column (1-based), from
 * the position or line/column the engine's message gives (V8 and Firefox word them
 * differently), or the end of the text when it names neither (`Unexpected end of JSON input`).
 * Only syntax is judged here: what the value means is the API's to say.
 */
export function parseJsonText(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (problem) {
    const message = (problem as Error).message;
    const lineColumn = /line (\d+) column (\d+)/.exec(message);
    if (lineColumn) {
      return {
        ok: false,
        message: reason(message),
        line: Number(lineColumn[1]),
        column: Number(lineColumn[2]),
      };
    }
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    return {
      ok: false,
      message: reason(message),
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
    };
  }
}

/** The message without the engine's own place (shown as line/column instead). */
function reason(message: string): string {
  return (
    message
      .replace(/^JSON\.parse: /, '')
      .replace(/ (in JSON )?at position \d+.*$/, '')
      .replace(/ at line \d+ column \d+.*$/, '')
      .trim() || 'not valid JSON'
  );
}

/** "line 2, column 5: Expected ',' or '}' after property value" */
export function describeJsonProblem(problem: { message: string; line: number; column: number }) {
  return `Not valid JSON at line ${problem.line}, column ${problem.column}: ${problem.message}`;
}
