import { ConflictProblem } from '../http/domain.exception';

/**
 * The legal status steps of one entity, in one table. Single writes ask `assertMove`; set-wise SQL
 * takes its `WHERE status = ANY(...)` from `sourcesOf(target)`, so no write decides on its own
 * which states may lead to which.
 */
export class Lifecycle<S extends string> {
  constructor(
    private readonly entity: string,
    private readonly transitions: Readonly<Record<S, readonly S[]>>,
  ) {}

  canMove(from: S, to: S): boolean {
    return this.transitions[from].includes(to);
  }

  assertMove(from: S, to: S): void {
    if (!this.canMove(from, to)) throw new ConflictProblem('ILLEGAL_TRANSITION', `A ${this.entity} that is ${from} cannot become ${to}`);
  }

  /** Every state from which `to` may be reached. */
  sourcesOf(to: S): S[] {
    return (Object.keys(this.transitions) as S[]).filter((from) => this.transitions[from].includes(to));
  }

  /** States with no way out. */
  finalStates(): S[] {
    return (Object.keys(this.transitions) as S[]).filter((s) => this.transitions[s].length === 0);
  }
}
