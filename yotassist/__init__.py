"""yotassist: shared settings and version; the work lives in ingest, index, assistant and api."""

__version__ = "0.1.0"
