"""The data model and the seeds folder: what a record is, and how a folder of them is loaded.

models (the frozen pydantic schema) · seedset (`SeedSet`, the validated records of one folder) ·
loading (`load_seeds`, `SeedError`, fingerprints) · references (cross-file checks) · lazy
(in-memory mappings that decode a packed record when asked for it; they store nothing) ·
offload (a large folder's later events files read in a second process during a full read).
Imports nothing else of the bot: every other package builds on this one.
"""
