import type { ArtifactRecord, OAuthLoginRecord } from '@agent-protocol/core';

// Artifact and sign-in rows to records. Task and step rows are encoded by the core, as in the
// SQLite store (`taskBody`, `stepBody`, `taskFromRow`, `stepFromRow`).

/** An artifact's row: its size is a `bigint`, which node-postgres returns as a string. */
export type ArtifactRow = Omit<ArtifactRecord, 'size'> & { size: string };

export function artifactFromRow(row: ArtifactRow): ArtifactRecord {
  return { ...row, size: Number(row.size) };
}

/** A pending sign-in's row: its scopes are stored as JSON text. */
export type LoginRow = Omit<OAuthLoginRecord, 'scopes'> & { scopes: string };

export function loginFromRow(row: LoginRow): OAuthLoginRecord {
  return { ...row, scopes: JSON.parse(row.scopes) as string[] };
}
