export { createZoomProvider, type ZoomProviderOptions } from './zoom.provider.js';
