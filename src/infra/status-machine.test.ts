import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusMachine } from './status-machine.js';

describe('status machine', () => {
  const machine = statusMachine<'publish' | 'close', 'draft' | 'open' | 'closed'>({
    publish: { from: ['draft', 'closed'], to: 'open', label: 'Publish' },
    close: { from: ['open'], to: 'closed', label: 'Close' },
  });

  it('knows its own actions only, not inherited names', () => {
    assert.ok(machine.isAction('publish'));
    for (const name of ['toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty', ''])
      assert.equal(machine.isAction(name), false, name);
  });

  it('allows a change only from the statuses it names, and offers just those', () => {
    assert.equal(machine.ruleFor('publish', 'draft')?.to, 'open');
    assert.equal(machine.ruleFor('publish', 'open'), undefined);
    assert.deepEqual(
      machine.offered('open').map(([action]) => action),
      ['close'],
    );
    assert.deepEqual(
      machine.offered('closed').map(([action]) => action),
      ['publish'],
    );
  });
});
