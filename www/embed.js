// Embeds that fit learning platforms: the page inside an iframe tells its parent how tall its
// content is, and the share dialog's snippet carries the few lines of host script that apply it.
//
// The message (documented in docs/embed.md): `{ type: "batchscape:resize", height }`, height in
// CSS pixels (an integer: the body's height with its margins), posted to `window.parent` whenever the
// content's height changes (ResizeObserver, debounced), only when the page is embedded
// (window.parent !== window) and not given a fixed height.
//
// targetOrigin '*': the embedding page may be on any origin (an LMS, a course site, a local
// file), which the page cannot know in advance. The message carries a single number that
// anyone can read from the layout anyway (no settings, no state, nothing the learner typed), so
// sending it to whoever embeds us leaks nothing. The host script, on the other side, must check
// `event.source` (only its own iframe may resize it) and treats the height as a number it
// clamps, never as markup.
//
// `embed_height` (a page key, url.js): `auto` grows the frame to its content (the host script
// applies the messages); N (EMBED_HEIGHT.min … max pixels) fits the panels into a frame of N
// pixels and posts nothing; absent, the old behaviour: the panels fit the frame's height.

/** Fixed embed heights accepted, in CSS pixels (the share dialog's height input uses the same). */
export const EMBED_HEIGHT = { min: 200, max: 5000 };
/** The resize message's type. */
export const RESIZE_TYPE = 'batchscape:resize';
/** Milliseconds of quiet before a new height is posted (layout settles while charts arrive). */
export const RESIZE_DEBOUNCE_MS = 100;

/**
 * An `embed_height` value → `{ mode: 'auto' | 'fixed' | 'fit', height, message }`. `fit` (the
 * value absent or bad): the panels fit the frame; `message` says why a value was not used.
 * Pure (node tests it).
 */
export function parseEmbedHeight(value) {
  if (value === null || value === undefined) return { mode: 'fit', height: null, message: '' };
  const v = String(value).trim();
  if (v === 'auto') return { mode: 'auto', height: null, message: '' };
  if (!/^\d+(\.\d+)?$/.test(v)) {
    return { mode: 'fit', height: null, message: `embed_height = "${v.slice(0, 40)}" is not a number of pixels or "auto" — fitting the frame instead.` };
  }
  const n = Math.round(Number(v));
  const height = Math.min(EMBED_HEIGHT.max, Math.max(EMBED_HEIGHT.min, n));
  const message = height === n ? '' : `embed_height = ${n} is outside ${EMBED_HEIGHT.min} to ${EMBED_HEIGHT.max} pixels — using ${height}.`;
  return { mode: 'fixed', height, message };
}

/** A height the page may post: the content's, as a whole number of pixels. */
export const resizeMessage = (height) => ({ type: RESIZE_TYPE, height: Math.ceil(height) });

/**
 * The host script of the share snippet: resizes the iframe with id `frameId` to the heights its
 * own content window reports (event.source checked; the height clamped to 100 … 20 000 px).
 */
export function hostScript(frameId) {
  return `<script>
addEventListener('message', function (e) {
  var f = document.getElementById('${frameId}');
  var d = e.data;
  if (!f || e.source !== f.contentWindow || !d || d.type !== '${RESIZE_TYPE}') return;
  var h = Number(d.height);
  if (isFinite(h)) f.style.height = Math.min(20000, Math.max(100, Math.ceil(h))) + 'px';
});
</script>`;
}

/**
 * Embed mode's height: applies `embed_height` to the page (body classes, the fixed height as a
 * CSS variable through the CSSOM: no inline style attribute, CSP-safe) and, when embedded and
 * not fixed, posts the content's height to the parent on every change. Returns the parsed value.
 */
export function applyEmbedHeight(search, { win = window, doc = document } = {}) {
  const parsed = parseEmbedHeight(new URLSearchParams(search).get('embed_height'));
  const note = doc.getElementById('embed-note');
  if (note) { note.textContent = parsed.message; note.hidden = !parsed.message; }
  doc.body.classList.toggle('embed-auto', parsed.mode === 'auto');
  doc.body.classList.toggle('embed-fixed', parsed.mode === 'fixed');
  if (parsed.mode === 'fixed') doc.documentElement.style.setProperty('--embed-height', `${parsed.height}px`);
  if (win.parent !== win && parsed.mode !== 'fixed') reportHeight(win, doc);
  return parsed;
}

/** Posts the document's height to the parent whenever it changes (debounced). */
function reportHeight(win, doc) {
  let timer = 0;
  let sent = -1;
  const send = () => {
    timer = 0;
    // The body's own height plus its margins: the document's scrollHeight never drops below
    // the frame's height, so a frame made too tall would never shrink back.
    const cs = win.getComputedStyle(doc.body);
    const h = Math.ceil(Math.max(doc.body.scrollHeight, doc.body.getBoundingClientRect().height)
      + parseFloat(cs.marginTop) + parseFloat(cs.marginBottom));
    if (h === sent) return;
    sent = h;
    win.parent.postMessage(resizeMessage(h), '*');
  };
  const observer = new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(send, RESIZE_DEBOUNCE_MS);
  });
  observer.observe(doc.documentElement);
  observer.observe(doc.body);
}
