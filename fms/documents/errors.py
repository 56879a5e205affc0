"""Domain errors of LOA documents, each with a stable problem type (listed in fms.core.problems)."""

from fms.core.errors import Conflict


class ContentHashMismatch(Conflict):
    """An acceptance names another content than the document's: the purchaser did not accept this one."""

    type = "content-hash-mismatch"
    title = "The content hash does not match the offered document"


class OfferExpired(Conflict):
    type = "offer-expired"
    title = "The offer has expired"


class DraftAlreadyOpen(Conflict):
    type = "draft-already-open"
    title = "The case already has an open amendment or modification"


class ModificationChangesScope(Conflict):
    """A modification may not add a line or raise a quantity: that is an amendment's job."""

    type = "modification-changes-scope"
    title = "A modification cannot change the scope"
