import { readFile, writeFile } from 'node:fs/promises';
import { renderConfigReference, replaceReference } from '../docs/index.js';

/** npm run docs: regenerates the README's config reference from the schemas. */
const file = new URL('../../../README.md', import.meta.url);
const before = await readFile(file, 'utf8');
const after = replaceReference(before, renderConfigReference());
await writeFile(file, after);
process.stdout.write(before === after ? 'README config reference already up to date\n' : 'README config reference regenerated\n');
