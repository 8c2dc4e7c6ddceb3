"""Ratings, question routing, answer and draft composition, citation verification. No HTTP."""
