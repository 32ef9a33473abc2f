// The helpdesk agent console: plain browser code, no framework. Session in an HttpOnly cookie;
// the CSRF token the server gives at sign-in goes back on every change. Live updates by SSE.
(function () {
  'use strict';
  var csrf = '';
  var selected = '';
  var fields = [];
  var events;
  var ticker;
  var $ = function (id) { return document.getElementById(id); };

  function api(method, url, body) {
    var headers = { 'content-type': 'application/json' };
    if (csrf) headers['x-csrf-token'] = csrf;
    return fetch(url, { method: method, headers: headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (json) { return { status: res.status, json: json }; }); });
  }

  function text(el, value) { el.textContent = value == null ? '' : String(value); return el; }
  function make(tag, cls, value) { var el = document.createElement(tag); if (cls) el.className = cls; if (value !== undefined) text(el, value); return el; }
  function minutes(s) { return Math.floor(s / 60) + ' min ' + (s % 60) + ' s'; }

  function showDesk(agent) {
    $('signin').hidden = true;
    $('desk').hidden = false;
    $('who').hidden = false;
    text($('agent-name'), agent.name);
    refreshQueue();
    // Waiting times move on their own; the list is also refreshed on every queue event.
    if (!ticker) ticker = setInterval(function () { if (!$('desk').hidden) refreshQueue(); }, 15000);
    if (events) events.close();
    events = new EventSource('/console/api/events');
    events.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.type === 'queue') { refreshQueue(); if (selected) refreshDetail(); }
      if (m.type === 'message' && m.conversationId === selected) addLine(m.from, m.name, m.text);
    };
  }

  function showSignIn() {
    $('signin').hidden = false;
    $('desk').hidden = true;
    $('who').hidden = true;
  }

  function refreshQueue() {
    return api('GET', '/console/api/queue').then(function (r) {
      if (r.status === 401) return showSignIn();
      var list = $('queue');
      list.textContent = '';
      var items = r.json.conversations || [];
      $('queue-empty').hidden = items.length > 0;
      items.forEach(function (c) {
        var li = make('li');
        li.dataset.conversation = c.record.conversationId;
        if (c.record.conversationId === selected) li.className = 'selected';
        li.appendChild(make('strong', 'name', c.person.name));
        li.appendChild(make('div', 'meta', (c.person.agency || '-') + ' · ' + c.person.locale.toUpperCase() + ' · ' + c.record.reason));
        li.appendChild(make('div', 'meta status', c.record.status === 'taken' ? 'Diambil oleh / taken by ' + (c.agentName || c.record.agentId) : 'Menunggu / waiting ' + minutes(c.waitingSeconds)));
        if (c.form) li.appendChild(make('div', 'meta', 'Permohonan: langkah ' + (c.form.asking || '-') + (c.form.caseId ? ' · ' + c.form.caseId : '')));
        li.addEventListener('click', function () { selected = c.record.conversationId; refreshQueue(); refreshDetail(); });
        list.appendChild(li);
      });
    });
  }

  function addLine(from, name, value) {
    var li = make('li', from, name + ': ' + value);
    $('transcript').appendChild(li);
    li.scrollIntoView({ block: 'nearest' });
  }

  function refreshDetail() {
    if (!selected) return Promise.resolve();
    return api('GET', '/console/api/conversations/' + encodeURIComponent(selected)).then(function (r) {
      if (r.status !== 200) { $('detail').hidden = true; return; }
      var v = r.json;
      $('detail').hidden = false;
      text($('detail-title'), v.person.name);
      var facts = $('detail-facts');
      facts.textContent = '';
      [['E-mel', v.person.email], ['Agensi / Agency', v.person.agency], ['Bahasa / Language', v.person.locale], ['Status', v.record.status + (v.agentName ? ' (' + v.agentName + ')' : '')], ['Kes dibetulkan / Case in correction', v.form && v.form.caseId], ['Kes terkini / Latest cases', v.cases.map(function (c) { return c.id + ' (' + c.status + ')'; }).join(', ')]].forEach(function (p) {
        facts.appendChild(make('dt', '', p[0]));
        facts.appendChild(make('dd', '', p[1] || '-'));
      });
      var values = $('form-values');
      values.textContent = '';
      if (v.form) {
        values.appendChild(make('dt', '', 'Langkah semasa / Current step'));
        values.appendChild(make('dd', 'asking', v.form.asking || '-'));
        Object.keys(v.form.values).forEach(function (k) {
          var val = v.form.values[k];
          values.appendChild(make('dt', '', k));
          var dd = make('dd', '', typeof val === 'object' ? JSON.stringify(val) : val);
          dd.dataset.field = k;
          values.appendChild(dd);
        });
      }
      $('correct-form').hidden = !v.form;
      var transcript = $('transcript');
      transcript.textContent = '';
      v.transcript.forEach(function (e) { addLine(e.from, e.from === 'user' ? v.person.name : 'MyGPKI', e.text); });
      var notes = $('notes');
      notes.textContent = '';
      v.record.notes.forEach(function (n) { notes.appendChild(make('li', '', n.text)); });
      var mine = v.record.status === 'taken';
      $('take').hidden = v.record.status !== 'waiting';
      $('handback').hidden = !mine;
      $('end').hidden = !mine;
    });
  }

  function act(path, body) {
    return api('POST', '/console/api/conversations/' + encodeURIComponent(selected) + path, body).then(function (r) {
      var status = $('detail-status');
      if (r.status === 200) text(status, 'OK');
      else if (r.json.error === 'TAKEN') text(status, 'Perbualan ini telah diambil oleh ' + (r.json.by || 'ejen lain') + '. / Already taken by ' + (r.json.by || 'another agent') + '.');
      else if (r.json.error === 'INVALID') text(status, r.json.message);
      else text(status, 'Tidak berjaya / Failed: ' + r.json.error);
      status.className = r.status === 200 ? '' : 'error';
      return refreshQueue().then(refreshDetail).then(function () { return r; });
    });
  }

  $('signin-form').addEventListener('submit', function (e) {
    e.preventDefault();
    api('POST', '/console/api/login', { email: $('email').value, password: $('password').value }).then(function (r) {
      if (r.status !== 200) {
        text($('signin-error'), r.json.error === 'NOT_AN_AGENT' ? 'Hanya ejen meja bantuan boleh log masuk. / Only helpdesk agents may sign in.' : 'E-mel atau kata laluan salah. / Wrong e-mail or password.');
        return;
      }
      csrf = r.json.csrf;
      start();
    });
  });
  $('logout').addEventListener('click', function () { api('POST', '/console/api/logout').then(function () { csrf = ''; if (events) events.close(); showSignIn(); }); });
  $('take').addEventListener('click', function () { act('/take'); });
  $('handback').addEventListener('click', function () { act('/handback'); });
  $('end').addEventListener('click', function () { act('/end'); });
  $('message-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('message').value.trim();
    if (!value) return;
    act('/messages', { text: value }).then(function (r) { if (r.status === 200) $('message').value = ''; });
  });
  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('note').value.trim();
    if (!value) return;
    act('/notes', { text: value }).then(function (r) { if (r.status === 200) $('note').value = ''; });
  });
  $('correct-form').addEventListener('submit', function (e) {
    e.preventDefault();
    act('/fields', { field: $('correct-field').value, value: $('correct-value').value }).then(function (r) { if (r.status === 200) $('correct-value').value = ''; });
  });

  function start() {
    api('GET', '/console/api/me').then(function (r) {
      if (r.status !== 200) return showSignIn();
      csrf = r.json.csrf;
      fields = r.json.fields || [];
      var select = $('correct-field');
      select.textContent = '';
      fields.forEach(function (f) { var o = make('option', '', f); o.value = f; select.appendChild(o); });
      showDesk(r.json.agent);
    });
  }
  start();
})();
