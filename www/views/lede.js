// The intro names the data set in effect (the Scenario form's label of it), not a fixed one.
import { $ } from './dom.js';

export function mountLede(store) {
  store.subscribe('settings', () => {
    const select = $('s-dataset');
    const v = store.get().settings.get?.('dataset');
    const option = [...select.options].find((o) => o.value === v);
    if (option) $('lede-data').textContent = option.textContent;
  });
}
