// Building the widget's elements, and its colours. Text only ever goes in through
// textContent or text nodes: there is deliberately no way to pass HTML.

const HEX_COLOUR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

// Builds an element from plain properties.
export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children);
  return node;
}

export function hiddenText(text) {
  return el("span", { class: "wp-vh", text });
}

export function chatIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "wp-icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M4 4h16a1 1 0 0 1 1 1v11a1 1 0 0 1-1 1H9l-4.5 3.6A.5.5 0 0 1 3.7 20V17H4a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1z");
  svg.append(path);
  return svg;
}

// A host element with its own shadow root, so page styles cannot reach in.
export function createHost(tagName, colour, stylesheet, onStyled) {
  const host = document.createElement(tagName);
  const root = host.attachShadow({ mode: "open" });
  applyTheme(host, root, colour);
  const link = el("link", { rel: "stylesheet", href: stylesheet });
  // Content is added once the stylesheet has loaded, so the page never flashes
  // unstyled controls; if it fails to load, show them anyway: working beats pretty.
  link.addEventListener("load", () => onStyled(root), { once: true });
  link.addEventListener("error", () => onStyled(root), { once: true });
  root.append(link);
  return host;
}

// The partner colour goes into a constructed stylesheet as custom properties,
// never into a style attribute, which a strict CSP would block.
export function applyTheme(host, root, colour) {
  const onBrand = readableTextOn(colour);
  const accent = contrast(colour, "#ffffff") >= 4.5 ? colour : "#0b0c0c";
  const rules = `:host{--wp-brand:${colour};--wp-on-brand:${onBrand};--wp-accent:${accent};}`;
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(rules);
      root.adoptedStyleSheets = [sheet];
      return;
    } catch (error) {
      // older browsers: fall back to the CSSOM below
    }
  }
  host.style.setProperty("--wp-brand", colour);
  host.style.setProperty("--wp-on-brand", onBrand);
  host.style.setProperty("--wp-accent", accent);
}

// Every widget element on the page takes the colour the server registered.
export function retheme(colour) {
  for (const host of document.querySelectorAll("wp-chat-widget, wp-chat-exit-link")) {
    if (host.shadowRoot) applyTheme(host, host.shadowRoot, colour);
  }
}

export function normaliseColour(value) {
  if (typeof value !== "string" || !HEX_COLOUR.test(value.trim())) return null;
  const hex = value.trim().slice(1).toLowerCase();
  return "#" + (hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex);
}

function luminance(hex) {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

// Whichever of white or near-black reads better on the partner colour; one of
// them always reaches 4.5:1.
function readableTextOn(colour) {
  return contrast(colour, "#ffffff") >= contrast(colour, "#0b0c0c") ? "#ffffff" : "#0b0c0c";
}
