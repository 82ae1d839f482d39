/**
 * The durable part of the local stand-in for DynamoDB Streams: which journal writes may be committed but not yet
 * delivered to every stream consumer. A line is appended (synchronously, so it survives kill -9) before the store
 * handles a journal write, and another once the write was refused or its record delivered; at start, only the
 * writes left open are read back from the journal and delivered, however long the journal is.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';

/** A journal item's key: its stream and version. */
export type CommitKey = readonly [streamId: string, version: string];

// Rewrite the file once it holds this many lines more than the open writes need.
const COMPACT_AFTER = 1024;

export class StreamLog {
  private fd: number;
  private lines = 0;

  private constructor(
    private readonly path: string,
    private readonly open: Map<string, number>,
  ) {
    this.fd = openSync(path, 'a');
    this.compact();
  }

  /** Opens the log in `path`; `fresh` says there was none (the journal may hold writes it never saw). */
  static open(path: string): { log: StreamLog; fresh: boolean } {
    const fresh = !existsSync(path);
    return { log: new StreamLog(path, fresh ? new Map() : readOpen(readFileSync(path, 'utf8'))), fresh };
  }

  /** The writes begun and not settled, as left by the last run. */
  unsettled(): CommitKey[] {
    return [...this.open.keys()].map((key) => JSON.parse(key) as CommitKey);
  }

  /** Before the store handles a journal write. */
  begin(key: CommitKey): void {
    const line = JSON.stringify(key);
    this.open.set(line, (this.open.get(line) ?? 0) + 1);
    this.append(`+${line}`);
  }

  /** The write was refused, or its record reached every consumer; `all`: every open write of this key. */
  settle(key: CommitKey, all = false): void {
    const line = JSON.stringify(key);
    const count = this.open.get(line);
    if (count === undefined) return;
    const settled = all ? count : 1;
    if (count > settled) this.open.set(line, count - settled);
    else this.open.delete(line);
    for (let i = 0; i < settled; i++) this.append(`-${line}`);
    if (this.lines > COMPACT_AFTER + this.open.size) this.compact();
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(line: string): void {
    writeSync(this.fd, `${line}\n`);
    this.lines += 1;
  }

  /** Replaces the file with the open writes alone (written aside, then renamed over it: never half a file). */
  private compact(): void {
    const lines = [...this.open].flatMap(([key, count]) => Array.from({ length: count }, () => `+${key}\n`));
    writeFileSync(`${this.path}.next`, lines.join(''));
    renameSync(`${this.path}.next`, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.lines = lines.length;
  }
}

function readOpen(text: string): Map<string, number> {
  const open = new Map<string, number>();
  for (const line of text.split('\n')) {
    const key = line.slice(1);
    // A line cut short by a kill belongs to a write the store never saw.
    if (!isKey(key)) continue;
    const count = (open.get(key) ?? 0) + (line[0] === '+' ? 1 : -1);
    if (count > 0) open.set(key, count);
    else open.delete(key);
  }
  return open;
}

function isKey(text: string): boolean {
  try {
    const key = JSON.parse(text) as unknown;
    return Array.isArray(key) && key.length === 2 && key.every((part) => typeof part === 'string');
  } catch {
    return false;
  }
}
