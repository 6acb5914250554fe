// The class lives in ../errors.ts with every other error; this path keeps existing imports working.
export { InkboxConnectionError, type InkboxConnectionErrorInit, type InkboxConnectionFailure } from '../errors.js';
