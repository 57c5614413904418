import { createInterface } from 'node:readline';
import type { CliCommand } from '../../infra/services.js';
import { createCivilityGuard } from './civility.service.js';

/** One input line: a JSON object {"text": …} when it parses as one, otherwise the text itself. */
function textOf(line: string): string | { error: string } {
  if (!line.trimStart().startsWith('{')) return line;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (
      parsed &&
      typeof parsed === 'object' &&
      typeof (parsed as { text?: unknown }).text === 'string'
    )
      return (parsed as { text: string }).text;
    return { error: 'JSON line without a "text" string' };
  } catch {
    return line;
  }
}

export const civilityCli: Record<string, CliCommand> = {
  'civility assess': {
    summary: 'Score text from stdin with the civility guard, one JSON result per line',
    usage: 'rally civility assess < texts.txt   (one text per line, or JSON lines {"text": …})',
    // Loads only the model: no database, so it starts fast and works anywhere.
    run: async () => {
      const guard = createCivilityGuard();
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      let failed = false;
      for await (const line of lines) {
        const text = textOf(line);
        if (typeof text !== 'string') {
          failed = true;
          process.stdout.write(`${JSON.stringify(text)}\n`);
          continue;
        }
        const { score, decision, labels } = guard.assess(text);
        process.stdout.write(`${JSON.stringify({ score, decision, labels })}\n`);
      }
      return failed ? 1 : 0;
    },
  },
};
