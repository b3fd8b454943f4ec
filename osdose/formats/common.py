"""What the file models share: the strict base (unknown fields refused) and a source."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from osdose.fields import Bool, FreeText


class Strict(BaseModel):
    """A mapping of known fields only; frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """A value with where it comes from; ``unconfirmed`` when not traced to a primary text."""

    source: FreeText = Field(description="Where the value comes from")
    unconfirmed: Bool = Field(
        False, description="true when the value is not traced to a primary text"
    )
