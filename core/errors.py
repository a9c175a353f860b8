"""Exceptions whose messages name the file or setting and say what to do.

Library code raises these; the CLI turns them into one line and a non-zero exit, the web
app into a French message, and ingestion records the file and goes on.
"""


class BoussoleError(Exception):
    """Base of every error a user can act on."""


class SettingsError(BoussoleError):
    """A setting (environment variable or option) has an invalid value."""


class ModelUnavailable(BoussoleError):
    """The embedding model could be found neither locally, on the hub, nor rebuilt offline."""


class ExtractionError(BoussoleError):
    """A file could not be turned into text (corrupt, encrypted, scanned, empty…)."""


class CatalogueError(BoussoleError):
    """A catalogue row is malformed."""


class IndexMissing(BoussoleError):
    """No index has been built at the given folder yet."""


class IndexOutdated(BoussoleError):
    """The index was written by an earlier version, in a format this one does not read."""


class IndexBusy(BoussoleError):
    """Another refresh holds the lock on this index."""


class ModelMismatch(BoussoleError):
    """The loaded embedding model is not the one the index was built with."""

    def __init__(self, indexed: str, loaded: str):
        super().__init__(f"the index was embedded with {indexed}, the loaded model is {loaded}: "
                         "run `boussole ingest --full`, or set BOUSSOLE_MODEL to the index's model")
        self.french = (f"L'index a été construit avec le modèle {indexed}, mais le modèle chargé est "
                       f"{loaded} : leurs vecteurs ne sont pas comparables. Reconstruisez l'index "
                       "(« boussole ingest --full ») ou réglez BOUSSOLE_MODEL sur le modèle de l'index.")
