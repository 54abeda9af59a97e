import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** A pure single-page app: the Express server serves `build/` and falls back to index.html. */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html' }),
    alias: { $features: 'src/lib/features', $ui: 'src/lib/ui' },
  },
};

export default config;
