import fc from 'fast-check';

/**
 * Fixes the seed of every fast-check property in a test file and returns it: `FC_SEED` replays a
 * failing run; otherwise a new seed is drawn. Put it in the `describe` title so a failure shows it.
 */
export function recordFastCheckSeed(): number {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
  return seed;
}
