import { AgentProtocolError } from '../errors.js';

/** Caps the steps one principal has in progress at once (seed 003's "one task running per token"). */
export class PrincipalStepLimit {
  private readonly running = new Map<string, number>();

  constructor(private readonly max: number | undefined) {}

  /** Runs `work` if the principal is under its limit; else a 429 with `Retry-After`. */
  async run<T>(principal: string, work: () => Promise<T>): Promise<T> {
    const release = this.acquire(principal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * Takes one of the principal's places (a 429 with `Retry-After` when none is left); the
   * returned function gives it back, once. A background step holds it until it completes.
   */
  acquire(principal: string): () => void {
    if (this.max === undefined) return () => undefined;
    const current = this.running.get(principal) ?? 0;
    if (current >= this.max) {
      throw new AgentProtocolError(
        'too_many_requests',
        `At most ${this.max} step(s) may run at once for one caller; retry when one finishes.`,
        { headers: { 'retry-after': '1' } },
      );
    }
    this.running.set(principal, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.running.get(principal) ?? 1) - 1;
      if (left === 0) this.running.delete(principal);
      else this.running.set(principal, left);
    };
  }
}
