"""Domain errors of the cases app, each with a stable problem type."""

from fms.core.errors import Conflict, NotAllowed


class TransitionNotAllowed(Conflict):
    """A step that the workflow refuses in the current state, with the unmet guard in words."""

    type = "transition-not-allowed"
    title = "This step is not possible now"

    def __init__(self, detail: str, *, state: str, action: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail, errors=errors)
        self.state = state
        self.action = action


class DocumentStepRequired(TransitionNotAllowed):
    """Offer and accept are steps of the LOA document (DESIGN §4.3): asked of the case, they are refused,
    naming the documents route that takes them."""

    type = "document-step-required"
    title = "This step is taken through the LOA document"

    def __init__(self, detail: str, *, state: str, action: str, route: str) -> None:
        super().__init__(detail, state=state, action=action, errors={"action": [f"Use {route}."]})
        self.route = route


class SeparationOfDuties(NotAllowed):
    """Maker–checker: the author or last editor of a line may not decide on it."""

    type = "separation-of-duties"
    title = "Separation of duties"


class HeaderFrozen(Conflict):
    """The case header is part of the offered LOA: it changes through an amendment or modification."""

    type = "header-frozen"
    title = "The case header is frozen since the offer"
