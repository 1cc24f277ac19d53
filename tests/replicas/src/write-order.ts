import pg from 'pg';

/** When a step started and ended, as positions in the database's own order of writes. */
export interface StepWrites {
  stepId: string;
  /** Transaction id of the write of its `step.running` event. */
  running: bigint;
  /** Transaction id of the write of its `step.completed` event. */
  completed: bigint;
}

/**
 * The order in which the steps' `step.running` and `step.completed` events were written, read
 * from the transaction ids of their rows (`xmin`), sorted by when each step started.
 *
 * Why the database and not the wire: a Step carries no timestamps, and the moments a client
 * receives events from different replicas race with the notifications between them, so they
 * could show an overlap that never happened (or hide a short one). A transaction gets its id at
 * its first write: a step that started only after another one's completion was committed has a
 * larger id for its `step.running` than that completion, and one that overlapped it has not.
 * Event rows are written once and never updated (PROTOCOL.md section 8), so `xmin` stays the
 * writer's id. Reads `ap_step_events` of the store's default schema.
 */
export async function stepWriteOrder(
  databaseUrl: string,
  stepIds: string[],
): Promise<StepWrites[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ step_id: string; event: string; xid: string }>(
      `SELECT step_id, event, xmin::text AS xid FROM ap_step_events
        WHERE step_id = ANY($1) AND event IN ('step.running', 'step.completed')`,
      [stepIds],
    );
    const byStep = new Map<string, Partial<StepWrites>>();
    for (const row of rows) {
      const writes = byStep.get(row.step_id) ?? { stepId: row.step_id };
      writes[row.event === 'step.running' ? 'running' : 'completed'] = BigInt(row.xid);
      byStep.set(row.step_id, writes);
    }
    const missing = stepIds.filter((id) => {
      const writes = byStep.get(id);
      return writes?.running === undefined || writes.completed === undefined;
    });
    if (missing.length > 0) {
      throw new Error(`steps without a step.running and a step.completed: ${missing.join(', ')}`);
    }
    return [...byStep.values()]
      .map((w) => w as StepWrites)
      .sort((a, b) => (a.running < b.running ? -1 : a.running > b.running ? 1 : 0));
  } finally {
    await client.end();
  }
}

/**
 * Pairs of steps that ran at the same time: in start order, each step must have started after
 * the previous one's completion was written. Empty when they ran one at a time.
 */
export function overlaps(writes: StepWrites[]): string[] {
  const found: string[] = [];
  for (let i = 1; i < writes.length; i++) {
    const before = writes[i - 1]!;
    const after = writes[i]!;
    if (after.running <= before.completed) {
      found.push(
        `${after.stepId} started (xid ${after.running}) before ${before.stepId} completed (xid ${before.completed})`,
      );
    }
  }
  return found;
}
