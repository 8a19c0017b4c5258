// Progress bars. On a terminal they use eighth-blocks (smooth at any width); in logs plain ASCII.

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

export interface BarOptions {
  /** Characters inside the bar. @defaultValue 20 */
  width?: number;
  /** Unicode blocks (terminals) or `#`/`.` (logs, CI). @defaultValue false */
  unicode?: boolean;
}

/** A bar of exactly `width` characters for a fraction in [0, 1] (clamped; NaN counts as 0). */
export function progressBar(fraction: number, options: BarOptions = {}): string {
  const width = options.width ?? 20;
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  if (options.unicode !== true) {
    const filled = Math.floor(f * width);
    return '#'.repeat(filled) + '.'.repeat(width - filled);
  }
  const eighths = Math.floor(f * width * 8);
  const full = Math.floor(eighths / 8);
  const partial = EIGHTHS[eighths % 8] ?? '';
  return ('█'.repeat(full) + partial).padEnd(width, ' ');
}
