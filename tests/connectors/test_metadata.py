"""The channel → actions contract: what the channel writes, the actions read back unchanged."""

from __future__ import annotations

import doctest

import connectors.metadata
from connectors.metadata import ChannelMetadata, Location, Media


def test_doctests():
    assert doctest.testmod(connectors.metadata).failed == 0


def test_every_field_survives_the_trip_through_rasas_json():
    sent = ChannelMetadata(
        phone_number_id="1234", wa_id="9779841234567", message_id="wamid.X", message_type="image",
        profile_name="सीता", display_phone_number="9779800000000", timestamp=1733000000,
        context_id="wamid.earlier", reply_title="Haan",
        media=Media("m9", "image/jpeg", "bill.jpg", False, "", "download failed"),
        location=Location(28.6, 81.6, "Surkhet", "Birendranagar"), flow_response={"flow_token": "t"},
    )
    assert ChannelMetadata.from_dict(sent.to_dict()) == sent
    assert sent.to_dict()["media_error"] == "download failed" and "media_path" not in sent.to_dict()


def test_metadata_without_a_business_number_is_no_channel_metadata():
    assert ChannelMetadata.from_dict(None) is None
    assert ChannelMetadata.from_dict({"wa_id": "919800000001"}) is None
