import { type SafeHtml, csrfField, html } from './html.js';

/**
 * The form controls every admin and public form uses: a `div.field` with its label, an optional
 * hint and error message, and the control linked to both with `aria-describedby` (and
 * `aria-invalid` while in error). The hint's id is `<id>-hint` and the error's `<id>-error`.
 */

/** Field name → error message; a field without an error may be absent or undefined. */
export type FieldErrors = Readonly<Record<string, string | undefined>>;

type Content = string | SafeHtml;
type AttributeValue = string | number | boolean | null | undefined;

/** ` name="value"` for each set attribute, ` name` for true ones; false, null and undefined are left out. */
export function attributes(values: Record<string, AttributeValue>): SafeHtml {
  return html`${Object.entries(values).map(([name, value]) =>
    value === undefined || value === null || value === false
      ? ''
      : value === true
        ? html` ${name}`
        : html` ${name}="${value}"`,
  )}`;
}

/** The list of what to correct, above a form; nothing when there are no errors. */
export function errorSummary(
  errors: FieldErrors,
  opts: { intro?: string; id?: string } = {},
): SafeHtml | '' {
  const messages = Object.values(errors).filter((m): m is string => Boolean(m));
  if (!messages.length) return '';
  const attrs = attributes({ class: 'flash flash-error', role: 'alert', id: opts.id });
  return html`<div${attrs}>
    <p>${opts.intro ?? 'Please correct the following:'}</p>
    <ul>
      ${messages.map((m) => html`<li>${m}</li>`)}
    </ul>
  </div>`;
}

/** A field's error message, with the id its control points to; nothing without an error. */
export function errorMessage(
  id: string,
  error: string | undefined,
  opts: { alert?: boolean } = {},
): SafeHtml | '' {
  if (!error) return '';
  const attrs = attributes({
    class: 'error-message',
    id: `${id}-error`,
    role: opts.alert ? 'alert' : undefined,
  });
  return html`<p${attrs}>${error}</p>`;
}

export interface FieldOptions {
  /** The control's id (the label points to it); its hint and error ids derive from it. */
  id: string;
  name: string;
  label: Content;
  hint?: Content | undefined;
  error?: string | undefined;
  /** In error without a message of its own (the summary above the form explains). */
  invalid?: boolean | undefined;
  /** Announce the error message as soon as the page shows (forms without an error summary). */
  alertError?: boolean | undefined;
  required?: boolean | undefined;
  /** Ids of other elements that describe the control, such as a live word count. */
  describedBy?: string | undefined;
  /** Markup between the hint and the control, such as a list the hint introduces. */
  afterHint?: SafeHtml | '' | undefined;
  /** Markup after the control (before the error message), such as that word count. */
  after?: SafeHtml | '' | undefined;
}

function inError(o: FieldOptions): boolean {
  return Boolean(o.error) || Boolean(o.invalid);
}

/** The aria attributes of a control: what describes it, and whether it is in error. */
export function describedBy(o: FieldOptions): SafeHtml {
  const ids = [o.hint ? `${o.id}-hint` : '', o.describedBy ?? '', o.error ? `${o.id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return attributes({
    'aria-describedby': ids || undefined,
    'aria-invalid': inError(o) ? 'true' : undefined,
  });
}

/** A `div.field` around a control: label, hint, the control, then its error message. */
export function field(o: FieldOptions, control: SafeHtml): SafeHtml {
  return html`<div class="${inError(o) ? 'field field-error' : 'field'}">
    <label for="${o.id}">${o.label}</label>
    ${o.hint ? html`<span class="hint" id="${o.id}-hint">${o.hint}</span>` : ''}
    ${o.afterHint ?? ''} ${control} ${o.after ?? ''}
    ${errorMessage(o.id, o.error, { alert: o.alertError })}
  </div>`;
}

export interface TextFieldOptions extends FieldOptions {
  value?: string | number | null | undefined;
  /** The input type: text (default), email, url, number, date, password, file… */
  type?: string | undefined;
  maxLength?: number | undefined;
  minLength?: number | undefined;
  min?: number | string | undefined;
  max?: number | string | undefined;
  step?: number | string | undefined;
  autocomplete?: string | undefined;
  inputMode?: string | undefined;
  autocapitalize?: string | undefined;
  placeholder?: string | undefined;
  /** File types, for type="file". */
  accept?: string | undefined;
  autofocus?: boolean | undefined;
}

/** A UK postcode, as supporters type it on a phone: capitals, the browser's autofill. */
export function postcodeField(o: {
  id: string;
  value: string | undefined;
  error?: string | undefined;
}): SafeHtml {
  return textField({
    id: o.id,
    name: 'postcode',
    label: 'Postcode',
    autocomplete: 'postal-code',
    autocapitalize: 'characters',
    required: true,
    maxLength: 16,
    value: o.value,
    error: o.error,
  });
}

export function textField(o: TextFieldOptions): SafeHtml {
  const type = o.type ?? 'text';
  return field(
    o,
    html`<input${attributes({
      id: o.id,
      name: o.name,
      type,
      // A file input never shows a value; any other input shows what was typed.
      value: type === 'file' ? undefined : (o.value ?? ''),
      maxlength: o.maxLength,
      minlength: o.minLength,
      min: o.min,
      max: o.max,
      step: o.step,
      autocomplete: o.autocomplete,
      inputmode: o.inputMode,
      autocapitalize: o.autocapitalize,
      placeholder: o.placeholder,
      accept: o.accept,
      required: o.required,
      autofocus: o.autofocus,
    })}${describedBy(o)} />`,
  );
}

export interface TextAreaFieldOptions extends FieldOptions {
  value?: string | null | undefined;
  rows?: number | undefined;
  maxLength?: number | undefined;
}

export function textAreaField(o: TextAreaFieldOptions): SafeHtml {
  // The newline after <textarea> is dropped by HTML parsers, so a value starting with one keeps it.
  const attrs = attributes({
    id: o.id,
    name: o.name,
    rows: o.rows,
    maxlength: o.maxLength,
    required: o.required,
  });
  return field(o, html`<textarea${attrs}${describedBy(o)}>\n${o.value ?? ''}</textarea>`);
}

export interface SelectOption {
  value: string | number;
  label: Content;
}

/** `<option>`s with the chosen value (or values) selected. */
export function selectOptions(
  options: readonly SelectOption[],
  selected: string | readonly string[] | undefined,
): SafeHtml {
  const chosen = new Set(typeof selected === 'string' ? [selected] : (selected ?? []));
  return html`${options.map(
    (o) =>
      html`<option${attributes({ value: o.value, selected: chosen.has(String(o.value)) })}>
        ${o.label}
      </option>`,
  )}`;
}

/**
 * A list page's filter: a labelled `<select>` whose first option, "Any", has an empty value, so
 * leaving it means "do not filter on this".
 */
export function filterSelect(
  label: Content,
  name: string,
  options: readonly SelectOption[],
  selected: string | undefined,
): SafeHtml {
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">Any</option>
      ${selectOptions(options, selected)}
    </select>
  </label>`;
}

export interface SelectFieldOptions extends FieldOptions {
  options: readonly SelectOption[];
  value?: string | readonly string[] | undefined;
  /** A first option with an empty value, such as "Choose a list". */
  emptyOption?: string | undefined;
  multiple?: boolean | undefined;
  size?: number | undefined;
}

export function selectField(o: SelectFieldOptions): SafeHtml {
  return field(
    o,
    html`<select${attributes({
      id: o.id,
      name: o.name,
      multiple: o.multiple,
      size: o.size,
      required: o.required,
    })}${describedBy(o)}>
      ${o.emptyOption === undefined ? '' : html`<option value="">${o.emptyOption}</option>`}
      ${selectOptions(o.options, o.value)}
    </select>`,
  );
}

export interface CheckboxFieldOptions {
  name: string;
  label: Content;
  checked: boolean;
  /** Submitted when ticked; "1" unless given. */
  value?: string | undefined;
  id?: string | undefined;
  /** The label's class, which lays out box and text (each feature styles its own). */
  className?: string | undefined;
  hint?: Content | undefined;
  error?: string | undefined;
}

/** A tick box inside its label; a hint or error puts it in a `div.field` with them. */
export function checkboxField(o: CheckboxFieldOptions): SafeHtml {
  const id = o.id ?? o.name;
  const aria = describedBy({ id, name: o.name, label: o.label, hint: o.hint, error: o.error });
  const box = html`<label${attributes({ class: o.className, for: o.id })}
    ><input${attributes({
      type: 'checkbox',
      id: o.id,
      name: o.name,
      value: o.value ?? '1',
      checked: o.checked,
    })}${aria} />
    ${o.label}</label
  >`;
  if (!o.hint && !o.error) return box;
  return html`<div class="${o.error ? 'field field-error' : 'field'}">
    ${box} ${o.hint ? html`<span class="hint" id="${id}-hint">${o.hint}</span>` : ''}
    ${errorMessage(id, o.error)}
  </div>`;
}

export interface RadioGroupOptions {
  name: string;
  legend: Content;
  options: readonly SelectOption[];
  value: string | undefined;
  error?: string | undefined;
  /** Each choice's label class. */
  className?: string | undefined;
  required?: boolean | undefined;
  /** Markup inside the fieldset after the choices, such as a setting that goes with them. */
  after?: SafeHtml | '' | undefined;
}

/** One choice of several, as radio buttons in a fieldset (the legend is the question). */
export function radioGroup(o: RadioGroupOptions): SafeHtml {
  const id = `${o.name}-choice`;
  return html`<fieldset${attributes({ class: o.error ? 'field-error' : undefined })}>
    <legend>${o.legend}</legend>
    ${o.options.map(
      (c) =>
        html`<label${attributes({ class: o.className })}
          ><input${attributes({
            type: 'radio',
            name: o.name,
            value: c.value,
            required: o.required,
            checked: String(c.value) === o.value,
            'aria-describedby': o.error ? `${id}-error` : undefined,
          })} />
          ${c.label}</label
        >`,
    )}
    ${errorMessage(id, o.error)} ${o.after ?? ''}
  </fieldset>`;
}

/** The file input of a CSV upload form. */
export function csvFileField(id: string): SafeHtml {
  return textField({
    id,
    name: 'file',
    label: 'CSV file',
    type: 'file',
    accept: '.csv,text/csv',
    required: true,
  });
}

/** A problem with the whole form or page (not one field), announced at once; nothing without one. */
export function errorNotice(message: string | SafeHtml | undefined | null): SafeHtml | '' {
  return message ? html`<div class="flash flash-error" role="alert">${message}</div>` : '';
}

/** The keys of a form whose values are text. */
type TextKeys<Form> = { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form] &
  string;

/**
 * Text controls bound to one form's state: each field's id is `<prefix>-<name>`, and its value and
 * error are looked up by name, so a form reads as a list of names, labels and limits.
 */
export function formFields<Form extends object>(prefix: string, form: Form, errors: FieldErrors) {
  const bound = (name: TextKeys<Form>) => ({
    id: `${prefix}-${name}`,
    name,
    value: form[name] as string,
    error: errors[name],
  });
  return {
    text: (name: TextKeys<Form>, label: Content, opts: Partial<TextFieldOptions> = {}) =>
      textField({ ...bound(name), label, ...opts }),
    textArea: (name: TextKeys<Form>, label: Content, opts: Partial<TextAreaFieldOptions> = {}) =>
      textAreaField({ ...bound(name), label, ...opts }),
  };
}

export interface PostButtonOptions {
  /** Where the form posts. */
  action: string;
  csrf: string;
  label: Content;
  /** Hidden fields sent with it, such as which action the button stands for. */
  fields?: Record<string, string | number> | undefined;
  /** The button's class: secondary, danger, link… */
  buttonClass?: string | undefined;
  /** The button's accessible name, when its label alone would be ambiguous in a list. */
  ariaLabel?: string | undefined;
}

/** A one-button form that posts (an action on this page's record), laid out inline. */
export function postButton(o: PostButtonOptions): SafeHtml {
  const hidden = Object.entries(o.fields ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  const button = attributes({ type: 'submit', class: o.buttonClass, 'aria-label': o.ariaLabel });
  return html`<form method="post" action="${o.action}" class="inline-form">
    ${csrfField(o.csrf)}${hidden}<button${button}>${o.label}</button>
  </form>`;
}
