// The helpdesk agent console: plain browser code, no framework. Session in an HttpOnly cookie;
// the CSRF token the server gives at sign-in goes back on every change. Live updates by SSE.
// One language at a time (Malay unless the agent chose English, remembered in this browser):
// page labels from console-labels.js, everything the server words arrives as { ms, en }.
// The ticket panel and the saved replies live in console-tickets.js and console-replies.js.
(function () {
  'use strict';
  var LABELS = window.GpkiConsoleLabels;
  var LANG_KEY = 'gpki-console-lang';
  var $ = function (id) { return document.getElementById(id); };
  var C = { $: $, csrf: '', agent: null, selected: '', selectedTicket: '', fieldChoices: [], onLang: [], ticketUnread: {} };
  var events;
  var ticker;
  var view;
  var convUnread = {};

  function stored(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode: not remembered */ } }
  C.lang = stored(LANG_KEY) === 'en' ? 'en' : 'ms';
  C.L = LABELS[C.lang];

  C.api = function (method, url, body) {
    var headers = { 'content-type': 'application/json' };
    if (C.csrf) headers['x-csrf-token'] = C.csrf;
    return fetch(url, { method: method, headers: headers, credentials: 'same-origin', body: body ? JSON.stringify(body) : undefined })
      .then(function (res) { return res.json().catch(function () { return {}; }).then(function (json) { return { status: res.status, json: json }; }); });
  };
  C.text = function (el, value) { el.textContent = value == null ? '' : String(value); return el; };
  C.make = function (tag, cls, value) { var el = document.createElement(tag); if (cls) el.className = cls; if (value !== undefined) C.text(el, value); return el; };
  C.fill = function (template, params) { return template.replace(/\{(\w+)\}/g, function (m, k) { return params[k] == null ? m : String(params[k]); }); };
  /** The server's { ms, en } text in the console's language. */
  C.pick = function (b) { return b ? b[C.lang] || b.ms || '' : ''; };
  var pad = function (n) { return String(n).padStart(2, '0'); };
  // Malaysian time is UTC+8 all year (domain/rules/malaysia-time.ts), whatever this PC's time zone.
  C.myt = function (iso) {
    var d = new Date(Date.parse(iso) + 480 * 60000);
    return { date: pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear(), time: pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) };
  };
  C.when = function (iso) { if (!iso) return '-'; var p = C.myt(iso); return p.date + ' ' + p.time + ' (' + C.L.mytime + ')'; };
  C.timeEl = function (iso) { var p = C.myt(iso); var t = C.make('time', 'when', p.time); t.dateTime = iso; t.title = C.when(iso); return t; };
  C.facts = function (el, pairs) {
    el.textContent = '';
    pairs.forEach(function (p) { el.appendChild(C.make('dt', '', p[0])); el.appendChild(C.make('dd', '', p[1] == null || p[1] === '' ? '-' : p[1])); });
  };
  /** A list entry the keyboard reaches: one button filling the item. */
  C.entry = function (li, selected, onOpen) {
    var b = C.make('button', 'entry');
    b.type = 'button';
    if (selected) { li.className = 'selected'; b.setAttribute('aria-current', 'true'); }
    b.addEventListener('click', onOpen);
    li.appendChild(b);
    return b;
  };
  /** The person's open cases; a ticket opens in the ticket panel. */
  C.renderCases = function (list, cases) {
    list.textContent = '';
    if (!cases || !cases.length) return void list.appendChild(C.make('li', 'none', C.L.noOpenCases));
    cases.forEach(function (c) {
      var li = C.make('li');
      li.dataset.case = c.id;
      var words = c.id + ' · ' + C.pick(c.kindLabel) + ' · ' + C.pick(c.statusLabel);
      if (c.kind === 'AD') {
        var b = C.make('button', 'link', words);
        b.type = 'button';
        b.setAttribute('aria-label', C.fill(C.L.openTicket, { id: c.id }) + ': ' + C.pick(c.kindLabel) + ', ' + C.pick(c.statusLabel));
        b.addEventListener('click', function () { C.openTicket(c.id); });
        li.appendChild(b);
      } else li.appendChild(C.make('span', '', words));
      list.appendChild(li);
    });
  };

  // Unread person messages are counted per agent in this browser (localStorage) from the live
  // events while a conversation is not open; messages sent while no console was open are not counted.
  function unreadKey() { return 'gpki-console-unread:' + (C.agent ? C.agent.id : ''); }
  function saveUnread() { store(unreadKey(), JSON.stringify(convUnread)); }
  C.updateTitle = function () {
    var open = {};
    Array.prototype.forEach.call(document.querySelectorAll('#queue li[data-conversation]'), function (li) { open[li.dataset.conversation] = true; });
    var total = 0;
    Object.keys(convUnread).forEach(function (id) { if (open[id]) total += convUnread[id]; });
    Object.keys(C.ticketUnread).forEach(function (id) { total += C.ticketUnread[id]; });
    document.title = (total ? '(' + total + ') ' : '') + C.L.docTitle;
  };
  C.badge = function (n, template) {
    var b = C.make('span', 'badge', String(n));
    b.setAttribute('aria-label', C.fill(template, { n: n }));
    return b;
  };

  function applyLang() {
    document.documentElement.lang = C.lang;
    Array.prototype.forEach.call(document.querySelectorAll('[data-l]'), function (el) { var v = C.L[el.dataset.l]; if (typeof v === 'string') el.textContent = v; });
    Array.prototype.forEach.call(document.querySelectorAll('[data-l-aria]'), function (el) { el.setAttribute('aria-label', C.L[el.dataset.lAria]); });
    $('lang').lang = C.lang === 'ms' ? 'en' : 'ms';
    fillFieldSelect();
    C.updateTitle();
  }
  C.setLang = function (lang) {
    C.lang = lang === 'en' ? 'en' : 'ms';
    C.L = LABELS[C.lang];
    store(LANG_KEY, C.lang);
    applyLang();
    if (!$('desk').hidden) { refreshQueue(); refreshDetail(); }
    C.onLang.forEach(function (f) { f(); });
  };
  function fillFieldSelect() {
    var select = $('correct-field');
    var was = select.value;
    select.textContent = '';
    C.fieldChoices.forEach(function (f) { var o = C.make('option', '', C.pick(f.label)); o.value = f.field; select.appendChild(o); });
    if (was) select.value = was;
  }

  function showDesk(agent) {
    C.agent = agent;
    try { convUnread = JSON.parse(stored(unreadKey()) || '{}') || {}; } catch (e) { convUnread = {}; }
    $('signin').hidden = true;
    $('desk').hidden = false;
    $('who').hidden = false;
    C.text($('agent-name'), agent.name);
    refreshQueue();
    C.refreshTickets();
    C.loadReplies();
    // Waiting times move on their own; the lists are also refreshed on every queue or ticket event.
    if (!ticker) ticker = setInterval(function () { if (!$('desk').hidden) { refreshQueue(); C.refreshTickets(); } }, 15000);
    if (events) events.close();
    events = new EventSource('/console/api/events');
    events.onmessage = function (e) {
      var m = JSON.parse(e.data);
      if (m.type === 'queue') { refreshQueue(); if (C.selected) refreshDetail(); }
      if (m.type === 'message' && m.conversationId === C.selected) addLine(m);
      else if (m.type === 'message' && m.from === 'user') { convUnread[m.conversationId] = (convUnread[m.conversationId] || 0) + 1; saveUnread(); refreshQueue(); }
      if (m.type === 'ticket') { C.refreshTickets(); if (m.caseId === C.selectedTicket) C.refreshTicket(); }
    };
    // After a reconnection, events may have been missed: catch up.
    events.onopen = function () { refreshQueue(); C.refreshTickets(); if (C.selectedTicket) C.refreshTicket(); };
  }

  C.showSignIn = function () {
    $('signin').hidden = false;
    $('desk').hidden = true;
    $('who').hidden = true;
  };

  function refreshQueue() {
    return C.api('GET', '/console/api/queue').then(function (r) {
      if (r.status === 401) return C.showSignIn();
      var list = $('queue');
      list.textContent = '';
      var items = r.json.conversations || [];
      $('queue-empty').hidden = items.length > 0;
      items.forEach(function (c) {
        var id = c.record.conversationId;
        var li = C.make('li');
        li.dataset.conversation = id;
        var b = C.entry(li, id === C.selected, function () { openConversation(id); });
        b.appendChild(C.make('strong', 'name', c.person.name));
        if (convUnread[id]) b.appendChild(C.badge(convUnread[id], C.L.unread));
        b.appendChild(C.make('span', 'meta', (c.person.agency || '-') + ' · ' + C.pick(c.shown.locale) + ' · ' + C.pick(c.shown.reason)));
        b.appendChild(C.make('span', 'meta status', c.record.status === 'waiting' ? C.fill(C.L.waiting, { n: Math.floor(c.waitingSeconds / 60) }) : C.pick(c.shown.status)));
        if (c.shown.form) b.appendChild(C.make('span', 'meta', C.fill(C.L.step, { step: C.pick(c.shown.form.asking) || '-' }) + (c.form.caseId ? ' · ' + c.form.caseId : '')));
        list.appendChild(li);
      });
      C.updateTitle();
    });
  }

  function openConversation(id) {
    C.selected = id;
    C.selectedTicket = '';
    $('ticket-detail').hidden = true;
    if (convUnread[id]) { delete convUnread[id]; saveUnread(); }
    C.refreshTickets();
    refreshQueue();
    text($('detail-status'), '');
    refreshDetail().then(function () { if (!$('detail').hidden) $('detail-title').focus(); });
  }
  var text = C.text;

  function addLine(e) {
    var list = $('transcript');
    var li = C.make('li', e.from);
    li.appendChild(C.make('span', 'n', String(list.children.length + 1)));
    li.appendChild(C.timeEl(e.at || new Date().toISOString()));
    li.appendChild(C.make('strong', 'who', e.name));
    li.appendChild(C.make('span', 'said', e.marker ? C.L[e.marker] : e.text));
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function refreshDetail() {
    if (!C.selected) return Promise.resolve();
    return C.api('GET', '/console/api/conversations/' + encodeURIComponent(C.selected)).then(function (r) {
      if (r.status !== 200) { $('detail').hidden = true; return; }
      var v = r.json;
      view = v;
      $('detail').hidden = false;
      text($('detail-title'), v.person.name);
      var F = C.L.facts;
      C.facts($('detail-facts'), [[F.email, v.person.email], [F.agency, v.person.agency], [F.language, C.pick(v.shown.locale)], [F.status, C.pick(v.shown.status)], [F.reason, C.pick(v.shown.reason)], [F.correcting, v.form && v.form.caseId]]);
      C.renderCases($('detail-cases'), v.openCases);
      var values = $('form-values');
      values.textContent = '';
      if (v.shown.form) {
        values.appendChild(C.make('dt', '', C.L.asking));
        values.appendChild(C.make('dd', 'asking', C.pick(v.shown.form.asking) || '-'));
        v.shown.form.fields.forEach(function (f) {
          values.appendChild(C.make('dt', '', C.pick(f.label)));
          var dd = C.make('dd', '', C.pick(f.value));
          dd.dataset.field = f.field;
          values.appendChild(dd);
        });
      }
      $('form-none').hidden = Boolean(v.shown.form);
      $('correct-form').hidden = !v.form;
      $('transcript').textContent = '';
      v.transcript.forEach(addLine);
      var notes = $('notes');
      notes.textContent = '';
      v.shown.notes.forEach(function (n) { var li = C.make('li'); li.appendChild(C.timeEl(n.at)); li.appendChild(C.make('span', '', C.pick(n.text))); notes.appendChild(li); });
      var mine = v.record.status === 'taken' && C.agent && v.record.agentId === C.agent.id;
      $('take').hidden = v.record.status !== 'waiting';
      $('handback').hidden = !mine;
      $('end').hidden = !mine;
      $('message-form').hidden = !mine;
      $('reply-picker').hidden = !mine;
      C.fillPicker(v.person.locale);
    });
  }

  function act(path, body) {
    return C.api('POST', '/console/api/conversations/' + encodeURIComponent(C.selected) + path, body).then(function (r) {
      var status = $('detail-status');
      if (r.status === 200) text(status, 'OK');
      else if (r.json.error === 'TAKEN') text(status, C.fill(C.L.taken, { by: r.json.by || C.L.anotherAgent }));
      else if (r.json.error === 'INVALID') text(status, r.json.message);
      else text(status, C.L.errors[r.json.error] || C.L.failed);
      status.className = r.status === 200 ? '' : 'error';
      return refreshQueue().then(refreshDetail).then(function () { return r; });
    });
  }

  $('signin-form').addEventListener('submit', function (e) {
    e.preventDefault();
    C.api('POST', '/console/api/login', { email: $('email').value, password: $('password').value }).then(function (r) {
      if (r.status !== 200) return void text($('signin-error'), r.json.error === 'NOT_AN_AGENT' ? C.L.notAgent : r.status === 429 ? C.L.tooMany : C.L.wrongPassword);
      C.csrf = r.json.csrf;
      start();
    });
  });
  $('lang').addEventListener('click', function () { C.setLang(C.lang === 'ms' ? 'en' : 'ms'); });
  $('logout').addEventListener('click', function () { C.api('POST', '/console/api/logout').then(function () { C.csrf = ''; if (events) events.close(); C.showSignIn(); }); });
  $('take').addEventListener('click', function () { act('/take'); });
  $('handback').addEventListener('click', function () { act('/handback'); });
  $('end').addEventListener('click', function () { act('/end'); });
  $('message-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('message').value;
    if (!value.trim()) return;
    act('/messages', { text: value }).then(function (r) { if (r.status === 200) $('message').value = ''; });
  });
  // Enter sends; Shift+Enter (or an input method still composing) makes a new line.
  $('message').addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    $('message-form').requestSubmit();
  });
  $('note-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var value = $('note').value.trim();
    if (!value) return;
    act('/notes', { text: value }).then(function (r) { if (r.status === 200) $('note').value = ''; });
  });
  $('correct-form').addEventListener('submit', function (e) {
    e.preventDefault();
    act('/fields', { field: $('correct-field').value, value: $('correct-value').value, lang: C.lang }).then(function (r) { if (r.status === 200) $('correct-value').value = ''; });
  });

  function start() {
    C.api('GET', '/console/api/me').then(function (r) {
      if (r.status !== 200) return C.showSignIn();
      C.csrf = r.json.csrf;
      C.areas = r.json.areas || [];
      if (C.enterAreas(r.json.agent)) return;
      C.fieldChoices = r.json.fieldChoices || [];
      fillFieldSelect();
      showDesk(r.json.agent);
    });
  }
  C.view = function () { return view; };
  (window.GpkiConsoleParts || []).forEach(function (part) { part(C); });
  C.setLang(C.lang);
  start();
})();
