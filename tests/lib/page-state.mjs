// Waits and menu steps the e2e tests share (a page of the served app open in Playwright).

/** Waits until every active run has stopped and the fine landscape is drawn. */
export async function waitSettled(target) {
  await target.waitForFunction(() => {
    const s = window.batchscape;
    if (!s?.atlas?.fine || s.pendingScenario || s.dirty) return false;
    const slots = s.batches.flatMap((b, k) => (b === undefined ? [] : [k]));
    return slots.length > 0 && slots.every((k) => s.runs[k] && s.runs[k].state !== 'running');
  }, null, { timeout: 120_000 });
}

/** Opens the toolbar menu (share, embed, export, load) unless it is open. */
export const openMenu = async (page) => { if ((await page.locator('#menu').getAttribute('open')) === null) await page.locator('#menu summary').click(); };
