// The change page's preview: the assistant's messages before and after the change, drawn
// by the chat widget's own code (messages.js) in the widget's own styles, so what staff
// see is what the public will see. Without JavaScript the page shows the plain text.

import { createHost, el } from "/widget/widget/dom.js";
import { renderBotMessage } from "/widget/widget/messages.js";
import { DEFAULT_COLOUR } from "/widget/widget/text.js";

const data = JSON.parse(document.getElementById("preview-data").textContent);

for (const column of document.querySelectorAll("[data-preview]")) {
  const messages = data[column.dataset.preview];
  if (!Array.isArray(messages)) continue;
  const host = createHost("div", DEFAULT_COLOUR, "/widget/widget.css", (root) => {
    const log = el("div", { class: "wp-log" });
    for (const message of messages) {
      const node = renderBotMessage(message, () => {}); // a preview: its buttons go nowhere
      if (node) log.append(node);
    }
    root.append(log);
  });
  column.replaceChildren(host);
}
