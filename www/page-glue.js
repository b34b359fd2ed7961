// The wasm-bindgen glue on the page's main thread, for what the page computes itself: the
// settings JSON (exports-ui.js), the learner's own points (owndata.js) and the SVG figures
// (figure-svg.js). Loaded on first use, not with the page (issue 14, first load): the workers'
// bundles hold their own copies of the glue (scripts/bundle.mjs), so the first load needs
// neither glue file. Its own module, so that no worker bundle takes in the glue of the other
// wasm module through this dynamic import.
import { pageModule } from './wasm-module.js';

/**
 * The glue of `kind` ('compute' or 'draw'; a promise of its exports), its wasm instantiated
 * from the page's compiled module (fetched by the glue itself if the page has none).
 */
export function pageGlue(kind) {
  const glue = kind === 'draw' ? import('../pkg/batchscape_draw.js') : import('../pkg/batchscape.js');
  return Promise.all([glue, pageModule(kind)]).then(async ([m, module]) => {
    await m.default(module ? { module_or_path: module } : undefined);
    return m;
  });
}
