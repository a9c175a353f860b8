/* Streamlit markup that breaks accessibility rules, corrected as Streamlit draws it.
 * The file uploader's drop zone is a <section role="presentation"> that also carries a label
 * and a tabindex: a presentation role must have neither (axe: presentation-role-conflict), and
 * a screen reader would then skip the label. It becomes a labelled group. */
(function () {
  "use strict";
  var FIXES = [
    { selector: "[data-testid='stFileUploaderDropzone'][role='presentation']", attribute: "role", value: "group" }
  ];

  function fix(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    FIXES.forEach(function (rule) {
      var found = root.matches(rule.selector) ? [root] : root.querySelectorAll(rule.selector);
      Array.prototype.forEach.call(found, function (element) { element.setAttribute(rule.attribute, rule.value); });
    });
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      if (mutation.type === "childList") mutation.addedNodes.forEach(fix);
      else fix(mutation.target);
    });
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["role"] });
})();
