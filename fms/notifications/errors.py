"""Refusals of the 36(b) gate, each with its own stable problem type."""

from fms.core.errors import Conflict, NotAllowed


class NotificationNotCleared(Conflict):
    """An offer needs a notified 36(b) notification whose review is over (or an approved emergency)."""

    type = "notification-not-cleared"
    title = "The 36(b) notification does not clear this offer"


class RoomExceeded(Conflict):
    """The documents under one notification would together exceed what it notified."""

    type = "notification-room-exceeded"
    title = "Beyond the room the 36(b) notification leaves"


class TransmittalAlreadyRecorded(Conflict):
    type = "transmittal-already-recorded"
    title = "That transmittal number is already recorded"


class SelfDecision(NotAllowed):
    """Maker–checker: who asked for a change does not decide it."""

    type = "separation-of-duties"
    title = "Separation of duties"
