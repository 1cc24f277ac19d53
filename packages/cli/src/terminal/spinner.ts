/**
 * A spinner on stderr while nothing else happens, so a user sees the command is alive during a
 * long step. Only when stderr is a terminal: in a log file or a pipe it would be noise. It draws
 * on a line of its own and erases itself before anything else is written.
 */
export interface Spinner {
  start(label: string): void;
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export function createSpinner(stream: NodeJS.WriteStream = process.stderr): Spinner {
  if (!stream.isTTY) return { start() {}, stop() {} };
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  const draw = (label: string) => {
    stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}`);
  };
  return {
    start(label) {
      if (timer) clearInterval(timer);
      draw(label);
      timer = setInterval(() => draw(label), 100);
      // A spinner alone never keeps the process alive.
      timer.unref();
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      stream.write('\r\x1b[2K');
    },
  };
}
