import { readFileSync } from 'node:fs';
import { CliUsageError } from './cli-io.js';

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Reads a file as bytes, with an error that names the option when it cannot be read. */
export function readFileOption(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliUsageError(
      `${option} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : 'cannot be read'}.`,
    );
  }
}

/** Reads a JSON object from a file (for `--data`). */
export function readJsonObject(path: string, option: string): Record<string, unknown> {
  const text = readFileOption(path, option)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${option} ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliUsageError(`${option} ${path} must hold a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/** Parses a `--set` value: JSON when it parses (`true`, `42`, `null`, `["a"]`, `"text"`), otherwise the text itself. */
export function parseSetValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Applies `path=value` to `target`, where path is dotted (`data.message.subject`). Missing objects
 * are created; a numeric segment indexes an existing array.
 */
export function applyAssignment(target: Record<string, unknown>, assignment: string): void {
  const eq = assignment.indexOf('=');
  if (eq <= 0)
    throw new CliUsageError(`--set needs path=value, e.g. --set data.message.subject=Hello (got "${assignment}").`);
  const path = assignment.slice(0, eq).trim();
  const segments = path.split('.');
  if (segments.some((s) => s === '' || FORBIDDEN_SEGMENTS.has(s)))
    throw new CliUsageError(`--set: "${path}" is not a usable path.`);
  const value = parseSetValue(assignment.slice(eq + 1));
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(segment))
        throw new CliUsageError(
          `--set: "${segments.slice(0, i).join('.')}" is a list; index it with a number (got "${segment}").`,
        );
      const index = Number(segment);
      if (index > node.length)
        throw new CliUsageError(
          `--set: ${segments.slice(0, i).join('.')} has ${node.length} items; cannot set item ${index}.`,
        );
      if (last) node[index] = value;
      else node = descend(node, index, segments, i);
    } else {
      if (last) node[segment] = value;
      else node = descend(node, segment, segments, i);
    }
  }
}

function descend(
  node: Record<string, unknown> | unknown[],
  key: string | number,
  segments: string[],
  i: number,
): Record<string, unknown> | unknown[] {
  const container = node as Record<string | number, unknown>;
  const next = container[key];
  if (next !== null && typeof next === 'object') return next as Record<string, unknown> | unknown[];
  if (next !== undefined && next !== null) {
    throw new CliUsageError(`--set: ${segments.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object.`);
  }
  const created: Record<string, unknown> = {};
  container[key] = created;
  return created;
}

/**
 * Parses captured request headers: a JSON object (`{"X-Inkbox-Timestamp": "…"}`), or `Name: value`
 * lines as logs, proxies and `curl -v` show them (a request or status line, `> ` / `< ` prefixes and
 * blank lines are skipped; the body after a blank line is not expected here).
 */
export function parseHeadersText(text: string, option = '--headers'): Record<string, string | string[]> {
  const clean = text.replace(/^\uFEFF/, '');
  if (clean.trimStart().startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(clean);
    } catch (error) {
      throw new CliUsageError(`${option}: the file looks like JSON but does not parse: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new CliUsageError(`${option}: the JSON must be an object of header names to values.`);
    const headers: Record<string, string | string[]> = {};
    for (const [name, raw] of Object.entries(value)) {
      if (typeof raw === 'string' || typeof raw === 'number') headers[name] = String(raw);
      else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) headers[name] = raw;
      else throw new CliUsageError(`${option}: the value of "${name}" must be a string or a list of strings.`);
    }
    return headers;
  }
  const headers: Record<string, string | string[]> = {};
  const lines = clean.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[<>] ?/, '');
    if (line.trim() === '') continue;
    if (/^[A-Z]+ \S+ HTTP\/\d/.test(line) || /^HTTP\/\d/.test(line)) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new CliUsageError(`${option}: line ${i + 1} is not a "Name: value" header.`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const existing = headers[name];
    headers[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return headers;
}

/** Parses a moment: unix seconds (digits) or an ISO-8601 time. Returns milliseconds since the epoch. */
export function parseMoment(text: string, option: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new CliUsageError(
      `${option} must be unix seconds or an ISO-8601 time such as 2026-05-17T09:30:00Z (got "${text}").`,
    );
  return ms;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `--since`: a duration back from `now` (`90s`, `30m`, `6h`, `2d`, `1w`), unix seconds or an ISO-8601 time. */
export function parseSince(text: string, now: number): Date {
  const match = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (match) return new Date(now - Number(match[1]) * DURATION_UNITS[match[2]!]!);
  const ms = Date.parse(text.trim());
  if (/^\d+$/.test(text.trim())) return new Date(Number(text.trim()) * 1000);
  if (Number.isNaN(ms)) {
    throw new CliUsageError(
      `--since must be a duration back from now (90s, 30m, 6h, 2d, 1w), unix seconds, or an ISO-8601 time such as 2026-05-17T09:30:00Z (got "${text}").`,
    );
  }
  return new Date(ms);
}

/** Parses a whole number option within bounds. */
export function parseWholeNumber(text: string | undefined, option: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min)
    throw new CliUsageError(`${option} must be a whole number of at least ${min} (got "${text}").`);
  return Number(text);
}
