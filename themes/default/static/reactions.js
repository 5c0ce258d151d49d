// Reaction buttons without a page reload. The buttons are plain forms that
// work without JavaScript (POST, then 303 back to the article); with it,
// the form is sent as JSON and the count is updated in place.
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
  } catch (e) {
    form.submit();
  } finally {
    button.disabled = false;
  }
});
