import { mkdir } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { AgentProtocolClient, Artifact } from '@agent-protocol/client';
import { downloadToFile } from '@agent-protocol/client/node';

/** An artifact saved to disk. */
export interface Download {
  artifact_id: string;
  path: string;
}

/**
 * Where an artifact goes under `dir`: its `relative_path` and `file_name`, which come from the
 * server. A name that would land outside `dir` (`../`, an absolute path) is refused: a server
 * must never be able to write over a user's files.
 */
export function artifactPath(dir: string, artifact: Artifact): string {
  const root = resolve(dir);
  const target = resolve(root, artifact.relative_path ?? '', artifact.file_name);
  const inside = relative(root, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(
      `Artifact ${artifact.artifact_id} is named '${join(artifact.relative_path ?? '', artifact.file_name)}', which would be written outside ${root}: not downloaded.`,
    );
  }
  return target;
}

/** `a.txt`, then `a (2).txt`: two artifacts with one name both land. */
function unused(path: string, taken: Set<string>): string {
  let candidate = path;
  const ext = extname(path);
  for (let n = 2; taken.has(candidate); n++) {
    candidate = `${path.slice(0, path.length - ext.length)} (${n})${ext}`;
  }
  taken.add(candidate);
  return candidate;
}

/** Downloads the artifacts of a task into `dir` (created), streamed to disk. */
export async function downloadArtifacts(
  client: AgentProtocolClient,
  taskId: string,
  artifacts: readonly Artifact[],
  dir: string,
): Promise<Download[]> {
  const taken = new Set<string>();
  const done: Download[] = [];
  for (const artifact of artifacts) {
    const path = unused(artifactPath(dir, artifact), taken);
    await mkdir(dirname(path), { recursive: true });
    await downloadToFile(client, taskId, artifact.artifact_id, path);
    done.push({ artifact_id: artifact.artifact_id, path });
  }
  return done;
}
