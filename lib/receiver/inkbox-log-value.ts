/** Longest request-derived value written to a log line, in characters (longer ones are cut). */
export const INKBOX_LOG_VALUE_MAX = 128;

// C0 controls, DEL, C1 controls (U+0085 NEL, U+009B CSI, ...), and the Unicode line/paragraph separators
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Makes a value that came from a request safe to put in a log line: control characters become
 * visible escapes (`\n`, `\x1b`, `\u0085`), so no value can start a forged line or drive a terminal,
 * and the result is cut to `max` characters (marked with `…`). Non-strings are shown by type.
 */
export function inkboxLogValue(value: unknown, max: number = INKBOX_LOG_VALUE_MAX): string {
  if (value === undefined || value === null) return 'none';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : `(${Array.isArray(value) ? 'array' : typeof value})`;
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
