"""One error tree. Each message names what the user can do about it.

The CLI maps ``FactwatchError`` to ``error: ...`` on stderr and exit code 1 in one place
(``cli._Commands.invoke``, which also maps SQLite and OS errors); the API maps it to a 4xx JSON body.
"""


class FactwatchError(Exception):
    """Base class of every error factwatch raises on purpose."""


class ConfigError(FactwatchError):
    """A setting, profile or command-line option is wrong."""


class InputError(FactwatchError):
    """The input as a whole cannot be read (missing file, unknown format)."""


class FetchError(FactwatchError):
    """A URL could not be fetched (refused scheme or address, timeout, too large, HTTP error)."""


class StoreError(FactwatchError):
    """The database could not be opened, migrated or written."""


class NotFoundError(FactwatchError):
    """A named object (run, document, source) does not exist."""
