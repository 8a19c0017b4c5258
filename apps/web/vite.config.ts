// The dashboard is a static bundle: `vite build` writes dist/, which the api serves at `/`.
// `npm run dev -w @shapesweep/web` serves it with hot reload and forwards /v1 to an api on API_URL.
import { defineConfig } from 'vite';

/** Where `vite dev` forwards API calls. @defaultValue http://127.0.0.1:8080 */
const apiUrl = process.env['API_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: { proxy: { '/v1': { target: apiUrl, changeOrigin: false } } },
});
