/* Boussole's search box for a resource centre's own website.
 *
 *   <div data-boussole-recherche></div>
 *   <script src="https://boussole.example.org/api/v1/boussole-recherche.js" defer></script>
 *
 * Optional attributes of the <script>: data-key (an API key, if the instance requires one),
 * data-k (number of results, default 5). The site's origin must be listed in the instance's
 * BOUSSOLE_CORS_ORIGINS. Results are written as text (never as HTML) and announced politely
 * to screen readers.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var app = script.src.replace(/\/api\/v1\/boussole-recherche\.js(\?.*)?$/, "");
  var key = script.getAttribute("data-key") || "";
  var k = script.getAttribute("data-k") || "5";

  var STYLE = ".bsl-w{font:inherit;color:#1a1a1a;max-width:48rem}" +
    ".bsl-w label{display:block;font-weight:600;margin-bottom:.25rem}" +
    ".bsl-w input{font:inherit;padding:.4rem;border:1px solid #555;min-width:0;width:70%;box-sizing:border-box}" +
    ".bsl-w button{font:inherit;padding:.4rem .8rem;margin-left:.25rem;background:#0b4f8a;color:#fff;border:1px solid #0b4f8a;cursor:pointer}" +
    ".bsl-w input:focus,.bsl-w button:focus,.bsl-w a:focus{outline:3px solid #b34700;outline-offset:2px}" +
    ".bsl-w ol{padding-left:1.25rem}.bsl-w li{margin:.75rem 0}.bsl-w a{color:#0b4f8a}" +
    ".bsl-w .bsl-w-facts{color:#444;font-size:.9em;margin:.15rem 0}.bsl-w blockquote{margin:.25rem 0 0 0;color:#1a1a1a}";

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function documentLink(hit) {
    return app + "/document?doc=" + encodeURIComponent(hit.doc_id) + "&passage=" + encodeURIComponent(hit.passage);
  }

  function excerpt(text) {
    var words = text.split(/\s+/).join(" ");
    return words.length > 300 ? words.slice(0, 300) + "…" : words;
  }

  function showResults(list, status, data) {
    list.textContent = "";
    if (data.no_answer || !data.results.length) {
      status.textContent = "Aucun passage pertinent dans les ressources pour cette recherche.";
      return;
    }
    data.results.forEach(function (hit) {
      var item = element("li");
      item.appendChild(element("a", { href: documentLink(hit) }, hit.title));
      var facts = [hit.type, hit.date, hit.page ? "p. " + hit.page : hit.section].filter(Boolean).join(" · ");
      if (facts) item.appendChild(element("p", { "class": "bsl-w-facts" }, facts));
      item.appendChild(element("blockquote", {}, excerpt(hit.text)));
      list.appendChild(item);
    });
    var n = data.results.length;
    status.textContent = n + (n > 1 ? " passages trouvés." : " passage trouvé.");
  }

  function search(query, list, status) {
    status.textContent = "Recherche en cours…";
    list.textContent = "";
    var headers = key ? { Authorization: "Bearer " + key } : {};
    fetch(app + "/api/v1/search?k=" + encodeURIComponent(k) + "&q=" + encodeURIComponent(query), { headers: headers })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error((data.error && data.error.message) || "erreur " + response.status);
          showResults(list, status, data);
        });
      })
      .catch(function (error) {
        status.textContent = error instanceof TypeError
          ? "La recherche n'a pas pu joindre Boussole depuis ce site (adresse non autorisée ou service indisponible)."
          : "La recherche n'a pas abouti : " + error.message;
      });
  }

  function mount(host, n) {
    var form = element("form", { role: "search", "class": "bsl-w", "aria-label": "Ressources politique de la ville" });
    var id = "bsl-w-q-" + n;
    form.appendChild(element("label", { "for": id }, "Rechercher dans les ressources politique de la ville"));
    var input = element("input", { id: id, type: "search", name: "q", required: "", autocomplete: "off" });
    form.appendChild(input);
    form.appendChild(element("button", { type: "submit" }, "Rechercher"));
    var status = element("p", { role: "status", "aria-live": "polite" });
    var list = element("ol", { "aria-label": "Résultats de la recherche" });
    form.appendChild(status);
    form.appendChild(list);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.value.trim()) search(input.value.trim(), list, status);
    });
    host.appendChild(form);
  }

  document.head.appendChild(element("style", {}, STYLE));
  Array.prototype.forEach.call(document.querySelectorAll("[data-boussole-recherche]"), mount);
})();
