"""JSON Schema files of the topic contracts, for consumers in any language.

``python -m pipeline.tools.schema_export`` rewrites ``schemas/json/``; a test fails
when the checked-in files drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.topology import CONTRACTS

JSON_DIR = Path(__file__).resolve().parents[2] / "schemas" / "json"


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text, one per topic."""
    return {
        f"{topic}.schema.json": json.dumps(
            model.model_json_schema(mode="serialization"), indent=2, sort_keys=True
        )
        + "\n"
        for topic, model in CONTRACTS.items()
    }


def write_schemas(directory: Path = JSON_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
