// BackupKit admin page. Plain JavaScript, no dependencies. Every value from the server is rendered with
// textContent (never as HTML), and the page runs under a CSP that forbids inline script and style.
'use strict';

(function () {
  const API = new URL('api/', window.location.href).pathname;
  const PAGE_SIZE = 20;
  const state = { page: 0, total: 0, verified: new Map(), plan: null };
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ HTTP

  function csrfToken() {
    const m = document.cookie.match(/(?:^|;\s*)XSRF-TOKEN=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      const token = csrfToken();
      if (token) headers['X-XSRF-TOKEN'] = token;
    }
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const r = await fetch(API + path, { method, headers, body: payload, credentials: 'same-origin' });
    if (r.status === 204) return null;
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const err = new Error((data && (data.detail || data.title)) || ('HTTP ' + r.status));
      err.status = r.status;
      throw err;
    }
    return data;
  }

  // ------------------------------------------------------------------ formatting and DOM helpers

  function bytes(n) {
    if (n === null || n === undefined) return '';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = n, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
  }

  function when(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '';
    const s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    const m = Math.floor(s / 60);
    return m < 60 ? m + ' min ' + (s % 60) + ' s' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function button(text, onClick, cls) {
    const b = el('button', text, cls);
    b.type = 'button';
    b.addEventListener('click', onClick);
    return b;
  }

  function toast(message, isError) {
    const t = $('toast');
    t.textContent = message;
    t.className = 'toast' + (isError ? ' error' : '');
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 6000);
  }

  function failed(e) {
    toast(e.message || String(e), true);
  }

  function progressText(p) {
    if (!p) return 'starting…';
    const parts = [bytes(p.bytes) + (p.totalBytes ? ' of ' + bytes(p.totalBytes) : '')];
    if (p.rows) parts.push(p.rows + ' rows');
    if (p.files) parts.push(p.files + ' files');
    if (p.etaMs !== null && p.etaMs !== undefined) parts.push('about ' + duration(p.etaMs) + ' left');
    return parts.join(', ');
  }

  function showProgress(bar, status, job) {
    const p = job.progress;
    if (p && p.totalBytes) {
      bar.value = Math.min(100, Math.round(100 * p.bytes / p.totalBytes));
    } else {
      bar.removeAttribute('value');
    }
    status.textContent = job.status + ': ' + progressText(p);
  }

  async function awaitJob(job, bar, status) {
    while (job.status === 'PENDING' || job.status === 'RUNNING') {
      showProgress(bar, status, job);
      await new Promise((res) => setTimeout(res, 400));
      job = await call('GET', 'jobs/' + encodeURIComponent(job.id));
    }
    if (job.status === 'COMPLETED') {
      bar.value = 100;
      status.textContent = 'Done.';
    } else {
      status.textContent = job.status + (job.error ? ': ' + job.error.message : '');
    }
    return job;
  }

  // ------------------------------------------------------------------ overview

  async function loadHealth() {
    const h = $('health');
    try {
      const data = await call('GET', 'health');
      h.textContent = data.healthy ? 'Healthy' : data.problems.map((p) => p.message).join(' · ');
      h.className = 'health ' + (data.healthy ? 'ok' : 'problem');
    } catch (e) {
      h.textContent = 'Health unknown: ' + e.message;
      h.className = 'health problem';
    }
  }

  async function loadStats() {
    const s = await call('GET', 'stats');
    const dl = $('stats');
    dl.replaceChildren();
    const add = (label, value) => {
      const d = el('div');
      d.append(el('dt', label), el('dd', value));
      dl.append(d);
    };
    add('Backups', s.totalBackups);
    add('Stored', bytes(s.totalStoredBytes));
    add('Newest', when(s.newestBackup) || 'none');
    add('Last success', s.lastSuccess ? when(s.lastSuccess.finishedAt) : 'never');
    add('Last failure', s.lastFailure ? when(s.lastFailure.startedAt) : 'none');
    add('Average duration', duration(s.averageDurationMs));
  }

  // ------------------------------------------------------------------ backup list

  async function loadVerified() {
    const h = await call('GET', 'history?operation=VERIFY&status=COMPLETED&limit=500');
    state.verified = new Map();
    for (const r of h.items) {
      if (r.backupId && !state.verified.has(r.backupId)) state.verified.set(r.backupId, r.finishedAt);
    }
  }

  async function loadBackups() {
    const q = new URLSearchParams({ page: state.page, size: PAGE_SIZE });
    if ($('filter-type').value) q.set('type', $('filter-type').value);
    if ($('filter-name').value) q.set('name', $('filter-name').value);
    if ($('filter-tag').value) q.set('tag', $('filter-tag').value);
    const [data] = await Promise.all([call('GET', 'backups?' + q), loadVerified()]);
    state.total = data.total;
    const body = $('backups').tBodies[0];
    body.replaceChildren();
    for (const b of data.items) body.append(row(b));
    $('list-empty').hidden = data.items.length > 0;
    const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
    $('page-info').textContent = 'Page ' + (state.page + 1) + ' of ' + pages + ' (' + data.total + ' backups)';
    $('prev-page').disabled = state.page === 0;
    $('next-page').disabled = state.page + 1 >= pages;
  }

  function row(b) {
    const tr = el('tr');
    tr.dataset.id = b.id;
    const name = el('td', b.name || '(no name)', 'name');
    if (b.tags.length) name.append(el('span', ' [' + b.tags.join(', ') + ']', 'tags'));
    const verified = state.verified.get(b.id);
    tr.append(el('td', when(b.createdAt)), el('td', b.type), name, el('td', b.status), el('td', bytes(b.size)),
      el('td', b.tables), el('td', b.rows), el('td', b.files), el('td', b.pinned ? 'yes' : 'no'),
      el('td', verified ? when(verified) : 'no'));
    const actions = el('div', null, 'row-actions');
    actions.append(
      button('Details', () => showDetails(b.id).catch(failed), 'secondary'),
      download('Download', b.id, ''));
    if (b.tables > 0 && b.files > 0) {
      actions.append(download('Database', b.id, 'database'), download('Files', b.id, 'files'));
    }
    actions.append(
      button(b.pinned ? 'Unpin' : 'Pin', () => pin(b).catch(failed), 'secondary'),
      button('Verify', () => verify(b.id).catch(failed), 'secondary'),
      button('Restore', () => openRestore(b), 'restore'),
      button('Delete', () => confirmDelete(b), 'danger'));
    const td = el('td');
    td.append(actions);
    tr.append(td);
    label(tr, $('backups'));
    return tr;
  }

  /** Gives each cell its column's name, which the phone layout shows beside the value. */
  function label(tr, table) {
    const names = Array.from(table.tHead.rows[0].cells, (c) => c.textContent);
    Array.from(tr.cells).forEach((c, i) => { c.dataset.label = names[i]; });
  }

  function download(text, id, part) {
    const a = el('a', text);
    a.href = API + 'backups/' + encodeURIComponent(id) + '/download' + (part ? '?part=' + part : '');
    a.setAttribute('download', '');
    return a;
  }

  async function showDetails(id) {
    const m = await call('GET', 'backups/' + encodeURIComponent(id));
    $('details-id').textContent = m.id;
    const dl = $('details-list');
    dl.replaceChildren();
    const add = (k, v) => dl.append(el('dt', k), el('dd', v));
    add('Name', m.name);
    add('Notes', m.notes);
    add('Tags', m.tags.join(', '));
    add('Created', when(m.createdAt));
    add('Stored', bytes(m.storedBytes) + ' (' + bytes(m.contentBytes) + ' uncompressed)');
    if (m.database) add('Database', m.database.product + ', ' + m.database.tables.length + ' tables, ' + m.database.totalRows + ' rows');
    if (m.files) add('Files', m.files.fileCount + ' entries, ' + bytes(m.files.totalBytes));
    if (m.warnings.length) add('Warnings', m.warnings.join('\n'));
    $('details').hidden = false;
  }

  async function pin(b) {
    await call(b.pinned ? 'DELETE' : 'PUT', 'backups/' + encodeURIComponent(b.id) + '/pin');
    toast(b.pinned ? 'Unpinned.' : 'Pinned: retention will keep it.');
    await loadBackups();
  }

  async function verify(id) {
    toast('Verifying…');
    const r = await call('POST', 'backups/' + encodeURIComponent(id) + '/verify');
    toast(r.ok ? 'Verified: ' + r.objects + ' objects intact.' : 'Verification found ' + r.problems.length + ' problems.', !r.ok);
    await loadBackups();
    await loadHistory();
  }

  // ------------------------------------------------------------------ create

  async function create(event) {
    event.preventDefault();
    const button = $('create-button');
    button.disabled = true;
    $('create-progress').hidden = false;
    try {
      const tags = $('create-tags').value.split(',').map((t) => t.trim()).filter((t) => t);
      let job = await call('POST', 'backups', { type: $('create-type').value, name: $('create-name').value,
        notes: $('create-notes').value, tags });
      job = await awaitJob(job, $('create-bar'), $('create-status'));
      if (job.status === 'COMPLETED') toast('Backup ' + job.backupId + ' created.');
      else toast('Backup failed: ' + (job.error ? job.error.message : job.status), true);
      await refresh();
    } catch (e) {
      $('create-status').textContent = e.message;
      failed(e);
    } finally {
      button.disabled = false;
    }
  }

  // ------------------------------------------------------------------ upload

  function upload(file) {
    $('upload-progress').hidden = false;
    const bar = $('upload-bar'), status = $('upload-status');
    bar.value = 0;
    status.textContent = 'Uploading ' + file.name + '…';
    const xhr = new XMLHttpRequest();
    xhr.open('POST', API + 'backups/upload');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-XSRF-TOKEN', token);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round(100 * e.loaded / e.total);
        status.textContent = 'Uploading: ' + bytes(e.loaded) + ' of ' + bytes(e.total);
      }
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (ignored) { /* not JSON */ }
      if (xhr.status === 201) {
        status.textContent = 'Uploaded backup ' + data.id + '.';
        toast('Backup ' + data.id + ' uploaded and verified.');
        refresh().catch(failed);
      } else {
        status.textContent = 'Refused: ' + (data && data.detail ? data.detail : 'HTTP ' + xhr.status);
        toast(status.textContent, true);
      }
      $('upload-input').value = '';
    });
    xhr.addEventListener('error', () => { status.textContent = 'Upload failed: the connection broke.'; });
    xhr.send(file);
  }

  function setUpDropZone() {
    const zone = $('drop-zone'), input = $('upload-input');
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
    });
    zone.addEventListener('keydown', (e) => {
      if (e.target === zone && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); input.click(); }
    });
    input.addEventListener('change', () => { if (input.files.length) upload(input.files[0]); });
  }

  // ------------------------------------------------------------------ restore

  let restoring = null;

  function restoreBody(validateOnly) {
    const tables = $('restore-tables').value.split(',').map((t) => t.trim()).filter((t) => t);
    const body = { database: $('restore-database').checked, files: $('restore-files').checked,
      mode: $('restore-mode').value, safetyBackup: $('restore-safety').checked, validateOnly };
    if (tables.length) body.tables = tables;
    if ($('restore-target').value.trim()) body.filesTarget = $('restore-target').value.trim();
    return body;
  }

  function openRestore(b) {
    restoring = b;
    $('restore-id').textContent = b.id;
    $('restore-database').checked = b.tables > 0;
    $('restore-database').disabled = b.tables === 0;
    $('restore-files').checked = b.files > 0;
    $('restore-files').disabled = b.files === 0;
    $('restore-report').replaceChildren();
    $('restore-confirm').checked = false;
    $('restore-confirm').disabled = true;
    $('restore-run').disabled = true;
    $('restore-progress').hidden = true;
    $('restore-dialog').showModal();
  }

  function resetConfirmation() {
    $('restore-report').replaceChildren();
    $('restore-confirm').checked = false;
    $('restore-confirm').disabled = true;
    $('restore-run').disabled = true;
  }

  async function previewRestore() {
    const report = $('restore-report');
    resetConfirmation();
    report.append(el('p', 'Validating…'));
    try {
      const r = await call('POST', 'backups/' + encodeURIComponent(restoring.id) + '/restore', restoreBody(true));
      report.replaceChildren(el('p', 'Validated. A restore would change:'));
      const ul = el('ul', null, 'report');
      for (const t of r.tables) ul.append(el('li', 'table ' + t.table + ': ' + t.rowsBefore + ' rows now → ' + t.rowsAfter + ' after'));
      for (const f of r.files) {
        ul.append(el('li', 'files ' + f.root + ' in ' + f.target + ': ' + f.added + ' added, ' + f.replaced + ' replaced, '
          + f.removed + ' removed, ' + f.unchanged + ' unchanged'));
      }
      report.append(ul);
      $('restore-confirm').disabled = false;
    } catch (e) {
      report.replaceChildren(el('p', 'Cannot restore: ' + e.message));
    }
  }

  async function runRestore() {
    $('restore-run').disabled = true;
    $('restore-confirm').disabled = true;
    $('restore-progress').hidden = false;
    try {
      let job = await call('POST', 'backups/' + encodeURIComponent(restoring.id) + '/restore', restoreBody(false));
      job = await awaitJob(job, $('restore-bar'), $('restore-status'));
      if (job.status === 'COMPLETED') {
        $('restore-status').textContent = 'Restore complete' + (job.result && job.result.safetyBackup
          ? ' (safety backup ' + job.result.safetyBackup + ')' : '') + '.';
        toast('Restore of ' + restoring.id + ' complete.');
      } else {
        toast('Restore ' + job.status.toLowerCase() + ': ' + (job.error ? job.error.message : ''), true);
      }
      await refresh();
    } catch (e) {
      $('restore-status').textContent = e.message;
      failed(e);
    }
  }

  // ------------------------------------------------------------------ delete

  let deleting = null;

  function confirmDelete(b) {
    deleting = b;
    $('confirm-text').textContent = 'Delete backup ' + b.id + (b.name ? ' (' + b.name + ')' : '') + '? This cannot be undone.'
      + (b.pinned ? ' It is pinned.' : '');
    $('confirm-dialog').showModal();
  }

  async function doDelete() {
    $('confirm-dialog').close();
    try {
      await call('DELETE', 'backups/' + encodeURIComponent(deleting.id));
      toast('Deleted ' + deleting.id + '.');
      $('details').hidden = true;
      await refresh();
    } catch (e) {
      failed(e);
    }
  }

  // ------------------------------------------------------------------ retention

  function retentionRules() {
    const rules = {};
    for (const [id, key] of [['keep-last', 'keepLast'], ['keep-daily', 'keepDaily'], ['keep-weekly', 'keepWeekly'],
      ['keep-monthly', 'keepMonthly']]) {
      if ($(id).value) rules[key] = parseInt($(id).value, 10);
    }
    return rules;
  }

  async function planRetention(event) {
    event.preventDefault();
    const out = $('retention-result');
    out.replaceChildren();
    $('retention-apply').disabled = true;
    try {
      const rules = retentionRules();
      const plan = await call('POST', 'retention/plan', rules);
      state.plan = { rules, ids: plan.delete.map((d) => d.id) };
      out.append(el('p', 'Keeps ' + plan.keep.length + ', deletes ' + plan.delete.length + ' (' + bytes(plan.bytesToFree) + ').'));
      const ul = el('ul', null, 'report');
      for (const d of plan.delete) ul.append(el('li', 'delete ' + d.id + ' ' + d.name + ': ' + d.reasons.join(', ')));
      for (const k of plan.keep) ul.append(el('li', 'keep ' + k.id + ' ' + k.name + ': ' + k.reasons.join(', ')));
      out.append(ul);
      $('retention-apply').disabled = plan.delete.length === 0;
    } catch (e) {
      out.append(el('p', e.message));
    }
  }

  async function applyRetention() {
    $('retention-apply').disabled = true;
    try {
      const body = Object.assign({}, state.plan.rules, { expectDelete: state.plan.ids });
      const r = await call('POST', 'retention/apply', body);
      $('retention-result').replaceChildren(el('p', 'Deleted ' + r.deleted.length + ' backups, freed ' + bytes(r.bytesFreed) + '.'));
      await refresh();
    } catch (e) {
      $('retention-result').replaceChildren(el('p', e.message));
    }
  }

  // ------------------------------------------------------------------ history

  function historyQuery() {
    const q = new URLSearchParams();
    if ($('history-operation').value) q.set('operation', $('history-operation').value);
    if ($('history-status').value) q.set('status', $('history-status').value);
    return q;
  }

  async function loadHistory() {
    const q = historyQuery();
    $('history-csv').href = API + 'history.csv' + (q.toString() ? '?' + q : '');
    q.set('limit', '100');
    const h = await call('GET', 'history?' + q);
    const body = $('history').tBodies[0];
    body.replaceChildren();
    for (const r of h.items) {
      const tr = el('tr');
      tr.append(el('td', when(r.startedAt)), el('td', r.operation), el('td', r.status), el('td', r.backupId || ''),
        el('td', r.actor), el('td', duration(r.durationMs)), el('td', r.error || ''));
      label(tr, $('history'));
      body.append(tr);
    }
  }

  // ------------------------------------------------------------------ start

  async function refresh() {
    await Promise.all([loadBackups(), loadStats(), loadHistory(), loadHealth()]);
  }

  function start() {
    $('create-form').addEventListener('submit', create);
    $('filter-form').addEventListener('submit', (e) => { e.preventDefault(); state.page = 0; loadBackups().catch(failed); });
    $('prev-page').addEventListener('click', () => { state.page--; loadBackups().catch(failed); });
    $('next-page').addEventListener('click', () => { state.page++; loadBackups().catch(failed); });
    $('history-form').addEventListener('submit', (e) => { e.preventDefault(); loadHistory().catch(failed); });
    $('retention-form').addEventListener('submit', planRetention);
    $('retention-apply').addEventListener('click', applyRetention);
    $('restore-preview').addEventListener('click', previewRestore);
    $('restore-confirm').addEventListener('change', () => { $('restore-run').disabled = !$('restore-confirm').checked; });
    $('restore-run').addEventListener('click', runRestore);
    $('restore-cancel').addEventListener('click', () => $('restore-dialog').close());
    for (const id of ['restore-database', 'restore-files', 'restore-mode', 'restore-tables', 'restore-target', 'restore-safety']) {
      $(id).addEventListener('change', resetConfirmation);
    }
    $('confirm-yes').addEventListener('click', doDelete);
    $('confirm-no').addEventListener('click', () => $('confirm-dialog').close());
    setUpDropZone();
    refresh().catch(failed);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
