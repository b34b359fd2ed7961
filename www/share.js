// The share dialog (link and iframe snippet) and embed mode (`?embed=landscape,curves`: only
// the listed panels, no page chrome). The snippet's height: "grow to fit" (`embed_height=auto`
// plus the host script of embed.js that applies the page's resize messages) or fixed.
import { EMBED_HEIGHT, applyEmbedHeight, hostScript } from './embed.js';
import { embedPanels, embedUrl, shareUrl } from './url.js';

/** The snippet's iframe id (the host script finds the frame by it). */
const FRAME_ID = 'batchscape-embed';
import { $ } from './views/dom.js';

function updateShare() {
  $('share-link').value = shareUrl(location.href);
  const panels = [...document.querySelectorAll('#share input[name=panel]:checked')].map((c) => c.value);
  const auto = $('embed-auto').checked;
  const w = Math.round(Math.min(2000, Math.max(280, Number($('embed-width').value) || 640)));
  const h = Math.round(Math.min(EMBED_HEIGHT.max, Math.max(EMBED_HEIGHT.min, Number($('embed-height').value) || 400)));
  const src = embedUrl(location.href, panels, auto ? 'auto' : h);
  const title = 'Batchscape: what batch size does to training';
  // Attribute values are escaped: the URL is ours, but it carries user-chosen settings. The
  // snippet is text shown to the user (a textarea's value), not markup of this page.
  const esc = (t) => t.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  const frame = `<iframe id="${FRAME_ID}" src="${esc(src)}" width="${w}" height="${h}" title="${esc(title)}" loading="lazy" style="border:0"></iframe>`;
  $('embed-code').value = auto ? `${frame}\n${hostScript(FRAME_ID)}` : frame;
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
  applyEmbedHeight(search);
  document.body.classList.toggle('no-controls', !shown.includes('controls'));
  for (const el of document.querySelectorAll('[data-panel]')) el.classList.toggle('shown', shown.includes(el.dataset.panel));
  store.set({ embed: shown });
  $('open-full').href = shareUrl(location.href);
}
