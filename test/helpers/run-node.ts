// Tests that start a Node program: in a child process, awaited (a test blocked in a sync spawn
// stops answering vitest's RPC), stdin from a string, stdout and stderr collected.

import { spawn } from 'node:child_process';

export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node <args>`, with `env` added to this process's environment. */
export function runNode(args: string[], input?: string, env?: Record<string, string>): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin!.end(input);
  });
}
