// The share dialog (link and iframe snippet) and embed mode (`?embed=landscape,curves`: only
// the listed panels, no page chrome).
import { embedPanels, embedUrl, shareUrl } from './url.js';
import { $ } from './views/dom.js';

function updateShare() {
  $('share-link').value = shareUrl(location.href);
  const panels = [...document.querySelectorAll('#share input[name=panel]:checked')].map((c) => c.value);
  const src = embedUrl(location.href, panels);
  const w = Math.round(Math.min(2000, Math.max(280, Number($('embed-width').value) || 640)));
  const h = Math.round(Math.min(3000, Math.max(200, Number($('embed-height').value) || 400)));
  const title = 'Batchscape: what batch size does to training';
  // Attribute values are escaped: the URL is ours, but it carries user-chosen settings. The
  // snippet is text shown to the user (a textarea's value), not markup of this page.
  const esc = (t) => t.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  $('embed-code').value = `<iframe src="${esc(src)}" width="${w}" height="${h}" title="${esc(title)}" loading="lazy" style="border:0"></iframe>`;
}

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    $('copy-status').textContent = `${what} copied.`;
  } catch {
    $('copy-status').textContent = `Select the ${what.toLowerCase()} and copy it (Ctrl+C): the browser did not allow copying.`;
  }
}

export function mountShare(dialog) {
  $('share-open').addEventListener('click', () => { updateShare(); $('copy-status').textContent = ''; dialog.showModal(); });
  $('share-close').addEventListener('click', () => dialog.close());
  for (const el of dialog.querySelectorAll('input')) el.addEventListener('input', updateShare);
  $('copy-link').addEventListener('click', () => copyText($('share-link').value, 'Link'));
  $('copy-embed').addEventListener('click', () => copyText($('embed-code').value, 'Snippet'));
}

/** Embed mode, if `search` asks for it: only its panels are shown. */
export function applyEmbed(store, search) {
  const params = new URLSearchParams(search);
  if (!params.has('embed')) return;
  const shown = embedPanels(params.get('embed'));
  document.body.classList.add('embed');
  document.body.classList.toggle('no-controls', !shown.includes('controls'));
  for (const el of document.querySelectorAll('[data-panel]')) el.classList.toggle('shown', shown.includes(el.dataset.panel));
  store.set({ embed: shown });
  $('open-full').href = shareUrl(location.href);
}
