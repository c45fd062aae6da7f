"""Rating scales as data: each has one or more dimensions (e.g. status, carry-over) of options."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bcp_drill.content.fields import ContentModel, Id, LocalizedText, Version
from bcp_drill.i18n import Lang

# One printable key per option, so a reviewer can rate by a single key press.
RatingKey = Annotated[str, Field(pattern=r"^[0-9a-z]$")]

BUILTIN_SCALE_IDS = ("plan-measure", "readiness", "hseep")


class OptionGroup(ContentModel):
    """A heading over several options, e.g. 継続中 over four continuing statuses."""

    id: Id
    label: LocalizedText
    lasting: bool = Field(False, description="A rating in this group stands in the later years of the plan: "
                                             "a finished measure (完了・廃止・中止) is not rated again.")


class ScaleOption(ContentModel):
    """One value a rating can take."""

    code: Id
    label: LocalizedText
    short: LocalizedText | None = None
    key: RatingKey
    group: Id | None = None
    description: LocalizedText | None = None

    def short_label(self, lang: Lang) -> str:
        return (self.short or self.label).get(lang)


class ScaleDimension(ContentModel):
    """One question asked of every item, answered by one of its options."""

    id: Id
    label: LocalizedText
    groups: list[OptionGroup] = Field(default_factory=list)
    options: Annotated[list[ScaleOption], Field(min_length=1)]

    def option(self, code: str) -> ScaleOption | None:
        return next((o for o in self.options if o.code == code), None)

    def lasting(self, code: str) -> bool:
        """A rating with CODE stands in later years (its group is `lasting`)."""
        option = self.option(code)
        return option is not None and any(g.id == option.group and g.lasting for g in self.groups)


class Scale(ContentModel):
    """A rating scale; built-ins ship with the tool, a checklist may define its own."""

    kind: Literal["scale"] = "scale"
    id: Id
    version: Version = "1"
    title: LocalizedText
    description: LocalizedText | None = None
    dimensions: Annotated[list[ScaleDimension], Field(min_length=1)]

    def dimension(self, dimension_id: str) -> ScaleDimension | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)
