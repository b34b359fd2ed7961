// The glossary: each technical term's definition, written once, and the accessible
// disclosure that shows it where the term appears. A term is a `<button class="term"
// data-term="key">` (in index.html, or made by `termNode` for text built in JS); its
// definition is a `role="tooltip"` element it names with aria-describedby (so a screen
// reader reads it on focus), shown on hover, focus and tap, hidden on Escape, blur or
// pointer leave. Hand-written (about 60 lines) because the page allows no inline styles or
// scripts and fetches nothing: a tooltip library would bring its own styles and positioning.

export const GLOSSARY = {
  lambda_max: {
    term: 'λ_max (sharpness)',
    text: 'The largest eigenvalue of the Hessian of the training loss: how fast the loss curves up along its most curved direction. Gradient descent with step η is stable only where λ_max < 2/η.',
  },
  eps_sharpness: {
    term: 'ε-sharpness',
    text: 'The largest rise of the training loss, in % of its value, when the weights move inside a small box of relative size ε around the end point (Keskar et al. 2017). A large value: a sharp minimum.',
  },
  b_simple: {
    term: 'B_simple (gradient noise scale)',
    text: 'tr(Σ)/‖G‖²: the variance of the per-example gradients over the squared full gradient (McCandlish et al. 2018). Batches well below it are dominated by noise, batches well above it waste examples; it estimates the critical batch size.',
  },
  epoch_step: {
    term: 'epoch vs step',
    text: 'A step is one update of the weights, from one batch of B examples. An epoch is one pass over all N training examples: N/B steps. Equal epochs means the runs saw the same examples; equal steps means they made the same number of updates.',
  },
  filter_normalized: {
    term: 'filter-normalized direction',
    text: 'A random direction in weight space in which each filter (the incoming weights of one neuron) is rescaled to the norm of the same filter of the trained weights (Li et al. 2018), so slices through differently scaled networks can be compared.',
  },
  eos: {
    term: 'edge of stability',
    text: 'Full-batch gradient descent with step η drives the sharpness λ_max up until it reaches 2/η, then hovers there while the loss keeps falling, unevenly (Cohen et al. 2021).',
  },
};

let nextId = 0;

/** Makes the `.term[data-term]` button `el` show its definition; idempotent. */
function enhance(el) {
  const entry = GLOSSARY[el.dataset.term];
  if (!entry || el.dataset.glossary) return;
  el.dataset.glossary = 'on';
  const tip = document.createElement('span');
  tip.id = `term-tip-${nextId++}`;
  tip.className = 'term-tip';
  tip.setAttribute('role', 'tooltip');
  tip.hidden = true;
  const name = document.createElement('strong');
  name.textContent = `${entry.term}: `;
  tip.append(name, entry.text);
  el.setAttribute('aria-describedby', tip.id);
  el.after(tip);
  const place = () => {
    // Placed in the viewport (fixed), so a scrolling table cannot clip it; CSSOM, not a style attribute.
    const r = el.getBoundingClientRect();
    const width = Math.min(320, window.innerWidth - 16);
    tip.style.width = `${width}px`;
    tip.style.left = `${Math.max(8, Math.min(r.left, window.innerWidth - width - 8))}px`;
    const below = r.bottom + 6;
    tip.style.top = `${below + tip.offsetHeight > window.innerHeight ? Math.max(8, r.top - tip.offsetHeight - 6) : below}px`;
  };
  const show = () => { tip.hidden = false; place(); };
  const hide = () => { tip.hidden = true; };
  el.addEventListener('focus', show);
  el.addEventListener('click', show);
  el.addEventListener('blur', hide);
  el.addEventListener('mouseenter', show);
  el.addEventListener('mouseleave', () => { if (document.activeElement !== el) hide(); });
  el.addEventListener('keydown', (e) => { if (e.key === 'Escape') hide(); });
  // A shown definition follows its term when the page scrolls (focus scrolls a term into view).
  window.addEventListener('scroll', () => { if (!tip.hidden) place(); }, { passive: true });
}

/** A term button for text built in JS (`text`: the words shown). */
export function termNode(key, text) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'term';
  b.dataset.term = key;
  b.textContent = text;
  return b;
}

/** Enhances every term under `root` (call again after adding terms). */
export function mountGlossary(root = document) {
  for (const el of root.querySelectorAll('.term[data-term]')) enhance(el);
}
