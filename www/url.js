// The page's URL: one table of the keys that belong to the page (not to the scenario
// settings), and canonicalisation. Pure functions of their inputs (query strings, pairs, maps):
// no `location` or `history` here, so node can test them; main.js applies their results.

/** The page's own URL keys. `values`: the accepted values (others are ignored on load). */
export const PAGE_KEYS = {
  plane: { values: ['endpoints', 'random', 'pca'], fallback: 'endpoints', help: 'the landscape plane' },
  x: { values: ['epoch', 'step', 'time'], fallback: null, help: 'x axis of the training curves (default: from the budget)' },
  scene: { values: null, fallback: null, help: 'the guided scene shown (a name in scenes.js)' },
  embed: { values: null, fallback: null, help: 'embed mode: the panels shown, comma-separated' },
  embed_height: { values: null, fallback: null, help: 'embed mode: "auto" (the frame grows to the content, embed.js) or a fixed height in pixels, 200 to 5000' },
  chapter: { values: null, fallback: null, help: 'the guided chapter shown: 1–5 or its slug (chapters.js)' },
  quiz: { values: ['0', '1'], fallback: '0', help: '1: "predict, then reveal" — a scene\'s question is asked before its runs start (quizzes.js)' },
  sweep_workers: { values: null, fallback: null, help: 'workers of the B × η sweep, 1 to 16 (default: cores − 1); a test hook' },
  run_workers: { values: null, fallback: null, help: 'run workers, 1 to 4 (default: cores − 1, at most one per run); a test hook' },
  test_faults: { values: null, fallback: null, help: '1: window.batchscape.injectFault for the fault-injection tests (www/faults.js); a test hook' },
  // BEGIN surface
  yaw: { values: null, fallback: null, help: 'the 3-D surface\'s turn in degrees, wrapped to −180…180 (default 35)' },
  pitch: { values: null, fallback: null, help: 'the 3-D surface\'s tilt in degrees, 5 to 85 (default 30)' },
  // END surface
};
export const PAGE_KEY_NAMES = Object.keys(PAGE_KEYS);

// BEGIN surface
/**
 * The 3-D surface's view angles: the same ranges, defaults and wrap/clamp as the core's
 * crate/render/src/surface.rs (YAW_RANGE, PITCH_RANGE, DEFAULT_YAW/PITCH, clamp_angles), which
 * applies them again to every chart it draws; tests/unit/url.test.mjs checks them against that file.
 */
export const SURFACE = {
  pitchRange: [5, 85],
  defaultYaw: 35,
  defaultPitch: 30,
  clamp(yaw, pitch) {
    return {
      yaw: Number.isFinite(yaw) ? (((yaw + 180) % 360) + 360) % 360 - 180 : SURFACE.defaultYaw,
      pitch: Number.isFinite(pitch) ? Math.min(SURFACE.pitchRange[1], Math.max(SURFACE.pitchRange[0], pitch)) : SURFACE.defaultPitch,
    };
  },
};

/** The surface's angle from `search` (`yaw`, `pitch`), with a message for each value not a number or out of range. */
export function surfaceAngle(search) {
  const params = new URLSearchParams(search);
  const messages = [];
  const read = (key, fallback) => {
    if (!params.has(key)) return fallback;
    const raw = params.get(key);
    const v = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isFinite(v)) messages.push(`\`${key}\` must be a number of degrees, not "${raw.slice(0, 40)}" — using ${fallback} instead.`);
    return Number.isFinite(v) ? v : fallback;
  };
  const yaw = read('yaw', SURFACE.defaultYaw);
  const pitch = read('pitch', SURFACE.defaultPitch);
  const angle = SURFACE.clamp(yaw, pitch);
  if (pitch !== angle.pitch) messages.push(`\`pitch\` must be from ${SURFACE.pitchRange[0]} to ${SURFACE.pitchRange[1]} degrees — using ${angle.pitch} instead.`);
  return { ...angle, messages };
}
// END surface

/** At most this many URL parameters are read as settings. */
export const MAX_PAIRS = 200;

/** Panels an embed may show. */
export const PANELS = ['controls', 'chapter', 'landscape', 'curves', 'sharpness', 'dynamics', 'boundaries', 'cost', 'sweep'];

/** Points in a `points` value (`x1:x2:label;…` or `x:y;…`). */
export const pointCount = (v) => String(v).split(';').filter(Boolean).length;
/**
 * Whether a setting's value may go into the URL: a `points` value only up to `maxPoints`
 * points (the core's custom::URL_MAX_POINTS, given by main.js from the scenario's facts;
 * more travel only in the settings JSON).
 */
export const fitsUrl = (k, v, maxPoints) => k !== 'points' || pointCount(v) <= maxPoints;

/** A query string (`?a=1&b=2` or `a=1`) → its [key, value] pairs, in order. */
export const pairsOf = (search) => [...new URLSearchParams(search)];

/** A page key's value in `search` if it is one of its accepted values, else its fallback. */
export function pageValue(search, key) {
  const v = new URLSearchParams(search).get(key);
  return PAGE_KEYS[key].values.includes(v) ? v : PAGE_KEYS[key].fallback;
}

/**
 * Messages for the page keys of `search` whose value the page does not accept (`plane`, `x`,
 * `quiz`: not one of their values; `scene`: not a scene of `sceneNames`; `chapter`: refused by
 * `isChapter` when given; `embed`: a panel not in PANELS). Shown with the settings'
 * messages, so that a link that cannot be restored as written says so.
 */
export function pageKeyRejections(search, sceneNames, isChapter = null) {
  const params = new URLSearchParams(search);
  const out = [];
  // Every value of a repeated key (the page reads the first; found by tests/fuzz-url.test.mjs).
  for (const key of ['plane', 'x', 'quiz']) {
    for (const v of params.getAll(key).filter((x) => !PAGE_KEYS[key].values.includes(x))) {
      out.push(`\`${key}\` = ${JSON.stringify(v.slice(0, 40))} is not allowed: expected one of ${PAGE_KEYS[key].values.join(', ')} — ignored.`);
    }
  }
  for (const scene of params.getAll('scene').filter((x) => !sceneNames.includes(x))) out.push(`\`scene\` = ${JSON.stringify(scene.slice(0, 40))} is not a scene of this page — ignored.`);
  // `chapter` (when `isChapter`, chapters.js chapterIndex ≥ 0, is given) and `embed`'s panels.
  if (isChapter) {
    for (const c of params.getAll('chapter').filter((x) => !isChapter(x))) out.push(`\`chapter\` = ${JSON.stringify(c.slice(0, 40))} is not a chapter of this page — ignored.`);
  }
  for (const v of params.getAll('embed')) {
    const unknown = [...new Set(v.split(',').filter((p) => p !== '' && !PANELS.includes(p)))];
    if (unknown.length) out.push(`\`embed\`: ${unknown.slice(0, 3).map((p) => JSON.stringify(p.slice(0, 40))).join(', ')}${unknown.length > 3 ? ' …' : ''} is not a panel (expected some of ${PANELS.join(', ')}) — ignored.`);
  }
  return out;
}

/** The panels an `embed` value asks for (unknown ones dropped; none: the landscape). */
export function embedPanels(value) {
  const wanted = String(value ?? '').split(',').filter((p) => PANELS.includes(p));
  return wanted.length ? wanted : ['landscape'];
}

/**
 * Settings for the workers: the URL's pairs (at most MAX_PAIRS), minus page keys and keys the
 * page overrides, then the overrides.
 */
export function scenarioPairs(pairs, overrides) {
  const out = pairs.filter(([k]) => !overrides.has(k) && !(k in PAGE_KEYS)).slice(0, MAX_PAIRS);
  for (const [k, v] of overrides) out.push([k, v]);
  return out;
}

/**
 * The query for the page's state on top of `search`: overrides set (a `points` value of more
 * than `urlMaxPoints` points left out), `batch` from the run slots, `plane` unless it is the
 * default, `x` when chosen; everything else in `search` kept.
 */
export function syncedQuery(search, { overrides, batches, plane, xAxis, xAxisChosen }, urlMaxPoints) {
  const params = new URLSearchParams(search);
  for (const [k, v] of overrides) if (fitsUrl(k, v, urlMaxPoints)) params.set(k, v); else params.delete(k);
  params.set('batch', batches.filter((b) => b !== undefined).join(','));
  if (plane !== 'endpoints') params.set('plane', plane); else params.delete('plane');
  if (xAxisChosen) params.set('x', xAxis); else params.delete('x');
  return params.toString();
}

/**
 * The canonical query of the state in effect: every setting the URL (or the page) named gets
 * its validated value from `settings` (a rejected one the value used instead), unknown keys are
 * dropped (they were reported), page keys of `search` stay; then `syncedQuery` on top. A link
 * copied afterwards restores exactly this state.
 */
export function canonicalQuery(search, state, settings, urlMaxPoints) {
  const params = new URLSearchParams();
  const seen = new Set();
  for (const [k] of [...state.pairs.slice(0, MAX_PAIRS), ...state.overrides]) {
    if (seen.has(k)) continue;
    seen.add(k);
    if (settings.has(k) && fitsUrl(k, settings.get(k), urlMaxPoints)) params.set(k, settings.get(k));
  }
  const current = new URLSearchParams(search);
  for (const k of PAGE_KEY_NAMES) if (current.has(k)) params.set(k, current.get(k));
  return syncedQuery(params.toString(), state, urlMaxPoints);
}

/** Whether `search` holds a scenario setting (any key that is not one of the page's). */
export function hasSettings(search) {
  return [...new URLSearchParams(search).keys()].some((key) => !PAGE_KEY_NAMES.includes(key));
}

/**
 * The query a bare scene link (`?scene=noisy`, no settings) stands for: the scene's settings
 * with the link's page keys kept; `null` when the link is not bare or names no scene. A link
 * with settings (every link the page writes) is taken as written.
 */
export function bareSceneQuery(search, scenes) {
  const params = new URLSearchParams(search);
  const name = params.get('scene');
  if (!scenes[name] || hasSettings(search)) return null;
  const query = new URLSearchParams(sceneQuery(name, scenes[name].pairs, params.get('plane') ?? 'endpoints'));
  for (const [k, v] of params) if (!query.has(k)) query.append(k, v);
  return query.toString();
}

/** A scene's query: its settings, its name, and the plane if not the default. */
export function sceneQuery(name, scenePairs, plane) {
  const params = new URLSearchParams(scenePairs);
  params.set('scene', name);
  if (plane !== 'endpoints') params.set('plane', plane);
  return params.toString();
}

/** The link to share: `href` without embed parameters. */
export function shareUrl(href) {
  const u = new URL(href);
  u.searchParams.delete('embed');
  u.searchParams.delete('embed_height');
  return u.href;
}

/** The URL of an embed of `panels` (none: the landscape); `height`: 'auto', a number of pixels, or none. */
export function embedUrl(href, panels, height) {
  const u = new URL(shareUrl(href));
  u.searchParams.set('embed', panels.join(',') || 'landscape');
  if (height !== undefined && height !== null) u.searchParams.set('embed_height', String(height));
  return u.href;
}

/** A rejection message from the settings, plus the value used instead (or "ignored"). */
export function describeRejection(error, settings) {
  const key = /^`([a-z_0-9]+)`/.exec(error)?.[1];
  if (key && settings.has(key)) {
    const used = settings.get(key);
    return `${error} — using ${key} = ${used === '' ? '(empty)' : used} instead.`;
  }
  return `${error} — ignored.`;
}
