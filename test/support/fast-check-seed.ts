import fc from 'fast-check';

/**
 * Property tests run the same cases on every run, so a failure in CI is reproducible and never a
 * coin toss; set FC_SEED to another number (or `random`) to explore further, locally.
 */
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: Number(seed ?? 20261129) });
