import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The console is served by the API server from dist/; in `vite` dev mode /v1 is proxied to it. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  server: { proxy: { '/v1': 'http://127.0.0.1:3000' } },
});
