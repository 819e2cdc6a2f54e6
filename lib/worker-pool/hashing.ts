import path from 'node:path';
import { sharedWorkerPool, type TaskRef, type WorkerPool } from './worker-pool';

const task = (name: string): TaskRef => ({ file: path.join(__dirname, 'hash-task.js'), name });

export interface Hashed {
  sha256: string;
  /** Bytes hashed: the size of exactly what the digest describes. */
  sizeBytes: number;
}

/** SHA-256 and size of a file, read and hashed on a worker thread. */
export function sha256File(file: string, pool: WorkerPool = sharedWorkerPool('hashing')): Promise<Hashed> {
  return pool.run(task('sha256File'), { path: file });
}

/** SHA-256 and size of what the open descriptor `fd` holds, on a worker thread; the caller keeps `fd` open. */
export function sha256Fd(fd: number, pool: WorkerPool = sharedWorkerPool('hashing')): Promise<Hashed> {
  return pool.run(task('sha256Fd'), { fd });
}

/**
 * Copies what the open descriptor `fd` holds (from its start) into a new file
 * `to` (0600, created exclusively) and hashes it in the same pass, then
 * fsyncs the copy, all on a worker thread. The caller keeps `fd` open until
 * this settles.
 */
export function copyAndHash(fd: number, to: string, pool: WorkerPool = sharedWorkerPool('hashing')): Promise<Hashed> {
  return pool.run(task('copyAndHash'), { fd, to });
}
