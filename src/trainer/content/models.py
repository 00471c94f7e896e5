"""The authoring format: pydantic models of the course, its policy and its modules.

Every model forbids unknown keys and is frozen; the rest of the engine only ever sees
instances that passed validation here and the cross-file checks in 'checks'.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveInt, model_validator

GuidelineId = Annotated[
    str,
    Field(
        pattern=r"^[A-Z][A-Z0-9]*-[0-9]+$",
        description="A policy section id such as CONF-2: capital letters, a dash, a number.",
    ),
]
Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        max_length=64,
        description="An id of lower-case letters, digits and dashes, such as crash-photo.",
    ),
]
ChoiceId = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        max_length=32,
        description="A short id for a choice or segment, such as a, b, c.",
    ),
]
SemanticVersion = Annotated[
    str,
    Field(
        pattern=r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$",
        description="A semantic version such as 1.4.0.",
    ),
]
Text = Annotated[str, Field(min_length=1)]

Verdict = Literal["correct", "partly", "incorrect"]
Platform = Literal[
    "facebook",
    "instagram",
    "x",
    "tiktok",
    "nextdoor",
    "youtube",
    "department page",
    "group chat",
]
TrackId = Literal["onboarding", "refresher"]
END = "end"


class Strict(BaseModel):
    """Base of every authoring model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    kind: ClassVar[str] = "item"


# --- the policy -------------------------------------------------------------------------


class Guideline(Strict):
    """One section of the written policy; every graded answer cites one or more."""

    kind: ClassVar[str] = "guideline"
    id: GuidelineId
    group: Text = Field(description="The family this section belongs to, e.g. confidentiality.")
    title: Text
    text: Text = Field(description="The policy text, quoted in feedback.")
    source: str | None = Field(
        default=None, description="Where the rule comes from: model policy, case law, guidance."
    )


class Policy(Strict):
    """course/guidelines.yaml."""

    kind: ClassVar[str] = "policy"
    title: Text
    guidelines: list[Guideline] = Field(min_length=1)


# --- the course -------------------------------------------------------------------------


class Agency(Strict):
    kind: ClassVar[str] = "agency"
    name: Text
    short_name: str | None = None
    address: str | None = None
    logo: str | None = Field(default=None, description="Path to a logo image, from the course.")


class Provider(Strict):
    """The training provider as a state standards body knows it."""

    kind: ClassVar[str] = "provider"
    name: Text
    number: Text = Field(description="The provider number issued by the standards body.")


class Track(Strict):
    kind: ClassVar[str] = "track"
    title: Text
    description: str | None = None
    modules: list[Slug] = Field(min_length=1, description="Module ids, in the order taken.")
    pass_mark: int = Field(ge=1, le=100, description="Percent of the points needed to pass.")
    credit_hours: float = Field(gt=0, le=100)
    recertification_months: PositiveInt | None = Field(
        default=None, description="Months until the certificate expires; none means never."
    )
    minimum_minutes: NonNegativeInt | None = Field(
        default=None, description="Seat time below which the track is not complete."
    )
    certificate: Slug = Field(
        default="completion", description="Certificate template name under certificates/."
    )


class Tracks(Strict):
    kind: ClassVar[str] = "tracks"
    onboarding: Track
    refresher: Track | None = None

    def items(self) -> list[tuple[TrackId, Track]]:
        """The tracks present, onboarding first."""
        found: list[tuple[TrackId, Track]] = [("onboarding", self.onboarding)]
        if self.refresher is not None:
            found.append(("refresher", self.refresher))
        return found


class Course(Strict):
    """course/course.yaml."""

    kind: ClassVar[str] = "course"
    id: Slug
    title: Text
    version: SemanticVersion
    agency: Agency
    provider: Provider
    course_control_number: str | None = Field(
        default=None, description="A state course number such as a POST control number."
    )
    delivery_method: Text = Field(description="For the record, e.g. online, self-paced.")
    attestation: Text = Field(description="What the learner attests to at the end of a track.")
    tracks: Tracks


# --- modules, scenarios, steps ----------------------------------------------------------


class Post(Strict):
    """A mock social media post drawn as a card in the scenario."""

    kind: ClassVar[str] = "post"
    platform: Platform
    author: Text
    handle: str | None = None
    time: str | None = Field(
        default=None, description="As the platform shows it: '2h', 'Sat 23:14'."
    )
    text: str = ""
    image: str | None = Field(default=None, description="What the attached image shows.")
    reactions: dict[str, NonNegativeInt] = Field(
        default_factory=dict, description="Counts by name: likes, comments, shares."
    )


class Option(Strict):
    """An answer of a 'multi' step. 'points' may be negative on an incorrect option: it is
    then the penalty for selecting it."""

    kind: ClassVar[str] = "choice"
    id: ChoiceId
    text: Text
    verdict: Verdict
    points: int = Field(
        default=0, ge=-100, le=100, description="Default: 1 when correct, 0 otherwise."
    )
    cites: list[GuidelineId] = Field(default_factory=list)
    feedback: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_points(cls, data: object) -> object:
        # A correct answer is worth a point unless the author says otherwise.
        if isinstance(data, dict) and "points" not in data and data.get("verdict") == "correct":
            return {**data, "points": 1}
        return data


class Choice(Option):
    """An answer of a 'single' step; it may lead to another step (branching)."""

    next: str | None = Field(
        default=None, description="The step this choice leads to, or 'end'. Default: the next one."
    )


class Segment(Option):
    """A part of the draft post the learner may flag; 'text' must occur in the post text.
    Verdict 'correct' means flagging it is right: this part breaks the policy."""

    kind: ClassVar[str] = "segment"


class StepBase(Strict):
    kind: ClassVar[str] = "step"
    id: Slug
    situation: str | None = Field(default=None, description="Story shown before this question.")
    prompt: Text


class SingleStep(StepBase):
    """One best answer."""

    type: Literal["single"]
    choices: list[Choice] = Field(min_length=2)


class MultiStep(StepBase):
    """Select all that apply."""

    type: Literal["multi"]
    choices: list[Option] = Field(min_length=2)
    next: str | None = Field(default=None, description="The step that follows, or 'end'.")


class FlagStep(StepBase):
    """Mark the parts of the scenario's draft post that break the policy."""

    type: Literal["flag"]
    segments: list[Segment] = Field(min_length=1)
    next: str | None = Field(default=None, description="The step that follows, or 'end'.")


Step = Annotated[SingleStep | MultiStep | FlagStep, Field(discriminator="type")]


class Scenario(Strict):
    kind: ClassVar[str] = "scenario"
    id: Slug
    title: Text
    guidelines: list[GuidelineId] = Field(min_length=1, description="The sections it tests.")
    situation: Text
    post: Post | None = None
    steps: list[Step] = Field(min_length=1)


class Pool(Strict):
    """Draw 'draw' scenarios for each attempt, with at least one per guideline listed."""

    kind: ClassVar[str] = "pool"
    draw: PositiveInt
    cover: list[GuidelineId] = Field(default_factory=list)


class Module(Strict):
    """One YAML file under scenarios/."""

    kind: ClassVar[str] = "module"
    id: Slug
    title: Text
    description: str | None = None
    estimated_minutes: PositiveInt
    scoring: Literal["partial", "all-or-nothing"] = Field(
        default="partial", description="How multi and flag steps are scored."
    )
    ask_certainty: bool = Field(default=False, description="Ask how sure after each answer.")
    pool: Pool | None = None
    scenarios: list[Scenario] = Field(min_length=1)


AnyStep = SingleStep | MultiStep | FlagStep


def step_options(step: AnyStep) -> list[Option]:
    """The choices of a step, or its segments for a flag step."""
    if isinstance(step, FlagStep):
        return list(step.segments)
    return list(step.choices)


PLATFORMS: tuple[str, ...] = get_args(Platform)
"""Every platform a mock post can be drawn as."""
