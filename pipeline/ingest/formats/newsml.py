"""stub"""

from pipeline.ingest.formats import Format

NEWSML_G2 = Format("newsml-newsml_g2", lambda head, name: False, lambda raw, limits: iter(()))
NEWSML_1 = Format("newsml-newsml_1", lambda head, name: False, lambda raw, limits: iter(()))
NITF = Format("newsml-nitf", lambda head, name: False, lambda raw, limits: iter(()))
