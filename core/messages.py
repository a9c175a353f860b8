"""French messages for the errors users meet, shared by the CLI and the web app."""

from __future__ import annotations

from core.errors import (
    BoussoleError,
    CatalogueError,
    ExtractionError,
    IndexBusy,
    IndexMissing,
    IndexOutdated,
    ModelUnavailable,
    SettingsError,
)

_FRENCH = {
    IndexMissing: "Aucun index n'est encore construit : lancez « boussole ingest » (ou « make run »).",
    IndexOutdated: ("L'index a été construit par une autre version de Boussole : il est reconstruit automatiquement "
                    "au démarrage du service (ou avec « boussole ingest ») ; réessayez dans quelques minutes."),
    IndexBusy: "Une mise à jour de l'index est déjà en cours ; réessayez quand elle sera terminée.",
    ModelUnavailable: "Le modèle d'embeddings est introuvable ; lancez « make install » ou réglez BOUSSOLE_MODEL.",
    SettingsError: "Le service est mal configuré : l'équipe du centre de ressources doit corriger un réglage.",
    ExtractionError: "Un fichier n'a pas pu être lu.",
    CatalogueError: "Une ligne du catalogue est invalide.",
}


def french_message(error: BoussoleError, detail: bool = True) -> str:
    """A French sentence saying what to do, followed by the technical detail — which public
    answers (``detail=False``: visitors, API callers) leave out: it may name files and folders
    of the server. The server's log has it."""
    if getattr(error, "french", ""):
        return error.french
    for kind, text in _FRENCH.items():
        if isinstance(error, kind):
            return f"{text} (détail : {error})" if detail else text
    return f"Erreur : {error}" if detail else "Erreur interne du serveur ; réessayez plus tard."
