"""The channel → actions contract: what the channel writes, the actions read back unchanged."""

from __future__ import annotations

import doctest
from dataclasses import replace

import connectors.metadata
from connectors.metadata import CatalogItem, CatalogOrder, ChannelMetadata, Location, Media, SharedContact


def test_doctests():
    assert doctest.testmod(connectors.metadata).failed == 0


def test_every_field_survives_the_trip_through_rasas_json():
    sent = ChannelMetadata(
        phone_number_id="1234", wa_id="9779841234567", message_id="wamid.X", message_type="image",
        profile_name="सीता", display_phone_number="9779800000000", timestamp=1733000000,
        context_id="wamid.earlier", reply_title="Haan",
        media=Media("m9", "image/jpeg", "bill.jpg", False, "", "download failed"),
        location=Location(28.6, 81.6, "Surkhet", "Birendranagar"), flow_response={"flow_token": "t"},
        original_message_id="wamid.before", previous_wa_id="9779841111111",
        contacts=(SharedContact("Ram Bahadur", "+977 984-1234567", "9779841234567"), SharedContact("Sita")),
        order=CatalogOrder("3541604", (CatalogItem("MAGGI-70", 3, "14.50", "INR"), CatalogItem("CHEENI", 1)), "jaldi"),
    )
    assert ChannelMetadata.from_dict(sent.to_dict()) == sent
    assert sent.to_dict()["media_error"] == "download failed" and "media_path" not in sent.to_dict()


def test_metadata_without_a_business_number_is_no_channel_metadata():
    assert ChannelMetadata.from_dict(None) is None
    assert ChannelMetadata.from_dict({"wa_id": "919800000001"}) is None


def test_the_old_number_of_a_number_change_is_signed_with_the_identity():
    moved = ChannelMetadata(phone_number_id="1234", wa_id="919800000002", message_id="wamid.S",
                            previous_wa_id="919800000001").signed("s3cret")
    assert moved.signed_by("s3cret")
    assert not replace(moved, previous_wa_id="919800000009").signed_by("s3cret")
    assert not replace(moved, previous_wa_id="").signed_by("s3cret")
