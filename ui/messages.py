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
    IndexOutdated: "L'index a été construit par une version antérieure de Boussole : reconstruisez-le avec « boussole ingest ».",
    IndexBusy: "Une mise à jour de l'index est déjà en cours ; réessayez quand elle sera terminée.",
    ModelUnavailable: "Le modèle d'embeddings est introuvable ; lancez « make install » ou réglez BOUSSOLE_MODEL.",
    SettingsError: "Un réglage est invalide.",
    ExtractionError: "Un fichier n'a pas pu être lu.",
    CatalogueError: "Une ligne du catalogue est invalide.",
}


def french_message(error: BoussoleError) -> str:
    """A French sentence saying what to do, followed by the technical detail."""
    if getattr(error, "french", ""):
        return error.french
    for kind, text in _FRENCH.items():
        if isinstance(error, kind):
            return f"{text} (détail : {error})"
    return f"Erreur : {error}"
