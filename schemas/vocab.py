"""Allowed values of the categorical columns, as the annotation guide defines them."""
from __future__ import annotations

QUALIFIERS = ("exact", "approximate", "at_least", "at_most", "range", "vague")
REFUGEE_CATEGORIES = (
    "displaced", "stranded", "admitted", "expected", "hosted",
    "returned", "resettled", "evacuated", "asylum",
)
OUTCOMES = ("killed", "wounded", "missing")
SCOPES = ("incident", "period", "total")
VICTIM_TYPES = ("civilian", "combatant", "unknown")
QUOTE_TYPES = ("direct", "partial", "block")
REJECT_STAGES = ("fetch", "read", "decode", "extract", "validate")
LOAD_STATUSES = ("completed", "failed")
