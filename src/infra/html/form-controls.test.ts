import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkboxField,
  errorNotice,
  errorSummary,
  filterSelect,
  formFields,
  postButton,
  radioGroup,
  selectField,
  textAreaField,
  textField,
} from './form-controls.js';
import { html } from './html.js';

describe('form controls', () => {
  it('lists the errors to correct, escaped, and nothing without errors', () => {
    assert.equal(errorSummary({}), '');
    assert.equal(errorSummary({ title: undefined }), '');
    const summary = errorSummary({ title: 'Give it a <title>', slug: 'Too long' }).toString();
    assert.match(summary, /<div class="flash flash-error" role="alert">/);
    assert.match(summary, /<li>Give it a &lt;title&gt;<\/li>\s*<li>Too long<\/li>/);
    const letters = errorSummary({ body: 'Write more' }, { id: 'lt-errors', intro: 'Not sent:' });
    assert.match(letters.toString(), /id="lt-errors"[\s\S]*<p>Not sent:<\/p>/);
  });

  it('labels a text field and links its hint and error to it', () => {
    const plain = textField({ id: 'pf-title', name: 'title', label: 'Title', value: 'A "b"' });
    assert.match(plain.toString(), /<div class="field">\s*<label for="pf-title">Title<\/label>/);
    assert.match(
      plain.toString(),
      /<input id="pf-title" name="title" type="text" value="A &quot;b&quot;" \/>/,
    );
    assert.doesNotMatch(plain.toString(), /aria-/);

    const wrong = textField({
      id: 'pf-slug',
      name: 'slug',
      label: 'Web address',
      hint: 'The end of /p/…',
      error: 'Use <letters>',
      maxLength: 80,
      required: true,
    }).toString();
    assert.match(wrong, /<div class="field field-error">/);
    assert.match(wrong, /<span class="hint" id="pf-slug-hint">The end of \/p\/…<\/span>/);
    assert.match(
      wrong,
      /maxlength="80" required aria-describedby="pf-slug-hint pf-slug-error" aria-invalid="true"/,
    );
    assert.match(wrong, /<p class="error-message" id="pf-slug-error">Use &lt;letters&gt;<\/p>/);
  });

  it('shows no value on a file input and marks a field invalid without a message', () => {
    const file = textField({ id: 'f', name: 'file', label: 'CSV file', type: 'file', value: 'x' });
    assert.doesNotMatch(file.toString(), /value=/);
    const invalid = textField({ id: 'n', name: 'n', label: 'N', invalid: true, describedBy: 'x' });
    assert.match(invalid.toString(), /field-error[\s\S]*aria-describedby="x" aria-invalid="true"/);
    assert.doesNotMatch(invalid.toString(), /error-message/);
  });

  it('keeps a text area value as typed, leading newline included', () => {
    const area = textAreaField({
      id: 'b',
      name: 'body',
      label: 'Body',
      rows: 4,
      value: '\n</textarea><script>',
    }).toString();
    assert.match(
      area,
      /<textarea id="b" name="body" rows="4">\n\n&lt;\/textarea&gt;&lt;script&gt;<\/textarea>/,
    );
  });

  it('selects the chosen options', () => {
    const one = selectField({
      id: 's',
      name: 's',
      label: 'List',
      emptyOption: 'None',
      options: [
        { value: 1, label: 'One & only' },
        { value: 2, label: 'Two' },
      ],
      value: '2',
    }).toString();
    assert.match(one, /<option value="">None<\/option>/);
    assert.match(one, /<option value="1">\s*One &amp; only\s*<\/option>/);
    assert.match(one, /<option value="2" selected>/);
    const many = selectField({
      id: 'm',
      name: 'm',
      label: 'Many',
      multiple: true,
      options: ['a', 'b', 'c'].map((v) => ({ value: v, label: v })),
      value: ['a', 'c'],
    }).toString();
    assert.equal(many.match(/ selected>/g)?.length, 2);
    assert.match(many, /<select id="m" name="m" multiple>/);
  });

  it('ticks boxes and radios, with their errors', () => {
    const box = checkboxField({
      name: 'consent',
      label: 'Yes',
      checked: true,
      className: 'pt-check',
    });
    assert.match(
      box.toString(),
      /<label class="pt-check"\s*><input type="checkbox" name="consent" value="1" checked \/>/,
    );
    const wrong = checkboxField({
      id: 'c',
      name: 'c',
      label: 'C',
      checked: false,
      error: 'Tick it',
    });
    assert.match(
      wrong.toString(),
      /aria-describedby="c-error" aria-invalid="true"[\s\S]*id="c-error"/,
    );
    const radios = radioGroup({
      name: 'kind',
      legend: 'Kind',
      value: 'b',
      error: 'Choose one',
      options: [
        { value: 'a', label: 'A' },
        { value: 'b', label: 'B' },
      ],
    }).toString();
    assert.match(radios, /<fieldset class="field-error">\s*<legend>Kind<\/legend>/);
    assert.match(radios, /value="b" checked aria-describedby="kind-choice-error"/);
    assert.match(radios, /<p class="error-message" id="kind-choice-error">Choose one<\/p>/);
  });

  it('offers "Any" first in a filter, with the current choice selected', () => {
    const options = [
      { value: 'sent', label: 'sent' },
      { value: 'failed', label: '<failed>' },
    ];
    const chosen = filterSelect('Status', 'status', options, 'failed').toString();
    assert.match(
      chosen,
      /^<label\s*>Status\s*<select name="status">\s*<option value="">Any<\/option>/,
    );
    assert.match(chosen, /<option value="failed" selected>\s*&lt;failed&gt;\s*<\/option>/);
    assert.doesNotMatch(chosen, /value="sent" selected/);
    assert.doesNotMatch(
      filterSelect('Status', 'status', options, undefined).toString(),
      /selected/,
    );
  });

  it('binds fields to a form: ids, values and errors by name', () => {
    const form = { title: 'Fix <it>', body: 'Text', tags: ['a'] };
    const field = formFields('pf', form, { body: 'Too short' });
    assert.match(
      field.text('title', 'Title').toString(),
      /id="pf-title" name="title" type="text" value="Fix &lt;it&gt;"/,
    );
    const body = field.textArea('body', html`Body <small>(optional)</small>`).toString();
    assert.match(body, /<label for="pf-body">Body <small>\(optional\)<\/small><\/label>/);
    assert.match(body, /id="pf-body-error">Too short</);
  });

  it('announces a page-level error, and nothing without one', () => {
    assert.equal(errorNotice(undefined), '');
    assert.equal(
      errorNotice('Bad <file>').toString(),
      '<div class="flash flash-error" role="alert">Bad &lt;file&gt;</div>',
    );
  });

  it('posts an action from a one-button form', () => {
    const form = postButton({
      action: '/admin/x/1/status',
      csrf: 'tok',
      fields: { action: 'close"' },
      label: 'Close <now>',
      buttonClass: 'danger',
      ariaLabel: 'Close petition 1',
    }).toString();
    assert.match(form, /<form method="post" action="\/admin\/x\/1\/status" class="inline-form">/);
    assert.match(form, /name="_csrf" value="tok"/);
    assert.match(form, /<input type="hidden" name="action" value="close&quot;" \/>/);
    assert.match(
      form,
      /<button type="submit" class="danger" aria-label="Close petition 1">Close &lt;now&gt;<\/button>/,
    );
  });
});
