"""Conversations that last: threads, turns, feedback and drafts in a real database.

SQLite in the data folder by default (nothing to install; ``make demo`` uses it), PostgreSQL
when ``YOTASSIST_DATABASE_URL`` names one, so several app instances share conversations.
The schema is owned by the Alembic migrations shipped in ``api/conversations/migrations``;
``open_store`` brings any database up to date before the app serves.
"""

from api.conversations.db import database_url, open_store
from api.conversations.repository import ConversationStore, NotFound

__all__ = ["ConversationStore", "NotFound", "database_url", "open_store"]
