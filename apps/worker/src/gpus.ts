// GPU discovery for the default slot plan: `nvidia-smi` lists the GPU indices this machine exposes (inside a
// container, only those the runtime granted). No nvidia-smi, or any error → no GPUs (CPU slots).
import { execFile } from 'node:child_process';

/** GPU indices ("0", "1", …) nvidia-smi reports, or [] when it is missing or fails within `timeoutMs`. */
export function detectGpus(timeoutMs = 5_000): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], { timeout: timeoutMs }, (err, stdout) => {
      if (err) {
        resolve([]);
        return;
      }
      resolve(parseGpuList(stdout));
    });
  });
}

/** Parses nvidia-smi's one-index-per-line output, ignoring anything that is not a number. */
export function parseGpuList(stdout: string): string[] {
  return stdout.split('\n').map((line) => line.trim()).filter((line) => /^\d+$/.test(line));
}
