#!/usr/bin/env node
// Weighs the two ways of resting the validation fast path on public ground, on the same 2 KiB
// message.received event, in one process (same-run ratios; print the load average with them):
//
//   compiled  the library's path: class-validator's public metadata compiled into checks that call
//             its own constraint instances, on instances built as plainToInstance builds them
//   ajv       the same metadata compiled to JSON Schema and validated with ajv (what Fastify
//             uses), on the parsed JSON; the instances still have to be built afterwards
//
//   node bench/validation-options.mjs [--quick]
//
// The JSON Schema compiler below is written for this comparison only: it covers the decorators
// of the event classes (class-validator's isISO8601 is plugged in as an ajv format, since JSON
// Schema's date-time is not the same check).
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, buildLibrary } from './lib/setup.mjs';
import { compare } from './lib/timing.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes('--quick');
const log = (...parts) => console.error('[validation-options]', ...parts);
ensureDependencies(BENCH, log);
buildLibrary(join(BENCH, '..'), join(BENCH, 'node_modules', 'nestjs-inkbox'), { force: false, log });

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { getMetadataStorage, isISO8601, ValidationTypes } = require('class-validator');
const { plainToInstance } = require('class-transformer');
const Ajv = require('ajv');
const { MessageReceivedEvent, parseInkboxEvent } = require('nestjs-inkbox');
const { createInkboxEvent } = require('nestjs-inkbox/testing');
const { buildInstance } = require('nestjs-inkbox/dist/cjs/events/inkbox-event.transformer.js');
const { passesDecorators } = require('nestjs-inkbox/dist/cjs/events/inkbox-event.validator.js');

/** The class plainToInstance gives the objects under `key` of `target` (Object when none). */
function nestedType(target, key) {
  const made = plainToInstance(target, { [key]: [{}] })[key];
  return Array.isArray(made) && made[0] ? made[0].constructor : Object;
}

const SIMPLE = {
  isString: { type: 'string' },
  isBoolean: { type: 'boolean' },
  isInt: { type: 'integer' },
  isArray: { type: 'array' },
  isObject: { type: 'object' },
};

/** JSON Schema of a class from class-validator's public metadata (the decorators the event classes use). */
function schemaOf(target, seen = new Map()) {
  if (seen.has(target)) return seen.get(target);
  const schema = { type: 'object', properties: {}, required: [] };
  seen.set(target, schema);
  const byProperty = new Map();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(target, '', false, false, undefined)) {
    byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
  }
  for (const [name, list] of byProperty) {
    const optional = list.some((m) => m.name === 'isOptional');
    const all = [];
    for (const m of list) {
      if (m.type === ValidationTypes.NESTED_VALIDATION) {
        const type = nestedType(target, name);
        if (type !== Object)
          all.push(
            m.each
              ? { type: 'array', items: schemaOf(type, seen) }
              : { anyOf: [{ type: 'array', items: schemaOf(type, seen) }, schemaOf(type, seen)] },
          );
      } else if (m.name === 'isNotEmpty') all.push({ not: { const: '' } });
      else if (m.name === 'isIso8601') all.push({ type: 'string', format: 'iso8601' });
      else if (m.name === 'isDefined') all.push({ not: { type: 'null' } });
      else if (SIMPLE[m.name]) all.push(m.each ? { type: 'array', items: SIMPLE[m.name] } : SIMPLE[m.name]);
      else if (m.name !== 'isOptional') throw new Error(`no JSON Schema for @${m.name} in this comparison`);
    }
    const checks = all.length === 0 ? {} : all.length === 1 ? all[0] : { allOf: all };
    schema.properties[name] = optional ? { anyOf: [{ type: 'null' }, checks] } : checks;
    if (!optional) schema.required.push(name);
  }
  return schema;
}

const ajv = new Ajv({ allErrors: false, strict: false });
ajv.addFormat('iso8601', { type: 'string', validate: (value) => isISO8601(value) });
const ajvValidate = ajv.compile(schemaOf(MessageReceivedEvent));

const event = createInkboxEvent('message.received');
event.data.message.body = 'x'.repeat(Math.max(0, 2048 - JSON.stringify(event).length));
const text = JSON.stringify(event);
const json = JSON.parse(text);
const instance = buildInstance(MessageReceivedEvent, JSON.parse(text));
if (!ajvValidate(json) || !passesDecorators(instance))
  throw new Error('validation-options: the valid event is not valid for both');
for (const [path, wrong] of [
  [['timestamp'], 'later'],
  [['data', 'message', 'to_addresses'], [1]],
  [['event_type'], ''],
]) {
  const copy = JSON.parse(text);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = wrong;
  if (ajvValidate(copy) || passesDecorators(buildInstance(MessageReceivedEvent, copy)))
    throw new Error(`validation-options: ${path.join('.')} = ${JSON.stringify(wrong)} is not rejected by both`);
}

const loadStart = os.loadavg()[0];
let sink = 0;
const timing = QUICK ? { rounds: 3, blockMs: 20 } : { rounds: 9, blockMs: 60 };
const checksOnly = compare(
  {
    compiledChecks: () => {
      sink ^= passesDecorators(instance) ? 1 : 0;
    },
    ajvValidate: () => {
      sink ^= ajvValidate(json) ? 1 : 0;
    },
  },
  timing,
);
const whole = compare(
  {
    jsonParse: () => {
      sink ^= JSON.parse(text).event_type.length;
    },
    compiled: () => {
      sink ^= parseInkboxEvent(text).event_type.length;
    },
    ajvThenBuild: () => {
      const parsed = JSON.parse(text);
      if (!ajvValidate(parsed)) throw new Error('invalid');
      sink ^= buildInstance(MessageReceivedEvent, parsed).event_type.length;
    },
  },
  timing,
);
const loadEnd = os.loadavg()[0];
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
console.log(
  `load average (1 min) at start ${loadStart.toFixed(2)}, at end ${loadEnd.toFixed(2)}${Math.max(loadStart, loadEnd) > 1 ? ' — a busy machine: read the ratios only' : ''}`,
);
console.log(
  `checks alone, on a built instance / on the parsed JSON: compiled ${us(checksOnly.compiledChecks)}, ajv ${us(checksOnly.ajvValidate)} (ajv / compiled ${(checksOnly.ajvValidate / checksOnly.compiledChecks).toFixed(2)})`,
);
console.log(
  `whole parse step (JSON.parse ${us(whole.jsonParse)}): compiled ${us(whole.compiled)} = ${(whole.compiled / whole.jsonParse).toFixed(2)} × JSON.parse; ajv + build ${us(whole.ajvThenBuild)} = ${(whole.ajvThenBuild / whole.jsonParse).toFixed(2)} × JSON.parse`,
);
process.exitCode = sink === -1 ? 1 : 0;
