/*
 * The admin's editor, improved (docs/internals/admin-articles.md). Without
 * this file every action still works: the Preview button posts the form
 * into the preview frame, the other buttons save.
 *
 * - Live preview: 600 ms after the last change the form is posted into the
 *   frame again (form.requestSubmit with the Preview button).
 * - Autosave: 30 s after the last change a draft (or a new article) is
 *   saved with fetch (action=draft, header X-Nd-Autosave: 1, answer 204).
 *   A published or scheduled article is never changed by the script: a
 *   copy goes to localStorage instead, offered back on the next visit.
 */
(function () {
	'use strict';

	var form = document.getElementById('editor');
	if (!form)
		return;
	var previewButton = document.getElementById('preview-button');
	var statusText = document.getElementById('save-status');
	var PREVIEW_DELAY = 600;
	var SAVE_DELAY = 30000;
	var previewTimer = 0;
	var saveTimer = 0;
	var changed = false;

	function state() {
		return form.getAttribute('data-status');
	}

	function isDraft() {
		return state() === 'new' || state() === 'draft';
	}

	function storageKey() {
		return 'nd-admin-copy:' + (form.getAttribute('data-id') || 'new');
	}

	function clock() {
		return new Date().toTimeString().slice(0, 8);
	}

	function say(text) {
		if (statusText)
			statusText.textContent = text;
	}

	function preview() {
		if (!previewButton)
			return;
		if (form.requestSubmit)
			form.requestSubmit(previewButton);
		else
			previewButton.click();
	}

	function fields() {
		var out = {};
		var data = new FormData(form);
		data.forEach(function (value, name) {
			if (name !== 'csrf')
				out[name] = value;
		});
		return out;
	}

	function keepCopy() {
		try {
			localStorage.setItem(storageKey(),
			                     JSON.stringify({at: Date.now(), fields: fields()}));
			say('Copy kept in this browser at ' + clock() + ' (not saved to the site)');
		} catch (e) {
			say('Could not keep a copy in this browser');
		}
	}

	function dropCopy() {
		try {
			localStorage.removeItem(storageKey());
		} catch (e) {
			/* Storage may be off: nothing to drop. */
		}
	}

	function autosave() {
		saveTimer = 0;
		if (!changed)
			return;
		if (!isDraft()) {
			keepCopy();
			changed = false;
			return;
		}
		var body = new URLSearchParams(new FormData(form));
		body.set('action', 'draft');
		changed = false;
		say('Saving…');
		/* Not form.action: the buttons named "action" shadow it. */
		fetch(form.getAttribute('action'), {
			method: 'POST',
			body: body,
			credentials: 'same-origin',
			headers: {'X-Nd-Autosave': '1'}
		}).then(function (res) {
			if (res.status !== 204) {
				changed = true;
				say('Not saved (' + res.status + '): use "Save draft" to see why');
				return;
			}
			var url = res.headers.get('X-Nd-Edit-Url');
			if (url && state() === 'new') {
				/* The new article exists now: later saves change it. */
				form.setAttribute('action', url);
				form.setAttribute('data-status', 'draft');
				form.setAttribute('data-id', decodeURIComponent(url.split('/').pop()));
				history.replaceState(null, '', url);
			}
			say('Saved at ' + clock());
		}, function () {
			changed = true;
			say('Not saved: the server could not be reached');
		});
	}

	function onChange() {
		changed = true;
		clearTimeout(previewTimer);
		previewTimer = setTimeout(preview, PREVIEW_DELAY);
		clearTimeout(saveTimer);
		saveTimer = setTimeout(autosave, SAVE_DELAY);
	}

	function offerCopy() {
		var copy;
		try {
			copy = JSON.parse(localStorage.getItem(storageKey()) || 'null');
		} catch (e) {
			copy = null;
		}
		if (!copy || !copy.fields)
			return;
		var now = fields();
		var differs = Object.keys(copy.fields).some(function (k) {
			return k !== 'action' && now[k] !== undefined && now[k] !== copy.fields[k];
		});
		if (!differs) {
			dropCopy();
			return;
		}
		var box = document.createElement('p');
		box.id = 'restore';
		box.setAttribute('role', 'status');
		box.textContent = 'This browser kept unsaved changes from ' +
		                  new Date(copy.at).toLocaleString() + '. ';
		var restore = document.createElement('button');
		restore.type = 'button';
		restore.textContent = 'Restore them';
		var discard = document.createElement('button');
		discard.type = 'button';
		discard.textContent = 'Discard';
		box.appendChild(restore);
		box.appendChild(discard);
		form.parentNode.parentNode.insertBefore(box, form.parentNode);
		restore.addEventListener('click', function () {
			Object.keys(copy.fields).forEach(function (k) {
				var el = form.elements.namedItem(k);
				if (el && 'value' in el)
					el.value = copy.fields[k];
			});
			box.remove();
			onChange();
		});
		discard.addEventListener('click', function () {
			dropCopy();
			box.remove();
		});
	}

	form.addEventListener('input', onChange);
	form.addEventListener('submit', function (e) {
		/* A real save (not the preview): nothing left to autosave. */
		if (e.submitter && e.submitter !== previewButton) {
			clearTimeout(saveTimer);
			changed = false;
			dropCopy();
		}
	});
	offerCopy();
	preview();
})();
