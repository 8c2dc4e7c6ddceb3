"""People-facing surfaces: the FastAPI app with its web page, and the ``yotassist`` CLI. Thin."""
