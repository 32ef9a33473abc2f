// The helpdesk's saved replies in the agent console: any agent adds, edits and deletes them (kept
// in the shared store), and inserts one into the reply box. Loaded before console.js, which calls it.
(window.GpkiConsoleParts = window.GpkiConsoleParts || []).push(function (C) {
  'use strict';
  var $ = C.$;
  var replies = [];
  var editing = '';
  var lastMessage;
  var personLocale = 'ms';

  C.loadReplies = function () {
    return C.api('GET', '/console/api/replies').then(function (r) {
      if (r.status !== 200) return;
      replies = r.json.replies || [];
      render();
      C.fillPicker(personLocale);
    });
  };

  function render() {
    var list = $('replies');
    list.textContent = '';
    $('replies-empty').hidden = replies.length > 0;
    replies.forEach(function (r) {
      var li = C.make('li');
      li.dataset.reply = r.id;
      li.appendChild(C.make('strong', 'title', r.title));
      li.appendChild(C.make('span', 'meta', C.L.localeName[r.locale] || r.locale));
      li.appendChild(C.make('span', 'said', r.text));
      var edit = C.make('button', '', C.L.edit);
      edit.type = 'button';
      edit.className = 'edit';
      edit.setAttribute('aria-label', C.fill(C.L.editOf, { title: r.title }));
      edit.addEventListener('click', function () { openForm(r); });
      var del = C.make('button', 'delete', C.L.del);
      del.type = 'button';
      del.setAttribute('aria-label', C.fill(C.L.delOf, { title: r.title }));
      // Deleting takes a second, deliberate press: one stray click (or key) removes nothing.
      del.addEventListener('click', function () {
        if (del.dataset.confirm !== 'yes') { del.dataset.confirm = 'yes'; C.text(del, C.L.confirmDel); del.setAttribute('aria-label', C.L.confirmDel + ': ' + r.title); return; }
        C.api('DELETE', '/console/api/replies/' + encodeURIComponent(r.id)).then(done);
      });
      var actions = C.make('div', 'actions');
      actions.appendChild(edit);
      actions.appendChild(del);
      li.appendChild(actions);
      list.appendChild(li);
    });
  }

  /** The picker in a taken conversation: replies in the person's language first. */
  C.fillPicker = function (locale) {
    personLocale = locale || personLocale;
    var select = $('reply-pick');
    select.textContent = '';
    var ordered = replies.filter(function (r) { return r.locale === personLocale; }).concat(replies.filter(function (r) { return r.locale !== personLocale; }));
    ordered.forEach(function (r) { var o = C.make('option', '', r.title + ' (' + (C.L.localeName[r.locale] || r.locale) + ')'); o.value = r.id; select.appendChild(o); });
    $('reply-insert').disabled = ordered.length === 0;
    select.disabled = ordered.length === 0;
  };

  /** Puts the reply's text where the cursor is in the reply box, and leaves the focus there to edit or send. */
  function insert() {
    var r = replies.find(function (x) { return x.id === $('reply-pick').value; });
    if (!r) return;
    var box = $('message');
    var at = box.selectionStart == null ? box.value.length : box.selectionStart;
    var end = box.selectionEnd == null ? at : box.selectionEnd;
    box.value = box.value.slice(0, at) + r.text + box.value.slice(end);
    box.focus();
    box.setSelectionRange(at + r.text.length, at + r.text.length);
  }

  function openForm(r) {
    editing = r ? r.id : '';
    $('reply-form').hidden = false;
    C.text($('reply-form-heading'), r ? C.L.editReply : C.L.newReply);
    $('reply-title').value = r ? r.title : '';
    $('reply-text').value = r ? r.text : '';
    $('reply-locale').value = r ? r.locale : C.lang;
    $('reply-title').focus();
  }
  function closeForm() {
    editing = '';
    $('reply-form').hidden = true;
    $('reply-new').focus();
  }

  function showMessage() {
    if (lastMessage) C.text($('reply-status'), lastMessage.message ? C.pick(lastMessage.message) : C.L.failed);
  }
  function done(r) {
    if (r.status === 401) return C.showSignIn();
    lastMessage = r.json;
    showMessage();
    $('reply-status').className = r.status < 300 ? '' : 'error';
    if (r.status < 300 && !$('reply-form').hidden) closeForm();
    return C.loadReplies();
  }

  $('reply-new').addEventListener('click', function () { openForm(); });
  $('reply-cancel').addEventListener('click', closeForm);
  // Escape only closes the reply form: what was typed is not saved, and nothing stored changes.
  $('reply-form').addEventListener('keydown', function (e) { if (e.key === 'Escape') { e.preventDefault(); closeForm(); } });
  $('reply-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var body = { title: $('reply-title').value, text: $('reply-text').value, locale: $('reply-locale').value };
    var url = '/console/api/replies' + (editing ? '/' + encodeURIComponent(editing) : '');
    C.api(editing ? 'PUT' : 'POST', url, body).then(done);
  });
  $('reply-insert').addEventListener('click', insert);
  C.onLang.push(function () {
    showMessage();
    Array.prototype.forEach.call($('reply-locale').options, function (o) { o.textContent = C.L.localeName[o.value]; });
    if (!$('reply-form').hidden) C.text($('reply-form-heading'), editing ? C.L.editReply : C.L.newReply);
    render();
    C.fillPicker(personLocale);
  });
});
