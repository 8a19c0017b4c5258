// Hash routes: the api serves one index.html at `/`, so every page lives after the `#`.
//   #/                  sweeps list
//   #/sweeps/<id>       one sweep
//   #/runs/<id>         one run
//   #/budget?maxParams=…&maxFlops=…   best runs under a budget

export type Route =
  | { page: 'sweeps' }
  | { page: 'sweep'; id: string }
  | { page: 'run'; id: string }
  | { page: 'budget'; query: URLSearchParams }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const segments = pathPart.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const [first, second, ...rest] = segments;
  if (first === undefined || (first === 'sweeps' && second === undefined)) return { page: 'sweeps' };
  if (first === 'sweeps' && second !== undefined && rest.length === 0) return { page: 'sweep', id: second };
  if (first === 'runs' && second !== undefined && rest.length === 0) return { page: 'run', id: second };
  if (first === 'budget' && second === undefined) return { page: 'budget', query: new URLSearchParams(queryPart) };
  return { page: 'not-found', path: raw };
}

export const href = {
  sweeps: (): string => '#/',
  sweep: (id: string): string => `#/sweeps/${encodeURIComponent(id)}`,
  run: (id: string): string => `#/runs/${encodeURIComponent(id)}`,
  budget: (query?: URLSearchParams): string => {
    const text = query?.toString() ?? '';
    return text === '' ? '#/budget' : `#/budget?${text}`;
  },
};
