// What every page gets from the shell, and what it gives back.

export interface PageContext {
  /** The page's element; the shell empties it on navigation. */
  root: HTMLElement;
  /** Aborted when the user leaves the page: stop requests, streams and timers. */
  signal: AbortSignal;
  /** Sets the document title (the shell adds the product name). */
  setTitle(title: string): void;
}

/** Renders into ctx.root; returns when the first view is on screen (live updates may continue until the abort). */
export type Page = (ctx: PageContext) => Promise<void>;
