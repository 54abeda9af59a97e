// A pure single-page app: rendered in the browser only, served by the API server with an SPA fallback.
export const ssr = false;
export const prerender = false;
