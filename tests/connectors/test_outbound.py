"""Rasa's response shapes as Cloud API messages, within WhatsApp's limits."""

from __future__ import annotations

import json

import pytest

from connectors.outbound import render, shorten, split_text


def test_short_text_is_one_message():
    [out] = render({"text": "Maggi Noodles 70g: 48 packet bacha hai."})
    assert out.message == {"type": "text", "text": {"body": "Maggi Noodles 70g: 48 packet bacha hai.",
                                                     "preview_url": False}}
    assert out.upload == ""


def test_long_text_splits_at_line_then_sentence_boundaries_without_losing_words():
    lines = [f"Line {n}: " + "kuch shabd " * 30 for n in range(40)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) > 1 and all(len(p) <= 4096 for p in pieces)
    assert all(p.endswith("shabd") for p in pieces[:-1]), "cut in the middle of a line"
    assert " ".join(pieces).split() == text.split()

    sentences = " ".join(f"Sentence number {n} is here." for n in range(400))
    pieces = split_text(sentences)
    assert all(len(p) <= 4096 and p.endswith(".") for p in pieces)
    assert " ".join(pieces) == sentences


def test_text_without_any_boundary_is_still_cut_to_the_limit():
    assert [len(p) for p in split_text("x" * 9000)] == [4096, 4096, 808]


def test_up_to_three_buttons_are_reply_buttons_with_short_unique_titles():
    [out] = render({"text": "Bill banau?", "buttons": [
        {"title": "Haan", "payload": "/affirm"},
        {"title": "Nahi, abhi rehne do bhai", "payload": "/deny"},
        {"title": "Nahi, abhi rehne do bhai", "payload": "/stop"},
    ]})
    interactive = out.message["interactive"]
    assert interactive["type"] == "button" and interactive["body"] == {"text": "Bill banau?"}
    replies = [b["reply"] for b in interactive["action"]["buttons"]]
    assert [r["id"] for r in replies] == ["/affirm", "/deny", "/stop"]
    titles = [r["title"] for r in replies]
    assert titles[0] == "Haan" and all(len(t) <= 20 for t in titles) and len(set(titles)) == 3
    assert titles[1] == "Nahi, abhi rehne…"


def test_more_than_three_buttons_become_a_list():
    buttons = [{"title": f"Product {n}", "payload": f'/choose_product{{"product_id": "{n}"}}'} for n in range(5)]
    [out] = render({"text": "Kaunsa?", "buttons": buttons})
    interactive = out.message["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert [r["id"] for r in rows] == [b["payload"] for b in buttons]


def test_a_list_keeps_within_limits_and_more_than_ten_rows_go_in_several_lists():
    rows = [{"id": f"/p{n}", "title": f"A very long product name number {n}", "description": "d" * 100}
            for n in range(13)]
    out = render({"custom": {"type": "list", "header": "Products", "body": "Choose one", "button": "Choose",
                             "sections": [{"title": "Stock", "rows": rows}]}})
    assert len(out) == 2
    sent_rows = [r for o in out for s in o.message["interactive"]["action"]["sections"] for r in s["rows"]]
    assert [r["id"] for r in sent_rows] == [r["id"] for r in rows]
    assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in sent_rows)
    first = out[0].message["interactive"]
    assert first["header"] == {"type": "text", "text": "Products"} and first["action"]["button"] == "Choose"
    assert sum(len(s["rows"]) for s in first["action"]["sections"]) == 10


def test_a_local_document_is_uploaded_and_a_url_is_sent_as_a_link():
    [local] = render({"custom": {"type": "document", "path": "/tmp/INV-0042.pdf", "filename": "INV-0042.pdf",
                                 "caption": "Aapka bill"}})
    assert local.upload == "/tmp/INV-0042.pdf"
    assert local.message == {"type": "document", "document": {"caption": "Aapka bill", "filename": "INV-0042.pdf"}}
    [link] = render({"custom": {"type": "document", "link": "https://example.com/a.pdf"}})
    assert link.upload == "" and link.message["document"] == {"link": "https://example.com/a.pdf",
                                                               "filename": "a.pdf"}


def test_images_from_rasa_image_and_from_json_message():
    text, image = render({"text": "QR code", "image": "https://example.com/qr.png"})
    assert text.message["type"] == "text" and image.message == {"type": "image",
                                                                "image": {"link": "https://example.com/qr.png"}}
    [chart] = render({"custom": {"type": "image", "path": "/tmp/chart.png", "caption": "Is hafte ki bikri"}})
    assert chart.upload == "/tmp/chart.png" and chart.message["image"] == {"caption": "Is hafte ki bikri"}


def test_templates_pass_through():
    [out] = render({"custom": {"type": "template", "name": "payment_reminder", "language": "hi",
                               "components": [{"type": "body", "parameters": [{"type": "text", "text": "500"}]}]}})
    assert out.message["template"]["name"] == "payment_reminder"
    assert out.message["template"]["language"] == {"code": "hi"}


def test_an_unknown_custom_shape_is_an_error_not_a_silent_drop():
    with pytest.raises(ValueError):
        render({"custom": {"type": "carousel"}})


@pytest.mark.parametrize("title, expected", [
    ("Haan", "Haan"), ("Maggi Noodles 70g Masala", "Maggi Noodles 70g…"), ("x" * 30, "x" * 19 + "…"),
])
def test_shorten(title, expected):
    assert shorten(title, 20) == expected


def test_the_id_fitting_doctests():
    import doctest

    import connectors.outbound

    assert doctest.testmod(connectors.outbound).failed == 0


def test_two_options_that_send_the_same_tap_are_one_and_ids_fit_whatsapps_limits():
    long_name = "Maggi Masala Noodles " * 20
    [out] = render({"text": "Kaunsa?", "buttons": [
        {"title": "Maggi", "payload": '/check_stock{"product": "Maggi"}'},
        {"title": "Maggi", "payload": '/check_stock{"product": "Maggi"}'},
        {"title": "Long", "payload": f'/check_stock{{"product": "{long_name}"}}'},
    ]})
    replies = [b["reply"] for b in out.message["interactive"]["action"]["buttons"]]
    assert len(replies) == 2 and len({r["id"] for r in replies}) == 2
    assert len(replies[1]["id"]) <= 256 and json.loads(replies[1]["id"][len("/check_stock"):])["product"]
    rows = [{"id": f'/check_stock{{"product": "{long_name}{n}"}}', "title": f"P{n}"} for n in range(4)]
    [listing] = render({"custom": {"type": "list", "body": "Kaunsa?", "sections": [{"title": "", "rows": rows}]}})
    sent = [r["id"] for s in listing.message["interactive"]["action"]["sections"] for r in s["rows"]]
    assert all(len(i) <= 200 for i in sent) and len(set(sent)) == len(sent)


def test_every_section_of_a_list_with_several_has_a_title():
    [out] = render({"custom": {"type": "list", "body": "Chuniye", "button": "Chuniye", "sections": [
        {"title": "", "rows": [{"id": "/a", "title": "A"}]},
        {"title": "Doodh", "rows": [{"id": "/b", "title": "B"}]},
    ]}})
    assert [s["title"] for s in out.message["interactive"]["action"]["sections"]] == ["Chuniye", "Doodh"]


def test_buttons_with_a_blank_text_still_go_out():
    [out] = render({"text": "   ", "buttons": [{"title": "Haan", "payload": "/affirm"}]})
    assert out.message["interactive"]["body"]["text"] and out.message["interactive"]["type"] == "button"


def test_a_caption_keeps_its_line_breaks():
    [out] = render({"custom": {"type": "image", "path": "/tmp/qr.png", "caption": "UPI ₹450\nShree Ganesh Kirana"}})
    assert out.message["image"]["caption"] == "UPI ₹450\nShree Ganesh Kirana"
