/*
 * Chat widget for the Warwickshire Police assistant for women and girls.
 *
 * Embedded with one script tag; everything it needs comes from the server the
 * script itself was loaded from. People using it may be in danger, on a shared or
 * watched device, so it:
 *   - keeps nothing about the conversation on the device (at most a random
 *     conversation id in sessionStorage, removed on exit and on clear);
 *   - offers a quick exit three ways, after the GOV.UK "Exit this page" component;
 *   - never turns text into HTML: every node is built with createElement and
 *     textContent, so nothing a person or the bot writes can run as code;
 *   - makes no request to anyone but its own server.
 *
 * Embedding (the server is worked out from this script's own address):
 *   <script type="module" src="https://SERVER/webhooks/widget/static/widget.js"
 *     data-partner="warwickshire-police"   which site this is (the server's list decides)
 *     data-position="right"                 "left" or "right" (default right)
 *     data-start-open="false"               "true" opens the panel on load
 *     data-colour="#1d4f91"                 #rgb or #rrggbb; anything else is ignored
 *     data-exit-url="https://www.bbc.co.uk/weather"></script>   where quick exit goes
 * The display name and colour registered for the page's origin (GET /partner)
 * take precedence once they arrive.
 *
 * Plain ES modules, no dependencies, no build step; this file puts together the
 * parts in widget/: the panel (panel.js), the quick exit (quick-exit.js), the
 * server calls (transport.js), the words (text.js) and the elements (dom.js). Works
 * under a strict Content-Security-Policy: no inline script or style, and the
 * stylesheet is linked inside a Shadow DOM so the host page's styles and ours do
 * not mix.
 */
import { normaliseColour, retheme } from "./widget/dom.js";
import { createPanel } from "./widget/panel.js";
import { createQuickExit } from "./widget/quick-exit.js";
import { DEFAULT_COLOUR, DEFAULT_EXIT_URL, STATIC_PATH, TEXT } from "./widget/text.js";
import { createTransport, readStoredId } from "./widget/transport.js";

function main() {
  const script = findOwnScript();
  // A second copy of the script on the same page must not add a second widget.
  if (!script || document.querySelector("wp-chat-widget")) return;
  const config = readConfig(script);
  const state = {
    conversationId: readStoredId(),
    continuing: false, // carrying on a conversation started on an earlier page
    started: false, // the panel has been opened on this page
    busy: false,
    request: null, // AbortController of the reply being waited for
    generation: 0, // bumped on clear and exit, so late replies are dropped
    displayName: TEXT.defaultName,
    refusal: null, // for a site not in the partner list: the server's own words
    partnerLoaded: null,
    language: null, // chosen in the panel; sent with every message
  };
  state.continuing = Boolean(state.conversationId);

  const transport = createTransport(config.server, state);
  let panel = null;
  const quickExit = createQuickExit({
    exitUrl: config.exitUrl,
    hidePanel: () => panel.hide(),
    forgetConversation: () => panel.forgetConversation("quick_exit"),
    overlayParent: () => panel.shadowRoot(),
  });
  panel = createPanel({
    config, state, transport, exitButton: quickExit.button(), onLanguage: (code) => quickExit.setLanguage(code),
  });

  const colour = config.colour || DEFAULT_COLOUR;
  quickExit.addSkipLink(colour, config.stylesheet);
  panel.addWidget(colour);
  quickExit.listen();
  state.partnerLoaded = transport.loadPartner().then((partner) => showPartner(partner, config, panel));
}

// The display name and colour registered on the server for this site win over
// the data attributes, which are only the fallback until (or unless) it answers.
function showPartner(partner, config, panel) {
  if (!partner) return;
  if (typeof partner.display_name === "string" && partner.display_name.trim()) {
    panel.setDisplayName(partner.display_name.trim().slice(0, 80));
  }
  const colour = normaliseColour(partner.colour);
  if (colour && colour !== config.colour) retheme(colour);
  if (config.partner && partner.id && partner.id !== config.partner) {
    console.warn(`Chat widget: data-partner "${config.partner}" differs from "${partner.id}", registered for this site.`);
  }
}

// A module has no document.currentScript: find the tag that loaded this file.
function findOwnScript() {
  const own = new URL(import.meta.url).href;
  const scripts = [...document.querySelectorAll(`script[src*="${STATIC_PATH}widget.js"]`)];
  return scripts.find((script) => new URL(script.src, document.baseURI).href === own) || scripts.pop() || null;
}

function readConfig(element) {
  const src = new URL(element.src, document.baseURI);
  const at = src.pathname.lastIndexOf(STATIC_PATH);
  const data = element.dataset;
  return {
    // Everything is served under /webhooks/widget/, so the server is whatever
    // comes before it: this keeps a reverse-proxy path prefix working.
    server: src.origin + (at >= 0 ? src.pathname.slice(0, at) : ""),
    stylesheet: new URL("widget.css", src).href,
    partner: data.partner || "",
    position: data.position === "left" ? "left" : "right",
    startOpen: data.startOpen === "true",
    colour: normaliseColour(data.colour),
    exitUrl: safeExitUrl(data.exitUrl),
  };
}

// Only a web address may be an exit: never javascript: or data:.
function safeExitUrl(value) {
  try {
    const url = new URL(value || DEFAULT_EXIT_URL, document.baseURI);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href;
  } catch (error) {
    // fall through to the default
  }
  return DEFAULT_EXIT_URL;
}

// A module runs after the page is parsed; without a body (an odd page), wait for it.
if (document.body) main();
else document.addEventListener("DOMContentLoaded", main, { once: true });
