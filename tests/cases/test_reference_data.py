import pytest

from fms.reference.models import ImplementingAgency, Purchaser

pytestmark = pytest.mark.django_db


def test_purchasers_and_agencies_are_loaded_by_migration():
    groups = dict(Purchaser.objects.values_list("code", "review_group"))
    for code in ["JA", "KS", "AT", "UK", "GY", "IS"]:
        assert groups[code] == "nato_plus_5"
    assert sum(1 for group in groups.values() if group == "other") >= 3
    assert set(ImplementingAgency.objects.values_list("code", flat=True)) >= {"B", "D", "P"}
