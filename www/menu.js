// The toolbar menu: share, embed, export and load behind one `<details>` disclosure. This
// module only closes it: on Escape (focus back on its summary), on a click outside it, and
// after one of its buttons was used.
export function mountMenu(menu) {
  const summary = menu.querySelector('summary');
  const close = () => { menu.open = false; };
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && menu.open) { close(); summary.focus(); }
  });
  document.addEventListener('click', (e) => { if (menu.open && !menu.contains(e.target)) close(); });
  for (const b of menu.querySelectorAll('button')) b.addEventListener('click', close);
  menu.querySelector('input[type=file]')?.addEventListener('change', close);
}
