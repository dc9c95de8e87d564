"""Phone numbers masked to their last 4 digits (the DPDP option), in ids and inside free text."""

from bot.review.masking import mask_phone, mask_text, synthetic_phone_numbers, training_sentence


def test_an_id_keeps_only_its_last_four_digits() -> None:
    assert mask_phone("919812345678") == "••••••••5678"
    assert mask_phone("+91 98123-45678") == "••••••••5678"
    assert mask_phone("1234") == "1234"
    assert mask_phone(None) == ""


def test_numbers_inside_text_are_masked_and_other_figures_are_not() -> None:
    assert mask_text("mera number 9812345678 hai, +91 98123 45678 bhi") == \
        "mera number ••••••5678 hai, ••••••••5678 bhi"
    assert mask_text("5 kilo chawal ₹1,250 ka, order 100234") == "5 kilo chawal ₹1,250 ka, order 100234"
    assert mask_text("") == ""


def test_training_sentences_hold_a_made_up_number_of_the_same_shape() -> None:
    assert training_sentence("mera  number 7042155309 hai,\tMaggi bhejo") == "mera number 9876543210 hai, Maggi bhejo"
    assert synthetic_phone_numbers("call +91 70421-55309 or 91 7042 155 309") == \
        "call +98 76543-21098 or 98 7654 321 098"
    assert training_sentence("5 kilo chawal ₹1,250 ka, order 100234") == "5 kilo chawal ₹1,250 ka, order 100234"
    assert synthetic_phone_numbers("") == ""
