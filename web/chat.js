// The MyGPKI Web Chat page: plain ES2020, no build step. Talks to the bot's own Direct Line 3.0.
(() => {
  'use strict';

  const WebChat = window.WebChat;
  // Web Chat stamps its injected <style> elements with this nonce, which the page's CSP allows.
  const NONCE = (document.currentScript && document.currentScript.nonce) || undefined;
  const params = new URLSearchParams(location.search);
  const POLLING = params.get('transport') === 'polling';
  const EMBED = params.get('embed') === '1';
  const PARENT_ORIGIN = params.get('parent') || '';
  const DOMAIN = `${location.origin}/v3/directline`;
  const SESSION_KEY = 'gpki.chat.session';
  const LOCALE_KEY = 'gpki.chat.locale';
  const ONLINE = 2, EXPIRED = 3, FAILED = 4; // directlinejs ConnectionStatus

  // The page's own words (web/chat-labels.js); the bot's words come from the bot.
  const LABELS = window.GpkiChatLabels;

  const $ = (id) => document.getElementById(id);
  let locale = sessionStorage.getItem(LOCALE_KEY) || (params.get('lang') === 'en' ? 'en' : 'ms');
  let noticeKey = '';
  /** The running chat: { directLine, store, session, host, hint, online, timer }. */
  let chat = null;

  // ---- page labels and language -------------------------------------------------------------

  function applyLabels() {
    const L = LABELS[locale];
    document.documentElement.lang = locale;
    document.title = L.title;
    for (const el of document.querySelectorAll('[data-label]')) el.textContent = L[el.dataset.label];
    for (const el of document.querySelectorAll('[data-label-aria]')) el.setAttribute('aria-label', L[el.dataset.labelAria]);
    $('lang').lang = locale === 'ms' ? 'en' : 'ms';
    notice(noticeKey);
  }

  function setLocale(next) {
    if (next === locale) return;
    locale = next;
    sessionStorage.setItem(LOCALE_KEY, locale);
    applyLabels();
    if (chat) render();
  }

  // The words the bot understands (dialogs/turn.ts languageRequested), so typing them flips the page too.
  function languageIn(text) {
    const t = String(text || '').trim().toLowerCase();
    if (/^(english|bahasa inggeris|in english)$/.test(t)) return 'en';
    if (/^(bahasa melayu|bahasa malaysia|melayu|bm)$/.test(t)) return 'ms';
    return undefined;
  }

  function notice(key) {
    noticeKey = key || '';
    $('notice').hidden = !key;
    $('notice').textContent = key ? LABELS[locale][key] : '';
  }

  // ---- tokens and the saved session (per tab, so a reload resumes the same conversation) -----

  function loadSession() {
    try {
      const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      return s && typeof s.token === 'string' && typeof s.conversationId === 'string' ? s : null;
    } catch {
      return null;
    }
  }
  const saveSession = (s) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  const clearSession = () => sessionStorage.removeItem(SESSION_KEY);

  /**
   * A demo person's token; with `conversationId`, for that (their own) conversation again. The
   * page's language goes along: the bot greets in it and answers in it until the person chooses one.
   */
  async function demoToken(demoUser, conversationId) {
    const res = await fetch('/api/directline/token', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ demoUser, conversationId, locale }),
    });
    if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
    const t = await res.json();
    return { demoUser, userId: t.userId, token: t.token, conversationId: t.conversationId };
  }

  /** The saved token, refreshed: proves it still works and extends it; null when it is refused. */
  async function refreshed(session) {
    try {
      const res = await fetch(`${DOMAIN}/tokens/refresh`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
      const t = res.ok ? await res.json() : {};
      return t.conversationId === session.conversationId ? { ...session, token: t.token } : null;
    } catch {
      return null;
    }
  }

  /** Resumes a saved session; a token that no longer works is replaced (see `replace`). */
  async function resume(session, fallback) {
    const live = await refreshed(session);
    if (!live) return replace(session, fallback);
    saveSession(live);
    startChat(live, true);
  }

  /**
   * The saved token is refused (it expired while the tab slept): a fresh one for the same
   * conversation when the server agrees it is this person's, otherwise a new conversation.
   */
  async function replace(session, fallback) {
    clearSession();
    try {
      let fresh = fallback;
      if (!fresh && session.demoUser) fresh = await demoToken(session.demoUser, session.conversationId).catch(() => demoToken(session.demoUser));
      if (!fresh) return void (EMBED ? askHost(session.conversationId) : notice('noToken'));
      const same = fresh.conversationId === session.conversationId;
      notice(same ? '' : 'resumeFailed');
      saveSession({ ...session, ...fresh });
      startChat({ ...session, ...fresh }, same);
    } catch {
      notice('error');
    }
  }

  // ---- the chat ----------------------------------------------------------------------------

  /**
   * Web Chat on `session`. The conversationId goes with the token, so directlinejs reconnects
   * (GET /conversations/{id}; the server starts it if new) rather than opening another one; with
   * no watermark the whole conversation is replayed, so after a reload earlier messages show again.
   */
  function startChat(session, resumed) {
    if (chat) stopChat();
    $('picker').hidden = true;
    $('switch-user').hidden = !session.demoUser;
    const host = document.createElement('div');
    host.className = 'webchat-host';
    $('webchat').replaceChildren(host);
    const directLine = WebChat.createDirectLine({ domain: DOMAIN, token: session.token, conversationId: session.conversationId, webSocket: !POLLING });
    const store = WebChat.createStore({}, () => (next) => (action) => {
      if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') later(() => observe(action.payload.activity));
      else if (action.type === 'DIRECT_LINE/POST_ACTIVITY') later(clearHint);
      // A file over the bot's limit would be refused by the upload endpoint (413) and show only as
      // "send failed": say why here instead, keep the prompt open and send nothing.
      else if (action.type === 'WEB_CHAT/SEND_MESSAGE' && tooLarge(attachedFiles(action.payload))) return undefined;
      else if (action.type === 'WEB_CHAT/SEND_FILES' && tooLarge(action.payload && action.payload.files)) return undefined;
      return next(action);
    });
    const mine = (chat = { directLine, store, session, host, hint: null, online: false, timer: 0 });
    directLine.connectionStatus$.subscribe((status) => {
      if (chat !== mine) return;
      if (status === ONLINE && !mine.online) onOnline();
      else if (status === FAILED || (status === EXPIRED && !mine.online)) later(() => { stopChat(); clearSession(); notice('error'); });
    });
    render();
  }

  function stopChat() {
    clearInterval(chat.timer);
    try { chat.directLine.end(); } catch { /* already ended */ }
    chat = null;
  }

  function onOnline() {
    chat.online = true;
    persistToken();
    // directlinejs refreshes its token every 15 minutes (tokens live 30); keep the newest for reloads.
    chat.timer = setInterval(persistToken, 30_000);
  }

  function persistToken() {
    if (!chat || !chat.online) return;
    chat.session = { ...chat.session, token: chat.directLine.token || chat.session.token };
    saveSession(chat.session);
  }

  function render() {
    const file = Boolean(chat.hint && chat.hint.kind === 'file');
    WebChat.renderWebChat({
      directLine: chat.directLine, store: chat.store, nonce: NONCE, locale: locale === 'en' ? 'en-US' : 'ms-MY',
      styleOptions: {
        accent: '#1f4e79', backgroundColor: '#ffffff', subtle: '#4a5563', timestampColor: '#4a5563',
        bubbleBackground: '#eef1f5', bubbleTextColor: '#1b2430', bubbleBorderRadius: 8,
        // A light user bubble: Web Chat draws file links in the accent colour, which must stay readable on it.
        bubbleFromUserBackground: '#dbe6f3', bubbleFromUserTextColor: '#10243a', bubbleFromUserBorderRadius: 8,
        bubbleFromUserBorderColor: '#9fb6cf', bubbleFromUserBorderWidth: 1,
        suggestedActionBorderRadius: 6, suggestedActionLayout: 'flow', sendBoxButtonColor: '#1f4e79',
        primaryFont: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif',
        // The upload button shows while the bot asks for a file, limited to the types it accepts, and sends at once.
        hideUploadButton: !file,
        uploadAccept: file && Array.isArray(chat.hint.accept) ? chat.hint.accept.join(',') : undefined,
        uploadMultiple: false,
        sendAttachmentOn: 'attach',
      },
    }, chat.host);
    chat.host.classList.toggle('prompt-file', file);
    const hint = $('file-hint');
    hint.hidden = !file;
    hint.textContent = LABELS[locale].fileHint;
    hint.classList.remove('file-hint--error');
    applyInputMode(10);
  }

  // ---- prompt hints (channelData.prompt) ---------------------------------------------------

  /** Every incoming activity, live or replayed: a bot prompt sets the hint, the user's own message clears it. */
  function observe(activity) {
    if (!chat || !activity) return;
    const from = activity.from || {};
    if (from.role === 'user' || from.id === chat.session.userId) {
      const lang = activity.type === 'message' && languageIn(activity.text);
      if (lang) setLocale(lang);
      return clearHint();
    }
    const prompt = activity.channelData && activity.channelData.prompt;
    if (activity.type === 'message' && prompt && typeof prompt === 'object') {
      chat.hint = prompt;
      render();
    }
  }

  /** The files of a message sent from the send box (Web Chat 4.18 sends them as blobs). */
  function attachedFiles(payload) {
    const list = payload && Array.isArray(payload.attachments) ? payload.attachments : [];
    return list.map((a) => a && a.blob).filter(Boolean);
  }

  /** True (and tells the user) when a chosen file is larger than the open file prompt allows. */
  function tooLarge(files) {
    const max = chat && chat.hint && chat.hint.kind === 'file' ? Number(chat.hint.maxBytes) : 0;
    const big = max > 0 && Array.isArray(files) ? files.find((f) => f && f.size > max) : undefined;
    if (!big) return false;
    const mb = (bytes) => (bytes / (1024 * 1024)).toFixed(1);
    later(() => {
      const hint = $('file-hint');
      hint.textContent = LABELS[locale].fileTooLarge.replace('{size}', mb(big.size)).replace('{max}', mb(max));
      hint.classList.add('file-hint--error');
      hint.hidden = false;
    });
    return true;
  }

  function clearHint() {
    if (!chat || !chat.hint) return;
    chat.hint = null;
    render();
  }

  /** Calls `fn` with the send box's input once Web Chat has drawn it (within `retries` frames). */
  function withSendBox(fn, retries) {
    if (!chat) return;
    const input = chat.host.querySelector('.webchat__send-box-text-box__input, .webchat__send-box-text-box__text-area');
    if (!input) return void (retries > 0 && requestAnimationFrame(() => withSendBox(fn, retries - 1)));
    fn(input);
  }

  /** Web Chat leaves `inputmode` alone, so the attribute set here survives its re-renders. */
  function applyInputMode(retries) {
    withSendBox((input) => {
      const h = chat.hint;
      const mode = h && h.kind === 'text' && ['numeric', 'email', 'tel'].includes(h.inputMode) ? h.inputMode : '';
      if (mode) input.setAttribute('inputmode', mode);
      else input.removeAttribute('inputmode');
    }, retries);
  }

  /**
   * Adaptive Cards redraws a card's opened part when Web Chat renders the card again (as the bot's
   * reply arrives), and that drops the keyboard focus to the page: it goes back to the button that
   * had it, or, when that is gone, to the send box. A click elsewhere moves the focus on purpose and
   * is left alone, and so is a switch to another window (the focus stays put then).
   */
  let pointing = false;
  function keepFocus(event) {
    const from = event.target;
    if (event.relatedTarget || pointing || !chat || !chat.host.contains(from)) return;
    later(() => {
      if (!chat || !document.hasFocus() || (document.activeElement && document.activeElement !== document.body)) return;
      if (from.isConnected && chat.host.contains(from)) from.focus();
      if (document.activeElement !== from) withSendBox((input) => input.focus(), 10);
    });
  }

  /** Outside the Redux dispatch and React's render, which must not re-enter each other. */
  const later = (fn) => setTimeout(fn, 0);

  // ---- where the token comes from: the demo picker, or the host page (embed.js) --------------

  async function showPicker() {
    const res = await fetch('/api/directline/demo-users', { headers: { accept: 'application/json' } }).catch(() => null);
    const users = res && res.ok ? await res.json() : [];
    if (!Array.isArray(users) || users.length === 0) return notice('noToken');
    const select = $('demo-user');
    select.replaceChildren(...users.map((u) => new Option(`${u.name} (${(u.roles || []).join(', ')})`, u.id)));
    $('picker').hidden = false;
    select.focus();
  }

  async function pickDemoUser(event) {
    event.preventDefault();
    $('start').disabled = true;
    notice('connecting');
    try {
      const session = await demoToken($('demo-user').value);
      saveSession(session);
      notice('');
      startChat(session, false);
      // The picker and its focused start button are gone: without this the keyboard focus falls back to the page.
      withSendBox((input) => input.focus(), 30);
    } catch {
      notice('error');
    } finally {
      $('start').disabled = false;
    }
  }

  /** Asks embed.js for a token, for the saved conversation when there is one (the server checks it is this person's). */
  function askHost(conversationId) {
    window.parent.postMessage({ type: 'gpki:need-token', conversationId }, PARENT_ORIGIN);
  }

  /**
   * embed.js answers with a token from the intranet (which knows who is signed in). A saved
   * conversation is resumed only when it is the same person's: a shared PC must never show the
   * previous user's chat.
   */
  function onHostMessage(event) {
    if (event.source !== window.parent || event.origin !== PARENT_ORIGIN) return;
    const d = event.data || {};
    if (d.type !== 'gpki:token') return;
    if (typeof d.token !== 'string' || typeof d.conversationId !== 'string') return notice('error');
    const fresh = { userId: d.userId, token: d.token, conversationId: d.conversationId };
    const saved = loadSession();
    notice('');
    if (saved && saved.conversationId === fresh.conversationId) return void (saveSession(fresh), startChat(fresh, true));
    if (saved && !saved.demoUser && saved.userId === fresh.userId) return void resume(saved, fresh);
    saveSession(fresh);
    startChat(fresh, false);
  }

  // ---- boot ---------------------------------------------------------------------------------

  $('lang').addEventListener('click', () => {
    const next = locale === 'ms' ? 'en' : 'ms';
    setLocale(next);
    if (chat && chat.online) chat.store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: next === 'en' ? 'English' : 'Bahasa Melayu' } });
  });
  $('switch-user').addEventListener('click', () => {
    clearSession();
    location.reload();
  });
  $('picker-form').addEventListener('submit', pickDemoUser);
  window.addEventListener('pagehide', persistToken);
  document.addEventListener('pointerdown', () => { pointing = true; later(() => { pointing = false; }); }, true);
  document.addEventListener('focusout', keepFocus);

  applyLabels();
  if (EMBED) {
    document.body.classList.add('embedded');
    $('close').hidden = false;
    $('close').addEventListener('click', () => window.parent.postMessage({ type: 'gpki:close' }, PARENT_ORIGIN));
    if (!PARENT_ORIGIN || window.parent === window) return notice('noToken');
    window.addEventListener('message', onHostMessage);
    return askHost((loadSession() || {}).conversationId);
  }
  const saved = loadSession();
  if (saved) return void resume(saved);
  showPicker();
})();
