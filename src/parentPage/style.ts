/**
 * The parent page's only stylesheet, served from /ouder-static/page.css so the CSP can say
 * `style-src 'self'` (no inline styles). Text and buttons keep at least 4.5:1 contrast and the
 * focus ring at least 3:1 (WCAG 2.1 AA); logical properties keep right-to-left pages right.
 */
export const PAGE_CSS = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;font-size:100%;line-height:1.5;color:#1a1a1a;background:#fff}
body{margin:0}
main,header,footer{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-block-start:1px solid #767676;padding-block-start:1rem}
p,li{max-width:38rem}
a{color:#0b4f8a;text-decoration:underline}
nav ul{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.notice{padding:.75rem 1rem;border-inline-start:.35rem solid #1d6b2f;background:#eef7f0;margin:1rem 0}
.notice.error{border-color:#a4262c;background:#fdf0f0}
.error-text{color:#a4262c;font-weight:600}
fieldset{border:1px solid #767676;border-radius:.25rem;margin:0 0 1rem;padding:.5rem 1rem 1rem}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;align-items:center;gap:.5rem;min-height:2.75rem}
.choice input{width:1.35rem;height:1.35rem;margin:0;flex:none}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:0 1rem}
label{cursor:pointer}
textarea{display:block;width:100%;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #595959;border-radius:.25rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.25rem;border:2px solid #0b4f8a;border-radius:.25rem;background:#0b4f8a;color:#fff;cursor:pointer;margin:.25rem 0}
button.secondary{background:#fff;color:#0b4f8a}
:focus-visible{outline:3px solid #b34700;outline-offset:2px}
.hint{color:#4a4a4a;margin:.25rem 0}
footer{color:#4a4a4a;font-size:.95rem}
`;
