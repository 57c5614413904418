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

  it('takes a redis:// URL for REDIS_URL and names it when it is not one', () => {
    assert.equal(loadConfig({}).redisUrl, undefined);
    assert.equal(loadConfig({ REDIS_URL: '' }).redisUrl, undefined);
    const config = loadConfig({ REDIS_URL: 'redis://:secret@10.0.0.5:6379/2' });
    assert.equal(config.redisUrl, 'redis://:secret@10.0.0.5:6379/2');
    assert.equal(config.redisKeyPrefix, 'rally:');
    assert.equal(
      loadConfig({ REDIS_URL: 'rediss://cache.internal' }).redisUrl,
      'rediss://cache.internal',
    );
    for (const bad of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis://', 'redis:// x'])
      assert.throws(() => loadConfig({ REDIS_URL: bad }), /REDIS_URL: use a redis:\/\//, bad);
    assert.throws(() => loadConfig({ REDIS_KEY_PREFIX: 'a b' }), /REDIS_KEY_PREFIX/);
  });

  it('reads TRUST_PROXY as a hop count or a list of proxy addresses, never "trust everyone"', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, 1, 'true means one proxy');
    assert.deepEqual(loadConfig({ TRUST_PROXY: ' 10.0.0.0/8, 127.0.0.1 ,::1' }).trustProxy, [
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    assert.deepEqual(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy, ['loopback']);
    for (const bad of ['0', '-1', 'yes', '10.0.0.300', '10.0.0.0/33', '10.0.0.1,', 'proxy.local'])
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
  });
});
