"""Reactions: events between stable covalent species, and alkali redox events."""

from .events import (EVENT_COLUMNS, REACTION_COLUMNS, EventExtractor, EventSettings, reaction_key,
                     reactions_table, reverse_key)

__all__ = ["EventSettings", "EventExtractor", "EVENT_COLUMNS", "REACTION_COLUMNS", "reaction_key",
           "reverse_key", "reactions_table"]
