// MyGPKI chat for intranet pages: a floating button that opens the bot's widget in an iframe.
//
//   <script src="https://gpki-bot.example.gov.my/web/embed.js"
//           data-token-url="/intranet/gpki-token" data-locale="ms" defer></script>
//
// data-token-url: an endpoint of the intranet itself (same origin as the page, so the signed-in
// session cookie goes with it). It takes POST { conversationId? } and answers with the JSON the
// bot's POST /api/directline/token returned for an HMAC-signed identity assertion (passing the
// conversationId on, so a reload resumes the conversation): { token, conversationId, userId, expires_in }. The token is handed to the iframe by
// postMessage, never in a URL, so it does not end up in logs or browser history.
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || window.__gpkiChatEmbedded) return;
  window.__gpkiChatEmbedded = true;

  const botOrigin = new URL(script.src, location.href).origin;
  const tokenUrl = script.dataset.tokenUrl;
  const lang = script.dataset.locale === 'en' ? 'en' : 'ms';
  const label = lang === 'en' ? 'MyGPKI Helpdesk' : 'Meja Bantuan MyGPKI';
  const ACCENT = '#1f4e79';

  // Styles are set through the DOM (not a <style> element) so a strict intranet CSP still allows them.
  const css = (el, styles) => Object.assign(el.style, styles);

  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', 'gpki-chat-panel');
  css(button, {
    position: 'fixed', right: '1.25rem', bottom: '1.25rem', zIndex: '2147483000',
    padding: '0.75rem 1.1rem', border: '0', borderRadius: '999px', cursor: 'pointer',
    background: ACCENT, color: '#ffffff', font: '600 0.95rem system-ui, sans-serif',
    boxShadow: '0 4px 14px rgba(0, 0, 0, 0.25)',
  });

  const panel = document.createElement('div');
  panel.id = 'gpki-chat-panel';
  panel.hidden = true;
  css(panel, {
    position: 'fixed', right: '1.25rem', bottom: '4.75rem', zIndex: '2147483000',
    width: 'min(26rem, calc(100vw - 2.5rem))', height: 'min(40rem, calc(100vh - 6.5rem))',
    borderRadius: '10px', overflow: 'hidden', background: '#ffffff',
    boxShadow: '0 8px 30px rgba(0, 0, 0, 0.3)', border: '1px solid #c9d1dc',
  });

  let frame = null;

  function open() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.title = label;
      const src = new URL('/chat', botOrigin);
      src.searchParams.set('embed', '1');
      src.searchParams.set('parent', location.origin);
      src.searchParams.set('lang', lang);
      frame.src = src.href;
      css(frame, { width: '100%', height: '100%', border: '0', display: 'block' });
      panel.appendChild(frame);
    }
    panel.hidden = false;
    button.setAttribute('aria-expanded', 'true');
  }

  function close() {
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }

  /**
   * Asks the intranet for a token. With the iframe's saved conversation id first, so a reload
   * resumes it; if the intranet refuses that (another person's conversation), for a new one.
   */
  async function fetchToken(conversationId) {
    const res = await fetch(tokenUrl, {
      method: 'POST', credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(conversationId ? { conversationId } : {}),
    });
    if (!res.ok && conversationId) return fetchToken(undefined);
    if (!res.ok) throw new Error(`token endpoint answered HTTP ${res.status}`);
    const t = await res.json();
    return { token: t.token, conversationId: t.conversationId, userId: t.userId, expires_in: t.expires_in };
  }

  // Only the bot's own iframe may ask for a token, and the answer goes only to the bot's origin.
  window.addEventListener('message', (event) => {
    if (!frame || event.source !== frame.contentWindow || event.origin !== botOrigin) return;
    const type = event.data && event.data.type;
    if (type === 'gpki:close') return close();
    if (type !== 'gpki:need-token') return;
    const saved = typeof event.data.conversationId === 'string' ? event.data.conversationId : undefined;
    fetchToken(saved).then(
      (t) => frame.contentWindow.postMessage({ type: 'gpki:token', ...t }, botOrigin),
      () => frame.contentWindow.postMessage({ type: 'gpki:token', error: true }, botOrigin),
    );
  });

  button.addEventListener('click', () => (panel.hidden ? open() : close()));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) close();
  });

  // The panel after the button: Tab from the button that opened it goes on into the chat.
  const mount = () => document.body.append(button, panel);
  if (!tokenUrl) return void console.error('MyGPKI chat: data-token-url is missing on the embed.js script tag');
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
