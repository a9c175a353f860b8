/* The keyboard's way through the question page.
 * - A skip link « Aller à la question », the first thing Tab reaches, puts the focus in the
 *   question field: Streamlit draws the field last, after the menu and the filters, 19 presses
 *   of Tab from the top. It shows only when focused, and only on a page with the field.
 * - When an answer is complete (its data-bsl-announce element appears, ui/cards.py), the focus
 *   moves to it — its message, a region named « Réponse » — rather than being left in the field
 *   or sent back to the top when Streamlit redraws the page. An answer seen when the page opened,
 *   or drawn again on coming back to the conversation, does not take the focus. */
(function () {
  "use strict";
  var FIELD = "[data-testid='stChatInputTextArea']";
  var MESSAGE = "[data-testid='stChatMessage']";
  var HIDDEN = "position:absolute;left:-10000px;top:0;";
  var SHOWN = "position:fixed;left:0.5rem;top:0.5rem;z-index:1000010;padding:0.5rem 1rem;" +
              "background:#ffffff;color:#1f4e9c;font-weight:600;border:2px solid #1f4e9c;border-radius:4px;";
  var seen = {};
  var link = null;

  function ensureLink() {
    if (link || !document.body) return;
    link = document.createElement("a");
    link.href = "#bsl-question";
    link.id = "bsl-aller-question";
    link.textContent = "Aller à la question";
    link.style.cssText = HIDDEN;
    link.addEventListener("focus", function () { link.style.cssText = SHOWN; });
    link.addEventListener("blur", function () { link.style.cssText = HIDDEN; });
    link.addEventListener("click", function (event) {
      var field = document.querySelector(FIELD);
      event.preventDefault();
      if (field) field.focus();
    });
    document.body.insertBefore(link, document.body.firstChild);
  }

  function showLink() {
    ensureLink();
    if (!link) return;
    var field = document.querySelector(FIELD);
    link.hidden = !field;
    if (field) {  // the link names its target: a skip link pointing nowhere is no skip link (axe)
      if (!field.id) field.id = "bsl-question";
      if (link.getAttribute("href") !== "#" + field.id) link.setAttribute("href", "#" + field.id);
    }
  }

  function focusAnswer(element) {
    var message = element.closest(MESSAGE) || element.parentElement;
    if (!message) return;
    message.setAttribute("tabindex", "-1");
    message.setAttribute("role", "region");
    message.setAttribute("aria-label", "Réponse");
    message.focus();
  }

  function look(root, opening) {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    var found = root.matches("[data-bsl-announce]") ? [root] : root.querySelectorAll("[data-bsl-announce]");
    Array.prototype.forEach.call(found, function (element) {
      var key = element.getAttribute("data-bsl-announce");
      if (seen[key]) return;
      seen[key] = true;
      if (!opening) focusAnswer(element);
    });
  }

  function start() {
    showLink();
    look(document.body, true);
    new MutationObserver(function (mutations) {
      showLink();
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(function (node) { look(node, false); });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
