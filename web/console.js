// The helpdesk agent console: plain browser code, no framework. Session in an HttpOnly cookie;
// the CSRF token the server gives at sign-in goes back on every change. Live updates by SSE.
(function () {
  'use strict';
  var csrf = '';
  var selected = '';
  var selectedTicket = '';
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
    refreshTickets();
    // Waiting times move on their own; the lists are also refreshed on every queue or ticket event.
    if (!ticker) ticker = setInterval(function () { if (!$('desk').hidden) { refreshQueue(); refreshTickets(); } }, 15000);
    if (events) events.close();
    events = new EventSource('/console/api/events');
    events.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.type === 'queue') { refreshQueue(); if (selected) refreshDetail(); }
      if (m.type === 'message' && m.conversationId === selected) addLine(m.from, m.name, m.text);
      if (m.type === 'ticket') { refreshTickets(); if (m.caseId === selectedTicket) refreshTicket(); }
    };
    // After a reconnection, events may have been missed: catch up.
    events.onopen = function () { refreshQueue(); refreshTickets(); if (selectedTicket) refreshTicket(); };
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
        li.addEventListener('click', function () { selected = c.record.conversationId; selectedTicket = ''; $('ticket-detail').hidden = true; refreshTickets(); refreshQueue(); refreshDetail(); });
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

  // Complaint tickets: the list of open tickets, one ticket's details and timeline, the agent's actions.
  function both(label) { return label ? label.ms + ' / ' + label.en : ''; }
  function when(iso) { return iso ? new Date(iso).toLocaleString('ms-MY', { timeZone: 'Asia/Kuala_Lumpur' }) : '-'; }
  function age(s) {
    if (s < 3600) return Math.floor(s / 60) + ' min';
    if (s < 86400) return Math.floor(s / 3600) + ' jam / h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' hari / days';
  }

  function refreshTickets() {
    return api('GET', '/console/api/tickets').then(function (r) {
      if (r.status === 401) return showSignIn();
      if (r.status !== 200) return;
      var list = $('tickets');
      list.textContent = '';
      var items = r.json.tickets || [];
      $('tickets-empty').hidden = items.length > 0;
      items.forEach(function (t) {
        var li = make('li');
        li.dataset.ticket = t.id;
        if (t.id === selectedTicket) li.className = 'selected';
        li.appendChild(make('strong', 'id', t.id));
        li.appendChild(make('div', 'meta status', both(t.statusLabel)));
        li.appendChild(make('div', 'meta', t.person.name + ' · ' + (t.person.agency || '-')));
        li.appendChild(make('div', 'meta', both(t.categoryLabel) + ' · ' + t.application));
        li.appendChild(make('div', 'meta', 'Umur / Age: ' + age(t.ageSeconds) + ' · Kemas kini / Updated: ' + when(t.updatedAt)));
        li.addEventListener('click', function () { if (selectedTicket !== t.id) text($('ticket-status'), ''); selectedTicket = t.id; selected = ''; $('detail').hidden = true; refreshQueue(); refreshTickets(); refreshTicket(); });
        list.appendChild(li);
      });
    });
  }

  function facts(el, pairs) {
    el.textContent = '';
    pairs.forEach(function (p) { el.appendChild(make('dt', '', p[0])); el.appendChild(make('dd', '', p[1] == null || p[1] === '' ? '-' : p[1])); });
  }

  function refreshTicket() {
    if (!selectedTicket) return Promise.resolve();
    return api('GET', '/console/api/tickets/' + encodeURIComponent(selectedTicket)).then(function (r) {
      if (r.status !== 200) { $('ticket-detail').hidden = true; return; }
      var t = r.json;
      $('ticket-detail').hidden = false;
      text($('ticket-title'), t.id);
      facts($('ticket-facts'), [
        ['Status', both(t.statusLabel)], ['Pengguna / User', t.person.name + (t.person.email ? ' <' + t.person.email + '>' : '')],
        ['Agensi / Agency', t.person.agency], ['Kategori / Category', both(t.categoryLabel)], ['Aplikasi / Application', t.application],
        ['Dibuka / Opened', when(t.createdAt)], ['Kemas kini / Updated', when(t.updatedAt)],
      ]);
      $('ticket-facts').dataset.status = t.status;
      text($('ticket-description'), t.description);
      $('ticket-onsite').hidden = !t.onsite;
      if (t.onsite) {
        var o = t.onsite;
        facts($('ticket-onsite-facts'), [
          ['Dimohon oleh / Requested by', o.requestedBy + ' (' + when(o.requestedAt) + ')'], ['Dicuba dalam talian / Tried online', o.triedOnline],
          ['Tarikh akhir / Deadline', o.deadline ? when(o.deadline) + (o.hoursLeft != null ? ' (' + o.hoursLeft + ' jam bekerja / working hours)' : '') : ''],
          ['Sebab ditolak / Rejection reason', o.rejectReason], ['Lawatan / Visit', o.slot ? when(o.slot.start) : ''], ['Pegawai / Officer', o.officer],
          ['Lokasi / Location', o.location], ['Melepasi tarikh akhir / Breached', o.breached ? 'Ya / Yes' : 'Tidak / No'],
        ]);
      }
      var messages = $('ticket-messages');
      messages.textContent = '';
      t.messages.forEach(function (m) {
        var li = make('li', m.kind);
        li.appendChild(make('span', 'when', when(m.at)));
        li.appendChild(document.createTextNode(m.by + ': ' + m.text));
        messages.appendChild(li);
      });
      var timeline = $('ticket-timeline');
      timeline.textContent = '';
      t.timeline.forEach(function (e) {
        var li = make('li');
        li.dataset.event = e.event;
        li.appendChild(make('span', 'when', when(e.at)));
        li.appendChild(document.createTextNode(both(e.label) + ' · ' + e.by + (e.note ? ' · ' + e.note : '')));
        timeline.appendChild(li);
      });
    });
  }

  function actOnTicket(action) {
    if (!selectedTicket) return;
    var value = $('ticket-text').value;
    var body = action === 'onsite' ? { triedOnline: value } : { text: value };
    var status = $('ticket-status');
    api('POST', '/console/api/tickets/' + encodeURIComponent(selectedTicket) + '/' + action, body).then(function (r) {
      if (r.status === 401) return showSignIn();
      var message = r.json.message ? r.json.message.ms + ' / ' + r.json.message.en : 'Tidak berjaya / Failed: ' + (r.json.error || r.status);
      text(status, message);
      status.className = r.status === 200 ? '' : 'error';
      // What the agent typed is kept when the action is refused, so nothing has to be typed again.
      if (r.status === 200) $('ticket-text').value = '';
      return refreshTickets().then(refreshTicket);
    });
  }
  ['acknowledge', 'reply', 'askInfo', 'resolve', 'onsite-button'].forEach(function (id) {
    var button = $('ticket-' + id);
    button.addEventListener('click', function () { actOnTicket(button.dataset.action); });
  });

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
