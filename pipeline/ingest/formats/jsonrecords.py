"""stub"""

from pipeline.ingest.formats import Format

FORMAT = Format("jsonrecords-format", lambda head, name: False, lambda raw, limits: iter(()))
