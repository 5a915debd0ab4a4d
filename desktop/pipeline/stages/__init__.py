"""The built-in stages, in their default order."""

from desktop.pipeline.stage import Stage
from desktop.pipeline.stages.duplicates import DuplicatesStage
from desktop.pipeline.stages.normalize import NormalizeStage
from desktop.pipeline.stages.routing import RoutingStage
from desktop.pipeline.stages.sla import SlaStage
from desktop.pipeline.stages.triggers import TriggersStage
from desktop.pipeline.stages.validate import ValidateStage


def builtin_stages() -> list[Stage]:
    """Fresh instances of every built-in stage, in the default order."""
    return [
        NormalizeStage(),
        ValidateStage(),
        DuplicatesStage(),
        RoutingStage(),
        SlaStage(),
        TriggersStage(),
    ]
