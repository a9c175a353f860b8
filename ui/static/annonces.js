/* Answers read aloud to screen-reader users, once each, when complete (the focus then moves to
 * the answer: clavier.js).
 * Streamlit redraws the whole conversation at each question, so the region must live outside
 * what it draws: it is added to the page once, and a complete answer — an element carrying
 * data-bsl-announce (ui/cards.py) — is copied into it the first time its key is seen. */
(function () {
  "use strict";
  var announced = {};
  var region = null;

  function ensureRegion() {
    if (region || !document.body) return region;
    region = document.createElement("div");
    region.id = "bsl-annonce";
    region.setAttribute("aria-live", "polite");
    region.setAttribute("role", "status");
    region.className = "bsl-sr";
    region.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0;";
    document.body.appendChild(region);
    return region;
  }

  function look(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    var found = root.matches("[data-bsl-announce]") ? [root] : root.querySelectorAll("[data-bsl-announce]");
    Array.prototype.forEach.call(found, function (element) {
      var key = element.getAttribute("data-bsl-announce");
      if (announced[key]) return;
      announced[key] = true;
      if (ensureRegion()) region.textContent = element.textContent;
    });
  }

  function start() {
    ensureRegion();
    look(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) { mutation.addedNodes.forEach(look); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
