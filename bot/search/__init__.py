"""Matching what users type to records: folding, fuzzy matching, the entity and text indexes.

normalize (script and phonetic folding) · fuzzy (rapidfuzz over a vocabulary) · entities (the
entity matcher: exact, stem, prefix, fuzzy) · text (inverted index over event text) · eventfacts
(per-event arrays) · blobs (index ↔ bytes) · index (`SearchIndex`, the facade the bot asks).
May import `bot.records` only.
"""
