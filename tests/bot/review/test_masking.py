"""Phone numbers masked where the review app shows them (ids and texts), and made up in training sentences."""

import doctest

from bot.review import masking
from bot.review.masking import mask_id, mask_text, synthetic_phone_numbers, training_sentence


def test_an_id_keeps_its_country_code_and_two_digits_at_each_end() -> None:
    assert mask_id("919812345610") == "+91 98••••••10"
    assert mask_id("+919812345610") == "+91 98••••••10"
    assert mask_id("9779841234567") == "+977 98••••••67"
    assert mask_id("9812345610") == "98••••••10"
    assert mask_id("100000000000001:919800000011") == "10•••••••••••01:+91 98••••••11"  # Rasa's sender id
    assert mask_id("1234") == "1234" and mask_id("default") == "default"
    assert mask_id(None) == ""
    assert mask_id("919812345610") != mask_id("919812345620")  # people stay apart


def test_numbers_inside_text_are_masked_in_place_and_other_figures_are_not() -> None:
    said = "mera number 9812345678 hai, +91 98123 45610 bhi, Nepal ko +977 984-1234567"
    assert mask_text(said) == "mera number 98••••••78 hai, +91 98••• •••10 bhi, Nepal ko +977 98•-•••••67"
    assert len(mask_text(said)) == len(said)
    assert mask_text("phone ९८१२३४५६७८ pe") == "phone ९८••••••७८ pe"
    assert mask_text("5 kilo chawal ₹1,250 ka, order 100234") == "5 kilo chawal ₹1,250 ka, order 100234"
    assert mask_text("") == ""


def test_training_sentences_hold_a_made_up_number_of_the_same_shape() -> None:
    assert training_sentence("mera  number 7042155309 hai,\tMaggi bhejo") == "mera number 9876543210 hai, Maggi bhejo"
    assert synthetic_phone_numbers("call +91 70421-55309 or 91 7042 155 309") == \
        "call +98 76543-21098 or 98 7654 321 098"
    assert training_sentence("5 kilo chawal ₹1,250 ka, order 100234") == "5 kilo chawal ₹1,250 ka, order 100234"
    assert synthetic_phone_numbers("") == ""


def test_the_examples_in_the_docstrings_hold() -> None:
    assert doctest.testmod(masking).failed == 0
