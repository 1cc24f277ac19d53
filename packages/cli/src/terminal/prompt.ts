import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/** The user pressed Ctrl-C at a prompt. */
export class PromptInterrupted extends Error {
  override name = 'PromptInterrupted';
}

/**
 * Asks one line on the terminal (stdin must be a TTY): the question on stderr, so that stdout
 * stays the command's output. Resolves undefined at end of input (Ctrl-D).
 *
 * Hidden, the answer is never echoed: readline puts the terminal in raw mode (the kernel echoes
 * nothing) and draws what is typed on an output that writes nothing. No dependency needed.
 */
function ask(question: string, hidden: boolean): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (!muted) process.stderr.write(chunk);
        done();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    let settled = false;
    const finish = (answer: string | undefined, error?: Error) => {
      if (settled) return;
      settled = true;
      muted = false;
      rl.close();
      if (hidden) process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    rl.on('SIGINT', () => finish(undefined, new PromptInterrupted('Interrupted at a prompt.')));
    rl.on('close', () => finish(undefined));
    rl.question(question, (answer) => finish(answer));
    // The question is drawn; what follows is the user's typing.
    muted = hidden;
  });
}

/** A line typed with echo; undefined at end of input. */
export const askLine = (question: string) => ask(question, false);

/** A line typed without echo (a secret, a password); undefined at end of input. */
export const askHidden = async (question: string): Promise<string | undefined> =>
  ask(question, true);

/** y/N: anything but y or yes (in any case) is no, and so is the end of input. */
export async function confirm(question: string): Promise<boolean> {
  const answer = await askLine(`${question} [y/N] `);
  return /^\s*y(es)?\s*$/i.test(answer ?? '');
}
