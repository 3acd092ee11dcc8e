/** Where a command writes; injectable so tests read a command's output without spying on process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Reads standard input to the end (for `-` file arguments). */
  stdin(): Promise<string>;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** An Io that collects output in memory, for tests. */
export const memoryIo = (input = ''): Io & { stdout: () => string; stderr: () => string } => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (text) => void out.push(text),
    err: (text) => void err.push(text),
    stdin: async () => input,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
};
