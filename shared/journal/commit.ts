/**
 * A commit is one journal item: the changes one command produced, written with one conditional PutItem.
 * Its sort key is the version of its first change, so two writers that read the same stream end collide.
 */
import { CHANGE_SCHEMA_VERSION, type Change, type Recorded } from '#domain/changes';

export interface CommitItem {
  streamId: string;
  version: number;
  lastVersion: number;
  commitId: string;
  at: string;
  actor: string;
  changes: { id: string; type: string; data: unknown; schemaVersion: number }[];
  // webhooks: event commits' place in time, the keys of the journal's sparse byTime index (webhook replay jobs).
  /** UTC day of `at` (YYYY-MM-DD), on event commits only. */
  changedOn?: string;
  /** `<at>#<streamId>#<version>`, on event commits only. */
  changedAt?: string;
}

export function buildCommit(streamId: string, expectedVersion: number, changes: Change[], meta: { at: string; actor: string; newId: () => string }): CommitItem {
  return {
    streamId,
    version: expectedVersion + 1,
    lastVersion: expectedVersion + changes.length,
    commitId: meta.newId(),
    at: meta.at,
    actor: meta.actor,
    changes: changes.map((change) => ({ id: meta.newId(), type: change.type, data: change.data, schemaVersion: CHANGE_SCHEMA_VERSION })),
    // webhooks: see changedOn / changedAt above.
    ...(streamId.startsWith('event#') ? { changedOn: meta.at.slice(0, 10), changedAt: `${meta.at}#${streamId}#${expectedVersion + 1}` } : {}),
  };
}

/** The recorded changes a commit item holds, in order. */
export function changesOf(item: CommitItem): Recorded[] {
  return item.changes.map(
    (change, i) =>
      ({
        id: change.id,
        commitId: item.commitId,
        streamId: item.streamId,
        version: item.version + i,
        type: change.type,
        at: item.at,
        actor: item.actor,
        data: change.data,
        schemaVersion: change.schemaVersion,
      }) as Recorded,
  );
}
