// The agent console's ticket panel: the open complaint tickets, one ticket's details and
// timeline, and the agent's actions on it. Loaded before console.js, which calls it with the shared helpers.
(window.GpkiConsoleParts = window.GpkiConsoleParts || []).push(function (C) {
  'use strict';
  var $ = C.$;
  var lastMessage;
  // When the agent last opened each ticket (per agent, in this browser): the person's later activity counts as unread.
  function seenKey() { return 'gpki-console-seen-tickets:' + (C.agent ? C.agent.id : ''); }
  function seen() { try { return JSON.parse(localStorage.getItem(seenKey()) || '{}') || {}; } catch (e) { return {}; } }
  function markSeen(id, at) { var s = seen(); s[id] = at; try { localStorage.setItem(seenKey(), JSON.stringify(s)); } catch (e) { /* not remembered */ } }

  function age(s) {
    if (s < 3600) return C.fill(C.L.min, { n: Math.floor(s / 60) });
    if (s < 86400) return C.fill(C.L.hours, { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
    return C.fill(C.L.days, { n: Math.floor(s / 86400) });
  }

  C.refreshTickets = function () {
    return C.api('GET', '/console/api/tickets').then(function (r) {
      if (r.status === 401) return C.showSignIn();
      if (r.status !== 200) return;
      var list = $('tickets');
      list.textContent = '';
      var items = r.json.tickets || [];
      var s = seen();
      C.ticketUnread = {};
      $('tickets-empty').hidden = items.length > 0;
      items.forEach(function (t) {
        var unread = t.id === C.selectedTicket ? 0 : (t.personActivity || []).filter(function (at) { return !s[t.id] || at > s[t.id]; }).length;
        if (unread) C.ticketUnread[t.id] = unread;
        var li = C.make('li');
        li.dataset.ticket = t.id;
        var b = C.entry(li, t.id === C.selectedTicket, function () { C.openTicket(t.id); });
        b.appendChild(C.make('strong', 'id', t.id));
        if (unread) b.appendChild(C.badge(unread, C.L.unreadTicket));
        b.appendChild(C.make('span', 'meta status', C.pick(t.statusLabel)));
        b.appendChild(C.make('span', 'meta', t.person.name + ' · ' + (t.person.agency || '-')));
        b.appendChild(C.make('span', 'meta', C.pick(t.categoryLabel) + ' · ' + t.application));
        b.appendChild(C.make('span', 'meta', C.fill(C.L.age, { age: age(t.ageSeconds) }) + ' · ' + C.fill(C.L.updated, { when: C.when(t.updatedAt) })));
        list.appendChild(li);
      });
      C.updateTitle();
    });
  };

  C.openTicket = function (id) {
    if (C.selectedTicket !== id) { C.text($('ticket-status'), ''); lastMessage = undefined; }
    C.selectedTicket = id;
    C.selected = '';
    $('detail').hidden = true;
    return C.refreshTicket().then(function () {
      if (!$('ticket-detail').hidden) $('ticket-title').focus();
      return C.refreshTickets();
    });
  };

  C.refreshTicket = function () {
    if (!C.selectedTicket) return Promise.resolve();
    return C.api('GET', '/console/api/tickets/' + encodeURIComponent(C.selectedTicket)).then(function (r) {
      if (r.status !== 200) { $('ticket-detail').hidden = true; return; }
      var t = r.json;
      var latest = (t.personActivity || []).slice(-1)[0];
      if (latest) markSeen(t.id, latest);
      $('ticket-detail').hidden = false;
      C.text($('ticket-title'), t.id);
      var F = C.L.ticketFacts;
      C.facts($('ticket-facts'), [
        [F.status, C.pick(t.statusLabel)], [F.user, t.person.name + (t.person.email ? ' <' + t.person.email + '>' : '')],
        [F.agency, t.person.agency], [F.category, C.pick(t.categoryLabel)], [F.application, t.application],
        [F.opened, C.when(t.createdAt)], [F.updated, C.when(t.updatedAt)],
      ]);
      $('ticket-facts').dataset.status = t.status;
      C.renderCases($('ticket-cases'), t.openCases);
      C.text($('ticket-description'), t.description);
      $('ticket-onsite').hidden = !t.onsite;
      if (t.onsite) {
        var o = t.onsite;
        var O = C.L.onsiteFacts;
        C.facts($('ticket-onsite-facts'), [
          [O.requestedBy, o.requestedBy + ' (' + C.when(o.requestedAt) + ')'], [O.tried, o.triedOnline],
          [O.deadline, o.deadline ? C.when(o.deadline) + (o.hoursLeft != null ? ' (' + C.fill(O.workingHours, { n: o.hoursLeft }) + ')' : '') : ''],
          [O.rejected, o.rejectReason], [O.visit, o.slot ? C.when(o.slot.start) : ''], [O.officer, o.officer],
          [O.location, o.location], [O.breached, o.breached ? C.L.yes : C.L.no],
        ]);
      }
      var messages = $('ticket-messages');
      messages.textContent = '';
      t.messages.forEach(function (m) {
        var li = C.make('li', m.kind);
        li.appendChild(C.timeEl(m.at));
        li.appendChild(C.make('strong', 'who', m.by));
        li.appendChild(C.make('span', 'said', m.text));
        messages.appendChild(li);
      });
      var timeline = $('ticket-timeline');
      timeline.textContent = '';
      t.timeline.forEach(function (e) {
        var li = C.make('li');
        li.dataset.event = e.event;
        li.appendChild(C.timeEl(e.at));
        li.appendChild(C.make('strong', 'who', e.by));
        var note = e.noteLabel ? C.pick(e.noteLabel) : e.note;
        li.appendChild(C.make('span', 'said', C.pick(e.label) + (note ? ' · ' + note : '')));
        timeline.appendChild(li);
      });
    });
  };

  function showMessage() {
    if (lastMessage) C.text($('ticket-status'), lastMessage.message ? C.pick(lastMessage.message) : C.L.failed);
  }

  function actOnTicket(action) {
    if (!C.selectedTicket) return;
    var value = $('ticket-text').value;
    var body = action === 'onsite' ? { triedOnline: value } : { text: value };
    var status = $('ticket-status');
    C.api('POST', '/console/api/tickets/' + encodeURIComponent(C.selectedTicket) + '/' + action, body).then(function (r) {
      if (r.status === 401) return C.showSignIn();
      lastMessage = r.json;
      showMessage();
      status.className = r.status === 200 ? '' : 'error';
      // What the agent typed is kept when the action is refused, so nothing has to be typed again.
      if (r.status === 200) $('ticket-text').value = '';
      return C.refreshTickets().then(C.refreshTicket);
    });
  }
  ['acknowledge', 'reply', 'askInfo', 'resolve', 'onsite-button'].forEach(function (id) {
    var button = $('ticket-' + id);
    button.addEventListener('click', function () { actOnTicket(button.dataset.action); });
  });
  C.onLang.push(function () { showMessage(); if (!$('desk').hidden) { C.refreshTickets(); C.refreshTicket(); } });
});
