"""The error tree of the desktop application.

`UserError` and its children are the environment's or the user's doing (bad
input, a locked or full disk, an unknown ticket): they carry one plain sentence
that says what failed and what to do, and the CLI prints it and exits 1.
Anything else that escapes is a bug.
"""


class OffdeskError(Exception):
    """Base of every error Offdesk raises on purpose."""


class UserError(OffdeskError):
    """Something the user can fix; the message is shown as it is."""


class ValidationError(UserError):
    """A ticket field has a value it may not have."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class NothingToChange(UserError):
    """An edit that would leave the ticket as it is: nothing is written."""


class NotFoundError(UserError):
    """A ticket or snapshot reference matches nothing, or more than one thing."""


class StoreError(UserError):
    """The database cannot be used: locked, corrupt, full, or from a newer Offdesk."""


class ImportFileError(UserError):
    """An import file has rows that cannot become tickets."""


class SyncFailed(UserError):
    """A sync could not finish; what it committed stays and the next sync resumes."""
