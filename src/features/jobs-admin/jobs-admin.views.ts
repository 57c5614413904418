import { type SafeHtml, html, when } from '../../infra/html/html.js';
import type { JobRow } from '../../infra/jobs/job-queue.js';
import { JOB_STATUSES, type JobStatus } from '../../infra/jobs/jobs.tables.js';

export interface JobsOverview {
  counts: Record<JobStatus, number>;
  dead: JobRow[];
  active: JobRow[];
  csrfToken: string;
}

function timeTag(iso: string | null): SafeHtml | '' {
  if (!iso) return '';
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

/** The first line of a stack trace is the message; the rest is on the detail page. */
export function firstLine(text: string | null): string {
  return (text ?? '').split('\n', 1)[0] ?? '';
}

function retryForm(job: JobRow, csrfToken: string): SafeHtml {
  return html`<form method="post" action="/admin/jobs/${job.id}/retry" class="inline-form">
    <input type="hidden" name="_csrf" value="${csrfToken}" />
    <button type="submit">Retry</button>
  </form>`;
}

function moreNote(count: number, shown: number): SafeHtml | '' {
  return when(count > shown, () => html`<p>Showing ${shown} of ${count}.</p>`);
}

function jobTable(headings: string[], rows: SafeHtml[]): SafeHtml {
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          ${headings.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

export function jobsOverviewBody(view: JobsOverview): SafeHtml {
  const { counts, dead, active, csrfToken } = view;
  const deadRows = dead.map(
    (job) =>
      html`<tr>
        <td><a href="/admin/jobs/${job.id}">#${job.id}</a></td>
        <td>${job.type}</td>
        <td>${job.attempts}</td>
        <td>${firstLine(job.last_error)}</td>
        <td>${timeTag(job.finished_at)}</td>
        <td>${retryForm(job, csrfToken)}</td>
      </tr>`,
  );
  const activeRows = active.map(
    (job) =>
      html`<tr>
        <td><a href="/admin/jobs/${job.id}">#${job.id}</a></td>
        <td>${job.type}</td>
        <td>${job.status}${when(job.progress !== null, () => html` (${job.progress}%)`)}</td>
        <td>${job.attempts} of ${job.max_attempts}</td>
        <td>${timeTag(job.run_at)}</td>
        <td>${firstLine(job.last_error)}</td>
      </tr>`,
  );
  return html`<dl class="details job-counts">
      ${JOB_STATUSES.map(
        (s) =>
          html`<dt>${s}</dt>
            <dd>${counts[s]}</dd>`,
      )}
    </dl>
    <h2>Dead jobs</h2>
    ${
      dead.length === 0
        ? html`<p class="empty">No dead jobs.</p>`
        : html`${jobTable(['Job', 'Type', 'Attempts', 'Last error', 'Died', 'Action'], deadRows)}
          ${moreNote(counts.dead, dead.length)}`
    }
    <h2>Waiting and running</h2>
    ${
      active.length === 0
        ? html`<p class="empty">The queue is empty.</p>`
        : html`${jobTable(['Job', 'Type', 'Status', 'Attempts', 'Runs at', 'Last error'], activeRows)}
          ${moreNote(counts.pending + counts.running, active.length)}`
    }`;
}

function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function jobDetailBody(job: JobRow, csrfToken: string): SafeHtml {
  const row = (name: string, value: SafeHtml | string | number | null) =>
    value === null || value === ''
      ? ''
      : html`<dt>${name}</dt>
          <dd>${value}</dd>`;
  return html`<p><a href="/admin/jobs">Back to jobs</a></p>
    <dl class="details job-detail">
      ${row('Type', job.type)} ${row('Status', job.status)}
      ${row('Attempts', `${job.attempts} of ${job.max_attempts}`)}
      ${row('Progress', job.progress === null ? null : `${job.progress}%`)}
      ${row('Runs at', timeTag(job.run_at))} ${row('Created', timeTag(job.created_at))}
      ${row('Updated', timeTag(job.updated_at))} ${row('Finished', timeTag(job.finished_at))}
      ${row('Locked by', job.locked_by)}
    </dl>
    ${when(job.status === 'dead', () => retryForm(job, csrfToken))}
    <h2>Payload</h2>
    <pre>${prettyPayload(job.payload)}</pre>
    <h2>Last error</h2>
    ${job.last_error ? html`<pre class="job-error">${job.last_error}</pre>` : html`<p>None.</p>`}`;
}
