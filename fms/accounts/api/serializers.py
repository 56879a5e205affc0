"""Shapes of purchaser administration (DESIGN §5): input validation and the schema; views build answers."""

from rest_framework import serializers

from fms.accounts.roles import ROLES_A_CLIENT_ADMIN_GRANTS


class TokenSummarySerializer(serializers.Serializer):
    prefix = serializers.CharField(help_text="The first characters of the secret; names the token.")
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)


class PurchaserUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.CharField()
    purchaser = serializers.CharField()
    role = serializers.ChoiceField(choices=list(ROLES_A_CLIENT_ADMIN_GRANTS))
    is_active = serializers.BooleanField()
    tokens = TokenSummarySerializer(many=True)


class PurchaserUserPageSerializer(serializers.Serializer):
    """The one page shape of every list (fms.core.api.pagination.page_body)."""

    results = PurchaserUserSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Pass as ?cursor= for the next page; null at the end.")
    next_url = serializers.URLField(allow_null=True, help_text="This request with that parameter set.")
    previous = serializers.CharField(allow_null=True, help_text="Pass as ?cursor= for the page before.")
    previous_url = serializers.URLField(allow_null=True)


class PurchaserUserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.CharField(help_text="client or client_officer (never client_admin).")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    password = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, help_text="Empty: signs in with tokens only."
    )


class TokenIssueSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="How long the token lives, 1 to TOKEN_MAX_DAYS.")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class IssuedTokenSerializer(TokenSummarySerializer):
    username = serializers.CharField()
    purchaser = serializers.CharField()
    read_only = serializers.BooleanField()
    secret = serializers.CharField(help_text="Shown once, never stored: keep it now.")
