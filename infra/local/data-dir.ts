/**
 * One process per DATA_DIR. dynalite's LevelDB takes a lock, but a second opener learns of it only through an
 * uncaught error; a pid file lets us say plainly which process holds the folder.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims the folder for this process; the returned function gives it back. */
export function claimDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'taqweem.pid');
  const holder = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  if (holder && holder !== process.pid && alive(holder)) {
    throw new Error(`${dataDir} is in use by process ${holder} (npm start?). Stop it first, or choose another DATA_DIR.`);
  }
  writeFileSync(pidFile, String(process.pid));
  return () => rmSync(pidFile, { force: true });
}
