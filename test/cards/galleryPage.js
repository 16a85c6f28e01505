/* Loaded into the gallery page (plain browser JavaScript, not part of the TypeScript build). Runs in the page: renders one card into a fresh host of fixed width and measures it. */
window.renderAndMeasure = function renderAndMeasure(card, hostConfig, width) {
  const AC = window.AdaptiveCards;
  const stage = document.getElementById('stage');
  stage.innerHTML = '';
  stage.style.width = `${width}px`;
  // Teams renders a subset of Markdown (links, bold, italics); the renderer needs a processor for it.
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    const escaped = text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
    result.outputHtml = `<p>${escaped
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/_([^_]+)_/g, '<em>$1</em>')
      .replace(/\n/g, '<br>')}</p>`;
    result.didProcess = true;
  };
  const adaptive = new AC.AdaptiveCard();
  adaptive.hostConfig = new AC.HostConfig(hostConfig);
  try {
    adaptive.parse(card);
  } catch (error) {
    return { heightPx: 0, unresolved: [], overflowingRows: 0, clippedButtons: [], renderError: String(error) };
  }
  const rendered = adaptive.render();
  if (!rendered) return { heightPx: 0, unresolved: [], overflowingRows: 0, clippedButtons: [], renderError: 'render() returned nothing' };
  stage.appendChild(rendered);
  // The picture is the card as first seen: Action.ShowCard sub-cards stay closed.
  const seen = [rendered.innerText, ...Array.from(rendered.querySelectorAll('input, textarea')).flatMap((el) => [el.placeholder, el.value]), ...Array.from(rendered.querySelectorAll('[aria-label], [title]')).flatMap((el) => [el.getAttribute('aria-label') ?? '', el.getAttribute('title') ?? ''])];
  const unresolved = [...new Set(seen.flatMap((text) => text.match(/\$\{[^}]*\}?/g) ?? []))];
  const cardRight = rendered.getBoundingClientRect().right;
  const rows = Array.from(rendered.querySelectorAll('.ac-actionSet'));
  const overflowingRows = rows.filter((row) => row.scrollWidth > row.clientWidth + 1).length;
  const clippedButtons = Array.from(rendered.querySelectorAll('.ac-pushButton'))
    .filter((button) => button.offsetParent !== null)
    .filter((button) => button.getBoundingClientRect().right > cardRight + 1 || button.scrollWidth > button.clientWidth + 1 || Array.from(button.querySelectorAll('*')).some((child) => child.scrollWidth > child.clientWidth + 1))
    .map((button) => button.innerText.trim() || button.getAttribute('aria-label') || '?');
  return { heightPx: Math.round(rendered.getBoundingClientRect().height), unresolved, overflowingRows, clippedButtons };
}
