// Writes of the CLI's output and errors. process.stdout and process.stderr are made on first use,
// and for a pipe or a file that loads the net and stream modules: a few milliseconds of every
// call, more than most commands take to print. A blocking write to the descriptor does the same
// for the few lines a command prints. Should it fail (a descriptor left non-blocking by whoever
// shares it: EAGAIN; a closed pipe: EPIPE), the rest and everything after it go through the
// stream, in order, which then behaves as it always did.
import { writeSync } from 'node:fs';

const viaStream = { 1: false, 2: false };

function write(fd: 1 | 2, text: string): void {
  let rest = Buffer.from(text, 'utf8');
  if (!viaStream[fd]) {
    try {
      while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
      return;
    } catch {
      viaStream[fd] = true;
    }
  }
  (fd === 1 ? process.stdout : process.stderr).write(rest);
}

export function writeStdout(text: string): void {
  write(1, text);
}

export function writeStderr(text: string): void {
  write(2, text);
}
