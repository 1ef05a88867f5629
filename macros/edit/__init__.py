"""`infohus edit`: a local web form that writes the municipality's YAML as a person would, line for line.

This room imports the model and the shared helpers, `migrate`'s round-trip files, and of the top level only
what check and build themselves use to judge data: the gates (`macros.gates`) and the reprint report
(`macros.changes`).
"""
