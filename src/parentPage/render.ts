import type { ParentLang } from '../domain/parentLink.js';
import { dirOf, pageText, type PageText } from './i18n.js';

/**
 * The parent's page as plain HTML: no script, one external stylesheet, every input labelled,
 * headings in order, `lang` and `dir` on the document. It is rendered from a {@link PageModel}
 * that holds only what the parent may see — never the referral itself — so nothing else can leak.
 */
export interface PageModel {
  lang: ParentLang;
  /** Base path of this page (`/ouder/<token>`). */
  path: string;
  formToken: string;
  languages: { lang: ParentLang; name: string; href: string }[];
  notice?: { kind: 'good' | 'error'; text: string };
  next: string[];
  contact: string[];
  pick?: { slots: { id: string; label: string }[]; error?: string };
  booked?: string;
  availability?: { choices: { value: string; label: string; checked: boolean }[]; current?: string; error?: string };
  agreements?: {
    lines: string[];
    aftercareMeaning: string;
    agreed: boolean;
    questions: { text: string; reply?: { text: string; by: string } }[];
    canAnswer: boolean;
    questionValue?: string;
    error?: string;
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const e = escapeHtml;

function shell(lang: ParentLang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}" dir="${dirOf(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${e(title)}</title>
<link rel="stylesheet" href="/ouder-static/page.css">
</head>
<body>
${body}
</body>
</html>`;
}

const hidden = (m: PageModel) => `<input type="hidden" name="form" value="${e(m.formToken)}"><input type="hidden" name="taal" value="${m.lang}">`;

function pickSection(t: PageText, m: PageModel): string {
  if (!m.pick) return '';
  if (m.pick.slots.length === 0) return `<h2 id="kiezen">${e(t('pick.heading'))}</h2><p>${e(t('pick.none'))}</p>`;
  const err = m.pick.error ? `<p class="error-text" id="pick-error">${e(m.pick.error)}</p>` : '';
  const radios = m.pick.slots
    .map((s, i) => `<div class="choice"><input type="radio" name="slotId" id="slot-${i}" value="${e(s.id)}"${m.pick?.error ? ' aria-describedby="pick-error"' : ''}><label for="slot-${i}">${e(s.label)}</label></div>`)
    .join('\n');
  return `<h2 id="kiezen">${e(t('pick.heading'))}</h2>
<form method="post" action="${e(m.path)}/kies">
${hidden(m)}
<fieldset><legend>${e(t('pick.legend'))}</legend>${err}
${radios}
</fieldset>
<button type="submit">${e(t('pick.submit'))}</button>
</form>`;
}

function availabilitySection(t: PageText, m: PageModel): string {
  const a = m.availability;
  if (!a) return '';
  const err = a.error ? `<p class="error-text" id="avail-error">${e(a.error)}</p>` : '';
  const boxes = a.choices
    .map((c, i) => `<div class="choice"><input type="checkbox" name="parts" id="part-${i}" value="${e(c.value)}"${c.checked ? ' checked' : ''}${a.error ? ' aria-describedby="avail-error"' : ''}><label for="part-${i}">${e(c.label)}</label></div>`)
    .join('\n');
  return `<h2 id="beschikbaarheid">${e(t('avail.heading'))}</h2>
<p>${e(t('avail.intro'))}</p>
${a.current ? `<p>${e(a.current)}</p>` : ''}
<form method="post" action="${e(m.path)}/beschikbaarheid">
${hidden(m)}
<fieldset><legend>${e(t('avail.legend'))}</legend>${err}
<div class="grid">
${boxes}
</div>
</fieldset>
<button type="submit">${e(t('avail.submit'))}</button>
</form>`;
}

function agreementsSection(t: PageText, m: PageModel): string {
  const a = m.agreements;
  if (!a) return '';
  const questions = a.questions
    .map((q) => `<h3>${e(t('answer.yourQuestion'))}</h3><p>${e(q.text)}</p>${q.reply ? `<h3>${e(t('answer.reply', { name: q.reply.by }))}</h3><p>${e(q.reply.text)}</p>` : `<p>${e(t('answer.noReply'))}</p>`}`)
    .join('\n');
  const err = a.error ? `<p class="error-text" id="question-error">${e(a.error)}</p>` : '';
  const forms = a.canAnswer
    ? `${a.agreed ? `<p>${e(t('answer.agreed'))}</p>` : `<form method="post" action="${e(m.path)}/antwoord">${hidden(m)}<input type="hidden" name="kind" value="agree"><button type="submit">${e(t('answer.agree'))}</button></form>`}
<form method="post" action="${e(m.path)}/antwoord">
${hidden(m)}<input type="hidden" name="kind" value="question">
<label for="question">${e(t('answer.questionLabel'))}</label>
<p class="hint" id="question-hint">${e(t('answer.questionHint'))}</p>${err}
<textarea id="question" name="question" maxlength="500" aria-describedby="question-hint${a.error ? ' question-error' : ''}">${e(a.questionValue ?? '')}</textarea>
<button type="submit" class="secondary">${e(t('answer.send'))}</button>
</form>`
    : '';
  return `<h2 id="afspraken">${e(t('agreements.heading'))}</h2>
<ul>${a.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>
<p>${e(a.aftercareMeaning)}</p>
<h2 id="antwoord">${e(t('answer.heading'))}</h2>
${questions}
${forms}`;
}

export function renderPage(m: PageModel): string {
  const t = pageText(m.lang);
  const notice = m.notice ? `<div class="notice${m.notice.kind === 'error' ? ' error' : ''}" role="${m.notice.kind === 'error' ? 'alert' : 'status'}"><p>${e(m.notice.text)}</p></div>` : '';
  const body = `<header>
<nav aria-label="${e(t('page.languages'))}"><ul>${m.languages
    .map((l) => `<li><a href="${e(l.href)}" lang="${l.lang}" hreflang="${l.lang}"${l.lang === m.lang ? ' aria-current="page"' : ''}>${e(l.name)}</a></li>`)
    .join('')}</ul></nav>
</header>
<main>
<h1>${e(t('page.title'))}</h1>
<p>${e(t('page.intro'))}</p>
${notice}
<h2>${e(t('next.heading'))}</h2>
<ul>${(m.next.length ? m.next : [t('next.none')]).map((l) => `<li>${e(l)}</li>`).join('')}</ul>
<h2>${e(t('contact.heading'))}</h2>
<ul>${m.contact.map((l) => `<li>${e(l)}</li>`).join('')}</ul>
${m.booked ? `<h2>${e(t('booked.heading'))}</h2><p>${e(m.booked)}</p>` : ''}
${pickSection(t, m)}
${availabilitySection(t, m)}
${agreementsSection(t, m)}
</main>
<footer><p>${e(t('footer'))}</p></footer>`;
  return shell(m.lang, t('page.title'), body);
}

/** The one page for every refused link: the same words whatever the reason, nothing of any referral. */
export function renderRefused(lang: ParentLang = 'nl'): string {
  const t = pageText(lang);
  return shell(lang, t('refused.title'), `<main><h1>${e(t('refused.title'))}</h1><p>${e(t('refused.text'))}</p></main>`);
}

/** A short page with a heading, a text and an optional link back. */
export function renderMessage(lang: ParentLang, titleKey: string, textKey: string, back?: string): string {
  const t = pageText(lang);
  return shell(lang, t(titleKey), `<main><h1>${e(t(titleKey))}</h1><p>${e(t(textKey))}</p>${back ? `<p><a href="${e(back)}">${e(t('form.back'))}</a></p>` : ''}</main>`);
}
