import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { html } from './html.js';
import { pagination } from './pagination.js';
import { dataTable, rejectedRowsTable } from './tables.js';

const rows = [
  { name: 'Ann <b>', count: 3 },
  { name: 'Bo', count: 12 },
];

describe('data tables', () => {
  it('scopes headers, right-aligns figures and escapes cells', () => {
    const table = dataTable({
      columns: [
        { label: 'Name', cell: (r) => r.name },
        { label: 'Count', numeric: true, cell: (r) => r.count },
        false,
      ],
      rows,
      caption: 'People',
      className: 'people',
      wrapClass: 'wide',
    }).toString();
    assert.match(table, /^<div class="table-wrap wide">\s*<table class="people">/);
    assert.match(table, /<caption>\s*People\s*<\/caption>/);
    assert.match(table, /<th scope="col">Name<\/th><th scope="col" class="num">Count<\/th>/);
    assert.match(table, /<td>Ann &lt;b&gt;<\/td><td class="num">3<\/td>/);
    assert.equal(table.match(/<tr>/g)?.length, 3);
  });

  it('gives row headers and cell attributes', () => {
    const table = dataTable({
      columns: [
        { label: 'Name', rowHeader: true, cell: (r) => html`<a href="#">${r.name}</a>` },
        {
          label: 'Count',
          numeric: true,
          cell: (r) => r.count,
          cellAttributes: () => ({ 'data-n': 1 }),
        },
      ],
      rows,
      rowAttributes: (r) => ({ 'data-name': r.name }),
    }).toString();
    assert.match(
      table,
      /<tr data-name="Bo">\s*<th scope="row"><a href="#">Bo<\/a><\/th><td class="num" data-n="1">12<\/td>/,
    );
  });

  it('says so when there is nothing to list', () => {
    const empty = dataTable({
      columns: [{ label: 'Name', cell: () => '' }],
      rows: [],
      empty: 'No <one>.',
    });
    assert.equal(empty.toString(), '<p class="empty">No &lt;one&gt;.</p>');
    const bare = dataTable({ columns: [{ label: 'Name', cell: () => '' }], rows: [] });
    assert.match(bare.toString(), /<tbody>\s*<\/tbody>/);
  });

  it('lists rejected lines of an import', () => {
    const table = rejectedRowsTable([{ line: 4, reasons: ['No name.', 'Bad email.'] }]).toString();
    assert.match(table, /<td class="num">4<\/td><td>No name. Bad email.<\/td>/);
  });
});

describe('pagination', () => {
  const href = (page: number) => `/list?page=${page}`;

  it('shows nothing for a single page', () => {
    assert.equal(pagination({ page: 1, pageCount: 1, href }), '');
  });

  it('links the pages either side', () => {
    const first = pagination({ page: 1, pageCount: 3, href }).toString();
    assert.doesNotMatch(first, /rel="prev"/);
    assert.match(first, /<nav class="pagination" aria-label="Pages">/);
    assert.match(first, /<span>Page 1 of 3<\/span>/);
    assert.match(first, /<a href="\/list\?page=2" rel="next">Next<\/a>/);
    const last = pagination({
      page: 3,
      pageCount: 3,
      href,
      label: 'History pages',
      previous: 'Newer',
      next: 'Older',
      note: '45 letters',
    }).toString();
    assert.match(last, /aria-label="History pages"/);
    assert.match(last, /<a href="\/list\?page=2" rel="prev">Newer<\/a>/);
    assert.match(last, /Page 3 of 3 \(45 letters\)/);
    assert.doesNotMatch(last, /Older/);
  });
});
