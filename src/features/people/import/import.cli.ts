import { createReadStream, createWriteStream, existsSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import type { CliCommand } from '../../../infra/services.js';
import {
  TARGET_LABELS,
  applyOverrides,
  consentChannelOf,
  guessMapping,
  mappingProblems,
} from './column-mapping.js';
import { type ImportCounts, type RejectedRow, runImport } from './import-runner.js';
import { rejectedHeaderLine, rejectedLine } from './rejected-csv.js';
import { SpreadsheetError, detectKind, openSheet } from './spreadsheet-reader.js';

/** Rejected rows printed one by one; the rest are only counted (all are in the file). */
const REJECTS_PRINTED = 10;

/** Groups reasons that differ only in the value quoted or the row named. */
export function reasonKind(reason: string): string {
  return reason.replace(/"[^"]*"…?/g, '"…"').replace(/\b\d+\b/g, 'N');
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(8);
    const { bytesRead } = await handle.read(buffer, 0, 8, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function printCounts(counts: ImportCounts, dryRun: boolean) {
  const verb = dryRun ? 'Would create' : 'Created';
  console.log(
    `${verb} ${counts.created}, updated ${counts.updated}, unchanged ${counts.unchanged}, rejected ${counts.rejected} (of ${counts.rows} rows); ${counts.consents} consent record(s)${dryRun ? ' would be' : ''} written.`,
  );
}

export const importPeopleCommand: CliCommand = {
  summary: 'Import supporters from a CSV or Excel (.xlsx) file, matching people by email',
  usage:
    'rally import people FILE [--map COLUMN=FIELD …] [--dry-run]\n' +
    '  FIELD: email, firstName, lastName, postcode, phone, tags, consent:email, consent:sms,\n' +
    '  consent:phone, consent:post, custom, ignore. Consent is read only from columns named with\n' +
    '  --map. Rejected rows are written to FILE.rejected.csv.',
  options: {
    map: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
  },
  async run(values, positionals, cli) {
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      console.error(`Usage: ${importPeopleCommand.usage}`);
      return 2;
    }
    if (!existsSync(file)) {
      console.error(`No such file: ${file}`);
      return 2;
    }
    const dryRun = values['dry-run'] === true;
    const overrides = [values.map ?? []].flat().map(String);
    const filename = basename(file);
    const rejectedPath = `${file}.rejected.csv`;

    let out: WriteStream | undefined;
    return cli.withServices(async ({ db }) => {
      try {
        const kind = detectKind(filename, await readHead(file));
        const sheet = await openSheet(kind, createReadStream(file));
        // Nobody confirms a guessed mapping here, so consent comes only from columns named
        // with --map; a guessed consent column is kept as a custom field instead.
        const guessed = guessMapping(sheet.headers).map((t) =>
          consentChannelOf(t) ? 'custom' : t,
        );
        const mapping = applyOverrides(sheet.headers, guessed, overrides);
        const problems = mappingProblems(sheet.headers, mapping);
        if (problems.length > 0) {
          console.error(problems.join('\n'));
          console.error(`Columns: ${sheet.headers.join(', ')}`);
          return 2;
        }
        console.log(
          `Columns: ${sheet.headers.map((h, i) => `${h} → ${TARGET_LABELS[mapping[i] ?? 'ignore']}`).join('; ')}`,
        );

        if (existsSync(rejectedPath)) rmSync(rejectedPath);
        const byKind = new Map<string, number>();
        const printed: RejectedRow[] = [];
        const onRejected = async (rows: RejectedRow[]) => {
          if (!out) {
            out = createWriteStream(rejectedPath);
            out.write(rejectedHeaderLine(sheet.headers));
          }
          for (const row of rows) {
            const kindOf = reasonKind(row.reason);
            byKind.set(kindOf, (byKind.get(kindOf) ?? 0) + 1);
            if (printed.length < REJECTS_PRINTED) printed.push(row);
            if (!out.write(rejectedLine(sheet.headers.length, row.cells, row.reason)))
              await once(out, 'drain');
          }
        };
        const counts = await runImport({ db, sheet, mapping, filename, dryRun, onRejected });
        if (out) {
          out.end();
          await once(out, 'finish');
        }

        if (dryRun) console.log('Dry run: nothing was written to the database.');
        printCounts(counts, dryRun);
        if (counts.rejected > 0) {
          console.log('Rejected rows by reason:');
          for (const [reason, n] of [...byKind].sort((a, b) => b[1] - a[1]))
            console.log(`  ${String(n).padStart(7)}  ${reason}`);
          for (const row of printed) console.log(`  row ${row.number}: ${row.reason}`);
          if (counts.rejected > printed.length)
            console.log(`  … and ${counts.rejected - printed.length} more`);
          console.log(`Rejected rows written to ${rejectedPath}`);
        }
        const imported = counts.created + counts.updated + counts.unchanged;
        return imported === 0 && counts.rejected > 0 ? 1 : 0;
      } catch (err) {
        if (err instanceof SpreadsheetError) {
          console.error(`${filename}: ${err.message}`);
          return 1;
        }
        throw err;
      } finally {
        out?.destroy();
      }
    });
  },
};
