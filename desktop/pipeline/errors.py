"""The pipeline's error tree: all are `UserError`s, shown as one plain sentence.

- `ChangeRefused`: a stage rejected an agent's own change; nothing was stored.
- `ChangeQuarantined`: the change was kept in quarantine instead of stored
  (a rule misbehaved or a stage failed); nothing was lost.
- `RulesError`: a rules file has mistakes; each names its rule and line.
- `StageError`: a stage name or move that the pipeline does not know.

`RuleMisfired` is no user error: a stage raises it when a rule could not be
evaluated on one change, and the pipeline holds that change in quarantine.
"""

from desktop.errors import UserError


class ChangeRefused(UserError):
    """A stage rejected the agent's own change, which was not stored."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"refused by the {stage} stage: {reason}; nothing was stored")
        self.stage = stage
        self.reason = reason


class ChangeQuarantined(UserError):
    """The change is held in quarantine, with its stage, reason and input."""

    def __init__(self, item: int, stage: str, reason: str) -> None:
        super().__init__(
            f"the {stage} stage stopped this change ({reason}); it is kept in "
            f"quarantine as item {item}: see `offdesk quarantine show {item}`, "
            f"then `retry` it once the rules are fixed"
        )
        self.item = item
        self.stage = stage
        self.reason = reason


class RulesError(UserError):
    """A rules file has mistakes; nothing of it was loaded."""

    def __init__(self, source: str, problems: list[str]) -> None:
        count = f"{len(problems)} problems" if len(problems) > 1 else "a problem"
        # One line, like every message a user can act on (`; ` between them).
        super().__init__(
            f"{source} has {count}, nothing was loaded: " + "; ".join(problems)
        )
        self.problems = problems


class StageError(UserError):
    """A pipeline command named a stage that does not exist, or an impossible move."""


class RuleMisfired(Exception):
    """A rule could not be judged on this change (its pattern ran too long):
    the rules are at fault, not the change, so it waits in quarantine."""
