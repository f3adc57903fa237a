"""One wire format for every topic: the pydantic contract as UTF-8 JSON.

Producers (kafka-python) call :func:`encode_record`; Faust topics and tables use
:class:`ContractCodec`; both end in ``model_dump_json`` / ``model_validate_json``,
so no hand-written dict juggling crosses a topic.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from faust.serializers.codecs import Codec
from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


def encode_record(record: BaseModel) -> bytes:
    """Serialize a contract record for the wire."""
    return record.model_dump_json().encode("utf-8")


def decode_record(model: type[ModelT], payload: bytes | str) -> ModelT:
    """Parse and validate a wire record; raises ``pydantic.ValidationError``."""
    return model.model_validate_json(payload)


class ContractCodec(Codec, Generic[ModelT]):
    """Faust codec bound to one contract model."""

    def __init__(self, model: type[ModelT], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model

    def _dumps(self, obj: Any) -> bytes:
        if isinstance(obj, bytes):
            return obj
        if not isinstance(obj, BaseModel):
            obj = self.model.model_validate(obj)
        return encode_record(obj)

    def _loads(self, s: bytes) -> ModelT:
        return decode_record(self.model, s)

    def __repr__(self) -> str:
        return f"ContractCodec({self.model.__name__})"
