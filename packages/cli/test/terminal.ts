import { spawn } from 'node:child_process';
import { BIN, userEnvironment } from './cli.js';

/** A shell word: single-quoted, its own single quotes closed and escaped. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** The command line running under a pseudo-terminal: what it showed, and typing into it. */
export interface TerminalSession {
  /** Resolves once the terminal has shown `text` (rejects after a while). */
  waitFor(text: string): Promise<void>;
  /** Types into the terminal, as at a keyboard (`\r` is Enter). */
  type(text: string): void;
  /** Everything the terminal showed so far: echoes, prompts, output. */
  screen(): string;
  /** The command's exit code (`script -e` returns it). */
  exited: Promise<number | null>;
}

/**
 * Runs `agent-protocol ...args` in a pseudo-terminal: util-linux `script` gives it a terminal for
 * stdin, stdout and stderr, and copies what is typed here to it. What the terminal echoes (or,
 * at a hidden prompt, does not) is in `screen()`, as a user would see it.
 */
export function inTerminal(
  args: readonly string[],
  env: Record<string, string> = {},
): TerminalSession {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...userEnvironment(), TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const waiting: { text: string; resolve: () => void }[] = [];
  const onData = (data: Buffer) => {
    screen += data.toString();
    for (const w of [...waiting]) {
      if (screen.includes(w.text)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve, reject) => {
    // 'close', not 'exit': by then everything the terminal showed has been read.
    child.on('close', (code) => resolve(code));
    // util-linux `script` (Debian's bsdutils, always installed) is what gives us a terminal.
    child.on('error', (error) =>
      reject(new Error(`cannot run util-linux script for a pseudo-terminal: ${error.message}`)),
    );
  });
  return {
    exited,
    screen: () => screen,
    type: (text) => child.stdin.write(text),
    waitFor(text) {
      if (screen.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`the terminal never showed ${JSON.stringify(text)}:\n${screen}`)),
          30_000,
        );
        waiting.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        // Ended (or never started) without showing it: say so now, not after the timeout.
        exited.then(
          (code) => {
            if (screen.includes(text)) return;
            clearTimeout(timer);
            reject(
              new Error(`exited (${code}) before showing ${JSON.stringify(text)}:\n${screen}`),
            );
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error as Error);
          },
        );
      });
    },
  };
}
