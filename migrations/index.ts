import { Foundation1764300000000 } from './1764300000000-foundation';

/** Every migration in order; listed explicitly so the app, the CLI and the tests load the same set. */
export const MIGRATIONS = [Foundation1764300000000];
