"""The ticket pipeline: ordered stages every local change passes before it is stored.

A change an agent makes, a row an import parsed, or an action a rule takes is
proposed as a `Change`; the enabled stages (validate, normalize, duplicates,
routing, sla, triggers, and any registered plug-in) look at it in the
configured order and may edit it, pass it, or reject it. The outcome decides
what happens: stored, refused at once (an agent's own change), or held in
quarantine with the stage, the reason and the complete input.

This package imports no Qt and nothing from `desktop.store.store` at import
time, so the store can use its derived values (SLA due times) without a cycle.
Public entry points: `pipeline.Pipeline`, `change.Change`, `events.EventBus`,
`quarantine`, `rulesfile.load_rules`.
"""
