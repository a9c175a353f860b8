/* Streamlit's own words, in French. Streamlit has no French interface: its labels for screen
 * readers (« Send message »), its status (« Running... ») and its dialogs would be read in
 * English to people who may read French with difficulty already. The server puts this script
 * in the page it serves (ui/shell.py); it rewrites those texts as Streamlit draws them. */
(function () {
  "use strict";
  var WORDS = {
    "Skip to main content": "Aller au contenu principal",
    "Sidebar": "Barre latérale",
    "Collapse sidebar": "Replier la barre latérale",
    "Expand sidebar": "Déplier la barre latérale",
    "Close sidebar": "Fermer la barre latérale",
    "Open sidebar": "Ouvrir la barre latérale",
    "App pages": "Pages de l'application",
    "View more": "Voir plus",
    "View less": "Voir moins",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Link to heading": "Lien vers ce titre",
    "Send message": "Envoyer la question",
    "Chat message from user": "Votre question",
    "Chat message from assistant": "Réponse de Boussole",
    "Feedback rating": "Votre avis sur cette réponse",
    "Thumbs up": "Réponse utile",
    "Thumbs down": "Réponse inutile",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "file upload": "envoi de fichiers",
    "Upload": "Choisir des fichiers",
    "Browse files": "Parcourir",
    "Drag and drop files here": "Glissez-déposez les fichiers ici",
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "Delete": "Supprimer",
    "Remove file": "Retirer le fichier",
    "Choose an option": "Choisissez",
    "Choose options": "Choisissez",
    "No results": "Aucun résultat",
    "Select all": "Tout sélectionner",
    "Press Enter to apply": "Entrée pour valider",
    "Press Enter to submit form": "Entrée pour envoyer",
    "Press Enter to submit": "Entrée pour envoyer",
    "Press ⌘+Enter to apply": "⌘+Entrée pour valider",
    "Press Ctrl+Enter to apply": "Ctrl+Entrée pour valider",
    "Running...": "Recherche en cours…",
    "Running": "En cours",
    "Stop": "Arrêter",
    "Rerun": "Relancer",
    "Connecting": "Connexion…",
    "Please wait...": "Veuillez patienter…",
    "Connection error": "Connexion perdue",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:":
      "Boussole ne répond plus. Rechargez la page dans un instant ; si cela dure, prévenez le centre de ressources.",
    "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.":
      "Cette adresse ne correspond à aucune page de Boussole : voici la page demandée la plus proche.",
    "Copy to clipboard": "Copier",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Download": "Télécharger",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Settings": "Réglages",
    "Main menu": "Menu principal",
    "Dismiss": "Fermer",
    "Stopping...": "Arrêt…"
  };
  var SUFFIXES = [[" — start", " — début"], [" — end", " — fin"]];
  var PATTERNS = [
    [/^(\d+(?:\.\d+)?)MB per file$/, "$1 Mo par fichier"],
    [/^Limit (\d+(?:\.\d+)?)MB per file/, "Limite : $1 Mo par fichier"],
    [/^You have requested page .*$/, "Cette page n'existe pas : voici la page d'accueil de Boussole."]
  ];
  var ATTRIBUTES = ["aria-label", "title", "placeholder", "alt"];

  function french(text) {
    var trimmed = text.trim();
    if (!trimmed) return null;
    if (Object.prototype.hasOwnProperty.call(WORDS, trimmed)) return text.replace(trimmed, WORDS[trimmed]);
    for (var i = 0; i < SUFFIXES.length; i++) {
      if (trimmed.slice(-SUFFIXES[i][0].length) === SUFFIXES[i][0]) {
        return text.replace(SUFFIXES[i][0], SUFFIXES[i][1]);
      }
    }
    for (var j = 0; j < PATTERNS.length; j++) {
      if (PATTERNS[j][0].test(trimmed)) return text.replace(trimmed, trimmed.replace(PATTERNS[j][0], PATTERNS[j][1]));
    }
    return null;
  }

  function translateElement(element) {
    for (var i = 0; i < ATTRIBUTES.length; i++) {
      var value = element.getAttribute(ATTRIBUTES[i]);
      var translated = value && french(value);
      if (translated) element.setAttribute(ATTRIBUTES[i], translated);
    }
  }

  function translate(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      var translated = french(root.nodeValue);
      if (translated) root.nodeValue = translated;
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    translateElement(root);
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      if (node.nodeType === Node.TEXT_NODE) {
        var text = french(node.nodeValue);
        if (text) node.nodeValue = text;
      } else {
        translateElement(node);
      }
    }
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      if (mutation.type === "childList") mutation.addedNodes.forEach(translate);
      else if (mutation.type === "characterData") translate(mutation.target);
      else if (mutation.type === "attributes") translateElement(mutation.target);
    });
  }).observe(document.documentElement, {
    childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES
  });
})();
