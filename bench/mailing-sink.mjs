// A local SMTP sink in a process of its own for `npm run bench:mailing`: counts messages per
// recipient and reports the counts to its parent over IPC when asked.
import { SMTPServer } from 'smtp-server';

const counts = new Map();
let total = 0;
let first = 0;
let last = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      for (const r of session.envelope.rcptTo)
        counts.set(r.address, (counts.get(r.address) ?? 0) + 1);
      total += 1;
      last = Date.now();
      if (!first) first = last;
      callback();
    });
  },
});
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => process.send({ port: server.server.address().port }));
process.on('message', (m) => {
  if (m === 'total') process.send({ total, first, last });
  if (m === 'report') {
    let duplicates = 0;
    for (const n of counts.values()) if (n > 1) duplicates += 1;
    process.send({ total, first, last, duplicates, addresses: [...counts.keys()] });
  }
});
