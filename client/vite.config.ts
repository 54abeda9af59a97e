import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const api = process.env.TP_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [sveltekit()],
  // `@tp/shared` is TypeScript source in the workspace: let Vite transform it rather than pre-bundle it.
  optimizeDeps: { exclude: ['@tp/shared'] },
  ssr: { noExternal: ['@tp/shared'] },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/socket.io': { target: api, ws: true, changeOrigin: false },
    },
  },
  build: { chunkSizeWarningLimit: 900 },
});
