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


class IndexBusy(BoussoleError):
    """Another refresh holds the lock on this index."""
