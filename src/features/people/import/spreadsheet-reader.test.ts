import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ExcelJS from 'exceljs';
import { CUSTOM_FIELD_VALUE_MAX_LENGTH, NAME_MAX_LENGTH } from '../person-input.js';
import { applyOverrides, guessMapping, mappingProblems } from './column-mapping.js';
import { MAX_COLUMNS, MAX_HEADER_LENGTH } from './import.limits.js';
import { rejectedHeaderLine, rejectedLine } from './rejected-csv.js';
import { consentAnswer, rowToPerson } from './row-to-person.js';
import {
  type SheetRow,
  SpreadsheetError,
  detectDelimiter,
  detectKind,
  openSheet,
} from './spreadsheet-reader.js';

/** The bytes as a stream arriving in small pieces, as an upload or a file read does. */
async function* pieces(bytes: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readCsv(text: string | Buffer, size?: number) {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const sheet = await openSheet('csv', pieces(bytes, size));
  const rows: SheetRow[] = [];
  for await (const row of sheet.rows) rows.push(row);
  return { headers: sheet.headers, rows };
}

describe('reading CSV', () => {
  it('finds the delimiter on the header line', () => {
    assert.equal(detectDelimiter('Email,Name'), ',');
    assert.equal(detectDelimiter('Email;Name;"Post, code"'), ';');
    assert.equal(detectDelimiter('Email\tName\tTown'), '\t');
    assert.equal(detectDelimiter('"Email;address",Name'), ',');
    assert.equal(detectDelimiter('Email'), ',');
  });

  it('strips a byte-order mark and reads semicolons, quoted newlines and CRLF', async () => {
    const { headers, rows } = await readCsv(
      '\ufeffEmail;Notes\r\na@example.org;"line one\r\nline two; still notes"\r\nb@example.org;plain\r\n',
      3,
    );
    assert.deepEqual(headers, ['Email', 'Notes']);
    assert.deepEqual(rows, [
      { number: 2, cells: ['a@example.org', 'line one\r\nline two; still notes'] },
      { number: 3, cells: ['b@example.org', 'plain'] },
    ]);
  });

  it('reads tab-separated files and Windows-1252 text', async () => {
    const latin = Buffer.concat([
      Buffer.from('Email\tName\n'),
      Buffer.from('z@example.org\tZo'),
      Buffer.from([0xeb]), // ë in Windows-1252, invalid as UTF-8
      Buffer.from('\n'),
    ]);
    const { rows } = await readCsv(latin);
    assert.deepEqual(rows[0]?.cells, ['z@example.org', 'Zoë']);
  });

  it('numbers rows as a spreadsheet does, skipping blank ones', async () => {
    const { rows } = await readCsv('Email,Name\n\na@example.org,A\n,\n   ,  \nb@example.org,B\n\n');
    assert.deepEqual(
      rows.map((r) => [r.number, r.cells[0]]),
      [
        [3, 'a@example.org'],
        [6, 'b@example.org'],
      ],
    );
  });

  it('flags short and long rows, but not trailing empty cells', async () => {
    const { rows } = await readCsv('Email,Name,Town\na,b\na,b,c,d\na,b,c,,\n');
    assert.deepEqual(rows, [
      {
        number: 2,
        cells: ['a', 'b'],
        problem: 'the row has 2 values but the header has 3 columns',
      },
      {
        number: 3,
        cells: ['a', 'b', 'c', 'd'],
        problem: 'the row has 4 values but the header has 3 columns',
      },
      { number: 4, cells: ['a', 'b', 'c'] },
    ]);
  });

  it('reports an unclosed quote as a row that stops the file, keeping the rows before', async () => {
    const { rows } = await readCsv(
      'Email,Notes\na@example.org,ok\nb@example.org,"never closed\nc,d\n',
    );
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], { number: 2, cells: ['a@example.org', 'ok'] });
    assert.equal(rows[1]?.number, 3);
    assert.match(rows[1]?.problem ?? '', /a quote opened in this row is never closed/);
  });

  it('keeps stray quotes inside unquoted cells', async () => {
    const { rows } = await readCsv('Email,Height\na@example.org,5" 2\n');
    assert.deepEqual(rows[0]?.cells, ['a@example.org', '5" 2']);
  });

  it('names blank and repeated headers, and cuts long ones', async () => {
    const long = 'H'.repeat(MAX_HEADER_LENGTH + 10);
    const { headers } = await readCsv(`Email,,email,${long}\nx,y,z,w\n`);
    assert.deepEqual(headers, ['Email', 'Column 2', 'email (2)', 'H'.repeat(MAX_HEADER_LENGTH)]);
  });

  it('refuses a header row that is empty or too wide', async () => {
    await assert.rejects(readCsv(',,\na,b,c\n'), SpreadsheetError);
    await assert.rejects(readCsv(''), /The file is empty/);
    const wide = Array.from({ length: MAX_COLUMNS + 1 }, (_, i) => `c${i}`).join(',');
    await assert.rejects(readCsv(`${wide}\n`), new RegExp(`at most ${MAX_COLUMNS}`));
  });

  it('reads a 1 MB cell whole', async () => {
    const big = 'y'.repeat(1024 * 1024);
    const { rows } = await readCsv(`Email,Notes\na@example.org,"${big}"\nb@example.org,x\n`, 65536);
    assert.equal(rows[0]?.cells[1]?.length, big.length);
    assert.equal(rows[1]?.cells[0], 'b@example.org');
  });
});

describe('reading XLSX', () => {
  it('streams the first worksheet, with dates as ISO dates', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('People');
    sheet.addRow(['Email', 'Joined', 'Count']);
    sheet.addRow(['a@example.org', new Date(Date.UTC(2024, 2, 5)), 3]);
    sheet.addRow(['b@example.org', new Date(Date.UTC(2024, 2, 5, 14, 30)), null]);
    workbook.addWorksheet('Other').addRow(['ignored']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    assert.equal(detectKind('people.xlsx', bytes), 'xlsx');
    const read = await openSheet('xlsx', pieces(bytes, 4096));
    const rows: SheetRow[] = [];
    for await (const row of read.rows) rows.push(row);
    assert.deepEqual(read.headers, ['Email', 'Joined', 'Count']);
    assert.deepEqual(rows, [
      { number: 2, cells: ['a@example.org', '2024-03-05', '3'] },
      { number: 3, cells: ['b@example.org', '2024-03-05T14:30:00', ''] },
    ]);
  });

  it('tells CSV from XLSX by content, and refuses old .xls files', () => {
    assert.equal(detectKind('list.xlsx.csv', Buffer.from('Email\n')), 'csv');
    assert.throws(() => detectKind('a.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0])), /\.xls/);
    assert.throws(() => detectKind('a.xlsx', Buffer.from('Email\n')), /not an Excel workbook/);
  });
});

describe('mapping columns', () => {
  it('guesses common headers', () => {
    const headers = [
      'E-mail address',
      'email_address',
      'Forename',
      'Last name',
      'Zip',
      'Mobile',
      'Twitter',
      'Tags',
      'Email opt-in',
      'Rejected because',
    ];
    assert.deepEqual(guessMapping(headers), [
      'email',
      'custom',
      'firstName',
      'lastName',
      'postcode',
      'phone',
      'custom',
      'tags',
      'consent:email',
      'ignore',
    ]);
    assert.deepEqual(guessMapping(['email_address', 'Post code', 'Surname', 'Phone', 'Consent']), [
      'email',
      'postcode',
      'lastName',
      'phone',
      'consent:email',
    ]);
  });

  it('applies --map overrides by header or column number', () => {
    const headers = ['Email', 'Work email', 'Opt in'];
    const mapping = applyOverrides(headers, guessMapping(headers), [
      'work email=email',
      '3=ignore',
    ]);
    assert.deepEqual(mapping, ['custom', 'email', 'ignore']);
    assert.throws(() => applyOverrides(headers, mapping, ['Nope=email']), /no column "Nope"/);
    assert.throws(() => applyOverrides(headers, mapping, ['Email=wrong']), /expected COLUMN=FIELD/);
  });

  it('needs exactly one email column', () => {
    assert.deepEqual(mappingProblems(['A'], ['custom']), [
      'Choose the column that holds email addresses.',
    ]);
    assert.deepEqual(mappingProblems(['A', 'B'], ['email', 'email']), [
      'Only one column can be Email: "A", "B".',
    ]);
  });
});

describe('turning a row into a person', () => {
  const headers = ['Email', 'First name', 'Notes', 'Consent', 'Tags'];
  const mapping = guessMapping(headers).map((t, i) => (i === 3 ? 'consent:email' : t));

  it('checks each field against its limit, at the boundary', () => {
    const atLimit = rowToPerson(headers, mapping, [
      'a@example.org',
      'N'.repeat(NAME_MAX_LENGTH),
      'v'.repeat(CUSTOM_FIELD_VALUE_MAX_LENGTH),
      '',
      '',
    ]);
    assert.equal(atLimit.ok, true);
    assert.deepEqual(
      rowToPerson(headers, mapping, ['a@example.org', 'N'.repeat(NAME_MAX_LENGTH + 1), '', '', '']),
      { ok: false, reason: `column "First name": value longer than ${NAME_MAX_LENGTH} characters` },
    );
    assert.deepEqual(
      rowToPerson(headers, mapping, [
        'a@example.org',
        '',
        'v'.repeat(CUSTOM_FIELD_VALUE_MAX_LENGTH + 1),
        '',
        '',
      ]),
      {
        ok: false,
        reason: `column "Notes": value longer than ${CUSTOM_FIELD_VALUE_MAX_LENGTH} characters`,
      },
    );
  });

  it('reads consent answers strictly', () => {
    for (const yes of ['yes', 'Y', 'TRUE', '1', 'x', 'Opted in', 'opted-in'])
      assert.equal(consentAnswer(yes), true, yes);
    for (const no of ['no', 'N', 'false', '0', '', '  '])
      assert.equal(consentAnswer(no), false, JSON.stringify(no));
    for (const unclear of ['maybe', '2', 'si']) assert.equal(consentAnswer(unclear), undefined);
  });

  it('splits tags, normalises the email and keeps notes line breaks', () => {
    const result = rowToPerson(headers, mapping, [
      '  Someone@Example.ORG ',
      '  Jo   Ann ',
      'line 1\nline 2',
      'yes',
      'Volunteer; donor | volunteer',
    ]);
    assert.deepEqual(result, {
      ok: true,
      person: {
        email: 'someone@example.org',
        firstName: 'Jo Ann',
        lastName: null,
        postcode: null,
        phone: null,
        tags: ['volunteer', 'donor'],
        customFields: { Notes: 'line 1\nline 2' },
        consents: [{ channel: 'email', header: 'Consent' }],
      },
    });
  });
});

describe('the rejected-rows file', () => {
  it('guards formula-like values and pads short rows so the reason lines up', () => {
    assert.equal(rejectedHeaderLine(['Email', 'Name']), '\ufeffEmail,Name,Rejected because\r\n');
    assert.equal(rejectedLine(2, ['=1+1'], 'bad, very'), `'=1+1,,"bad, very"\r\n`);
  });
});
