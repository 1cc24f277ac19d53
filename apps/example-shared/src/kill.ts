import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startExampleProcess } from './process.js';

interface Acknowledged {
  tasks: string[];
  steps: { taskId: string; stepId: string; output: string }[];
}

async function post(url: string, body: unknown): Promise<Record<string, string> | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    // Only a whole 200 answer counts as acknowledged.
    return response.status === 200
      ? ((await response.json()) as Record<string, string>)
      : undefined;
  } catch {
    return undefined; // cut by the kill: never acknowledged
  }
}

/**
 * `kill -9` under load loses nothing acknowledged: 16 clients create tasks and run steps on the
 * example app (default SQLite store, group commit), the process is killed with SIGKILL while
 * requests are in flight, and after a restart on the same data directory every task and step
 * that was answered 200 is there, as it was answered. Throws what is missing.
 */
export async function checkKillLosesNothing(
  main: string,
): Promise<{ tasks: number; steps: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'example-kill-'));
  try {
    const first = await startExampleProcess(main, { AGENT_DATA_DIR: dataDir });
    const tasksUrl = `${first.baseUrl}/ap/v1/agent/tasks`;
    const ack: Acknowledged = { tasks: [], steps: [] };
    let killed = false;
    const client = async (n: number) => {
      for (let i = 0; !killed; i++) {
        const task = await post(tasksUrl, { input: `client ${n} task ${i}` });
        if (!task) continue;
        ack.tasks.push(task.task_id!);
        const step = await post(`${tasksUrl}/${task.task_id}/steps`, { input: `step ${i}` });
        if (step)
          ack.steps.push({ taskId: task.task_id!, stepId: step.step_id!, output: step.output! });
      }
    };
    const clients = Array.from({ length: 16 }, (_, n) => client(n));
    await sleep(1500);
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(clients);
    if (ack.steps.length === 0) throw new Error('nothing was acknowledged before the kill');

    const second = await startExampleProcess(main, { AGENT_DATA_DIR: dataDir });
    try {
      const base = `${second.baseUrl}/ap/v1/agent/tasks`;
      const missing: string[] = [];
      for (const taskId of ack.tasks) {
        if ((await fetch(`${base}/${taskId}`)).status !== 200) missing.push(`task ${taskId}`);
      }
      for (const { taskId, stepId, output } of ack.steps) {
        const response = await fetch(`${base}/${taskId}/steps/${stepId}`);
        const step =
          response.status === 200 ? ((await response.json()) as { output?: string }) : {};
        if (step.output !== output) missing.push(`step ${stepId} (${response.status})`);
      }
      if (missing.length > 0) {
        throw new Error(
          `lost after kill -9: ${missing.length} of ${ack.tasks.length} tasks and ${ack.steps.length} steps: ${missing.slice(0, 5).join(', ')}`,
        );
      }
    } finally {
      await second.stop();
    }
    return { tasks: ack.tasks.length, steps: ack.steps.length };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
