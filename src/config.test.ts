import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CONFIG_VARIABLES, loadConfig } from './config.js';

describe('configuration', () => {
  it('documents every environment variable in the README table, and no others', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual([...documented].sort(), [...CONFIG_VARIABLES].sort());
  });

  it('defaults to embedded SQLite on port 3000', () => {
    const config = loadConfig({});
    assert.equal(config.databaseUrl, 'sqlite:./data/rally.db');
    assert.equal(config.port, 3000);
    assert.equal(config.baseUrl, 'http://localhost:3000');
  });

  it('rejects a bad value with the variable named', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ BASE_URL: 'not a url' }), /BASE_URL/);
  });
});
