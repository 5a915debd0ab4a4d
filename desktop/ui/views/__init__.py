"""Widgets and delegates: they show models and emit what the agent asked for."""
