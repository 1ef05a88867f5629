"""Helpers every output shares: the project's paths, Danish dates and text, the one Jinja environment.

May import nothing else from `macros`.
"""
