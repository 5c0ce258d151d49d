// Reaction buttons without a page reload. The buttons are plain forms that
// work without JavaScript (POST, then 303 back to the article); with it,
// the form is sent as JSON and the count is updated in place.

// The page is the same for every reader, so it cannot say which buttons this
// reader pressed: the script notes them in localStorage and shows them
// pressed on the next visit. The server's answer stays the truth: a stale
// note (cookie cleared) is corrected by the next press.
const noteKey = (form, button) =>
  'nd-reacted:' + new URL(form.action, location.href).pathname + ':' + button.value;
function note(form, button, reacted) {
  try {
    if (reacted) localStorage.setItem(noteKey(form, button), '1');
    else localStorage.removeItem(noteKey(form, button));
  } catch (e) { /* storage off: the buttons just start unpressed */ }
}
for (const form of document.querySelectorAll('.reactions form')) {
  const button = form.querySelector('button[name="type"]');
  try {
    if (button && localStorage.getItem(noteKey(form, button))) button.setAttribute('aria-pressed', 'true');
  } catch (e) { /* as above */ }
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!form.closest || !form.closest('.reactions')) return;
  const button = form.querySelector('button[name="type"]');
  if (!button) return;
  event.preventDefault();
  const pressed = button.getAttribute('aria-pressed') === 'true';
  button.disabled = true;
  try {
    const res = await fetch(form.action + (pressed ? '?type=' + encodeURIComponent(button.value) : ''), {
      method: pressed ? 'DELETE' : 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: pressed ? null : JSON.stringify({ type: button.value }),
      credentials: 'same-origin',
    });
    if (!res.ok) { form.submit(); return; }
    const data = await res.json();
    const count = button.querySelector('.count');
    if (count) count.textContent = Number(data.reactions[button.value]).toLocaleString('en-US');
    button.setAttribute('aria-pressed', data.reacted ? "true" : "false");
    note(form, button, data.reacted);
  } catch (e) {
    form.submit();
  } finally {
    button.disabled = false;
  }
});
