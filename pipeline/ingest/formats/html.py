"""stub"""

from pipeline.ingest.formats import Format

FORMAT = Format("html-format", lambda head, name: False, lambda raw, limits: iter(()))
