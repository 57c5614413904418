import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerKey, readCsv } from './read-csv.js';

const csv = (text: string) => Buffer.from(text, 'utf8');

describe('reading uploaded CSV files', () => {
  it('guesses the delimiter, drops the BOM, trims cells and skips empty rows', () => {
    const read = readCsv(csv('\uFEFFName; Party\n Ann ;Green\n\n;\nBo;Red\n'), {
      maxBytes: 1024,
      maxRows: 10,
    });
    assert.ok(read.ok);
    assert.deepEqual(read.header, ['Name', 'Party']);
    assert.deepEqual(
      read.rows.map((r) => [r.cells, r.line]),
      [
        [['Ann', 'Green'], 2],
        [['Bo', 'Red'], 5],
      ],
    );
  });

  it('reads Windows-1252 files and ragged rows', () => {
    const bytes = Buffer.concat([
      csv('name\tnote\n'),
      Buffer.from([0x43, 0x61, 0x66, 0xe9]),
      csv('\n'),
    ]);
    const read = readCsv(bytes, { maxBytes: 1024 });
    assert.ok(read.ok);
    assert.deepEqual(read.rows[0]?.cells, ['Café']);
  });

  it('numbers rows as a spreadsheet does when blank lines are kept', () => {
    const read = readCsv(csv('a,b\n\n1,2\n'), { maxBytes: 1024, keepBlankLines: true });
    assert.ok(read.ok);
    assert.deepEqual(
      read.rows.map((r) => [r.cells, r.row]),
      [[['1', '2'], 3]],
    );
  });

  it('refuses large, empty, malformed and over-long files with a 4xx and a reason', () => {
    assert.deepEqual(readCsv(Buffer.alloc(2 * 1024 * 1024), { maxBytes: 1024 * 1024 }), {
      ok: false,
      status: 413,
      message: 'The file is larger than 1 MB. Split it into smaller files and import each.',
    });
    assert.deepEqual(readCsv(csv(' \n\n'), { maxBytes: 1024 }), {
      ok: false,
      status: 400,
      message: 'The file is empty.',
    });
    const broken = readCsv(csv('a,b\n"unclosed,1\n'), { maxBytes: 1024 });
    assert.equal(broken.ok, false);
    assert.match(!broken.ok ? broken.message : '', /could not be read as CSV/);
    const atLimit = readCsv(csv('a\n1\n2\n'), { maxBytes: 1024, maxRows: 2 });
    assert.equal(atLimit.ok, true);
    const over = readCsv(csv('a\n1\n2\n3\n'), { maxBytes: 1024, maxRows: 2 });
    assert.deepEqual(over, {
      ok: false,
      status: 413,
      message: 'The file has more than 2 rows. Split it into smaller files and import each.',
    });
    const custom = readCsv(Buffer.alloc(10), { maxBytes: 5, tooLargeMessage: 'Too big.' });
    assert.equal(!custom.ok && custom.message, 'Too big.');
  });

  it('compares headers by their letters and digits only', () => {
    assert.equal(headerKey(' Constituency Code '), 'constituencycode');
    assert.equal(headerKey('E-mail_Address'), 'emailaddress');
    assert.equal(headerKey('Prénom'), 'prenom');
  });
});
