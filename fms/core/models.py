"""Cross-cutting records; no domain models here."""

from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed to retries for 24 hours."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    owner = models.CharField(max_length=80, help_text="Who sent it: the token's HMAC or the session user.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique_per_owner"),
            models.CheckConstraint(
                condition=models.Q(state__in=["in_progress", "done"]), name="idempotency_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class RateCounter(models.Model):
    """Requests counted against one rate limit (a token's, a user's) in its current window.

    Written by fms.core.api.throttling with one UPSERT per request; the table is unlogged.
    """

    key = models.CharField(max_length=200, primary_key=True)
    window_started = models.DateTimeField()
    hits = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.hits} since {self.window_started:%H:%M:%S}"
