import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/**
 * Returns the content of a regular file of at most `maxBytes`, or undefined for anything else
 * (missing, unreadable, too large, a folder, a FIFO, a device or a symbolic link). The size and
 * type are checked on the opened file, so a file swapped after the folder was listed is still
 * skipped. O_NONBLOCK keeps the open of a FIFO from waiting for a writer, and O_NOFOLLOW makes the
 * open of a symbolic link fail.
 */
export function readSmallRegularFile(file: string, maxBytes: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }

  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maxBytes) {
      return undefined;
    }

    const buffer = Buffer.alloc(stats.size);
    let offset = 0;
    while (offset < buffer.length) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) {
        break;
      }
      offset += read;
    }
    return buffer.subarray(0, offset);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
