import type { ArtifactRecord, OAuthLoginRecord } from '@agent-protocol/core';

/**
 * Artifact and sign-in rows to records. Task and step rows are encoded by the core, as in the SQLite store
 * (`taskBody`, `stepBody`, `taskFromRow`, `stepFromRow`).
 */
export interface ArtifactRow {
  artifact_id: string;
  task_id: string;
  step_id: string | null;
  agent_created: boolean;
  file_name: string;
  relative_path: string | null;
  /** bigint: node-postgres returns it as a string. */
  size: string;
  created_at: string;
}

export function artifactFromRow(row: ArtifactRow): ArtifactRecord {
  return { ...row, size: Number(row.size) };
}

/** A pending sign-in's row: its scopes are stored as JSON text. */
export type LoginRow = Omit<OAuthLoginRecord, 'scopes'> & { scopes: string };

export function loginFromRow(row: LoginRow): OAuthLoginRecord {
  return { ...row, scopes: JSON.parse(row.scopes) as string[] };
}
