"""The shapes of the transparency log's answers (DESIGN §9), for the schema; the views build them."""

from rest_framework import serializers


class PublicKeySerializer(serializers.Serializer):
    key_name = serializers.CharField(help_text="The log's name: its checkpoints' origin line.")
    public_key = serializers.CharField(help_text="Base64 of the 32 raw bytes of the Ed25519 public key.")
    vkey = serializers.CharField(help_text="The note verifier key: <name>+<hex key ID>+base64(0x01 ‖ key).")

    class Meta:
        ref_name = "LedgerPublicKey"


class TreeHeadSerializer(serializers.Serializer):
    tree_size = serializers.IntegerField()
    root_hash = serializers.CharField(help_text="Hex of the RFC 9162 root hash at tree_size.")
    checkpoint = serializers.CharField(help_text="The C2SP tlog-checkpoint as a C2SP signed-note (Ed25519).")
    key_name = serializers.CharField()
    key_id = serializers.CharField(help_text="Hex of the signing key's note key ID.")
    signed_at = serializers.DateTimeField()

    class Meta:
        ref_name = "SignedTreeHead"


class TreeHeadPageSerializer(serializers.Serializer):
    """The one page shape of every list (fms.core.api.pagination.page_body)."""

    results = TreeHeadSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Pass as ?cursor= for the next page; null at the end.")
    next_url = serializers.URLField(allow_null=True, help_text="This request with that parameter set.")
    previous = serializers.CharField(allow_null=True, help_text="Pass as ?cursor= for the page before.")
    previous_url = serializers.URLField(allow_null=True)

    class Meta:
        ref_name = "SignedTreeHeadPage"


class InclusionProofSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    leaf_index = serializers.IntegerField(help_text="The event's log_index.")
    tree_size = serializers.IntegerField()
    audit_path = serializers.ListField(child=serializers.CharField(), help_text="Hex hashes, RFC 9162 order.")


class ConsistencyProofSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    proof = serializers.ListField(child=serializers.CharField(), help_text="Hex hashes, RFC 9162 order.")
