import { statfs, type FileHandle } from 'node:fs/promises';

/**
 * The file-system calls whose failures the copier must handle, as a port so
 * tests can make them fail (a full disk, a source that goes away) or count
 * them (bytes read from the source) without a real broken disk.
 */
export interface CopierIo {
  /** Free space of the file system holding `path`, as fs.statfs reports it. */
  statfs(path: string): Promise<{ bavail: number; bsize: number }>;
  /** Reads up to `length` bytes of the source at `position`; resolves with the count (0 at end of file). */
  readSource(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number>;
  /** Writes up to `length` bytes to the partial file at `position`; resolves with the count written. */
  writePartial(handle: FileHandle, buffer: Buffer, length: number, position: number): Promise<number>;
}

export const nodeIo: CopierIo = {
  statfs: (path) => statfs(path),
  readSource: async (handle, buffer, length, position) => (await handle.read(buffer, 0, length, position)).bytesRead,
  writePartial: async (handle, buffer, length, position) =>
    (await handle.write(buffer, 0, length, position)).bytesWritten,
};
