"""The embedded (no-model) composers, one module per kind of question (see ``common`` for the shared parts)."""
