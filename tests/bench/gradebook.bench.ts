/**
 * `npm run bench:gradebook` entry. The entities use legacy decorators, so the benchmark itself is loaded
 * with the tests' tsconfig (experimentalDecorators) whatever tsconfig the runner found.
 */
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';

await tsImport('./gradebook.run.ts', { parentURL: import.meta.url, tsconfig: path.resolve(import.meta.dirname, '../tsconfig.json') });
