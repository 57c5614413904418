import { postButton } from '../../infra/html/form-controls.js';
import { utcTime } from '../../infra/html/format.js';
import { type SafeHtml, html, when } from '../../infra/html/html.js';
import { dataTable } from '../../infra/html/tables.js';
import type { JobRow } from '../../infra/jobs/job-queue.js';
import { JOB_STATUSES, type JobStatus } from '../../infra/jobs/jobs.tables.js';

export interface JobsOverview {
  counts: Record<JobStatus, number>;
  dead: JobRow[];
  active: JobRow[];
  csrfToken: string;
}

function timeTag(iso: string | null): SafeHtml | '' {
  return utcTime(iso, 'second');
}

/** The first line of a stack trace is the message; the rest is on the detail page. */
export function firstLine(text: string | null): string {
  return (text ?? '').split('\n', 1)[0] ?? '';
}

function retryForm(job: JobRow, csrfToken: string): SafeHtml {
  return postButton({ action: `/admin/jobs/${job.id}/retry`, csrf: csrfToken, label: 'Retry' });
}

function moreNote(count: number, shown: number): SafeHtml | '' {
  return when(count > shown, () => html`<p>Showing ${shown} of ${count}.</p>`);
}

export function jobsOverviewBody(view: JobsOverview): SafeHtml {
  const { counts, dead, active, csrfToken } = view;
  const jobLink = {
    label: 'Job',
    cell: (job: JobRow) => html`<a href="/admin/jobs/${job.id}">#${job.id}</a>`,
  };
  const type = { label: 'Type', cell: (job: JobRow) => job.type };
  const lastError = { label: 'Last error', cell: (job: JobRow) => firstLine(job.last_error) };
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
        : html`${dataTable({
            columns: [
              jobLink,
              type,
              { label: 'Attempts', cell: (job) => job.attempts },
              lastError,
              { label: 'Died', cell: (job) => timeTag(job.finished_at) },
              { label: 'Action', cell: (job) => retryForm(job, csrfToken) },
            ],
            rows: dead,
          })}
          ${moreNote(counts.dead, dead.length)}`
    }
    <h2>Waiting and running</h2>
    ${
      active.length === 0
        ? html`<p class="empty">The queue is empty.</p>`
        : html`${dataTable({
            columns: [
              jobLink,
              type,
              {
                label: 'Status',
                cell: (job) =>
                  html`${job.status}${when(job.progress !== null, () => html` (${job.progress}%)`)}`,
              },
              { label: 'Attempts', cell: (job) => `${job.attempts} of ${job.max_attempts}` },
              { label: 'Runs at', cell: (job) => timeTag(job.run_at) },
              lastError,
            ],
            rows: active,
          })}
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
