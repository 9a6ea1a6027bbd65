import fs from 'node:fs';
import path from 'node:path';

/** The shipped test corpus: 100+ articles as Markdown with front matter, synonyms, and queries. */
const DIR = path.resolve(import.meta.dirname, '../fixtures/kb');

export const corpusFiles = () =>
  fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((name) => ({ name, content: fs.readFileSync(path.join(DIR, name), 'utf8') }));

export const corpusSynonyms = (): string[][] =>
  JSON.parse(fs.readFileSync(path.join(DIR, 'synonyms.json'), 'utf8'));

export const corpusQueries = (): { query: string; expect: string; why: string }[] =>
  JSON.parse(fs.readFileSync(path.join(DIR, 'queries.json'), 'utf8'));
