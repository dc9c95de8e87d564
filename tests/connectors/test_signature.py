from connectors.signature import Signature, check, sign

BODY = b'{"object": "whatsapp_business_account", "entry": []}'


def test_meta_signature_is_hmac_sha256_of_the_raw_body():
    # Computed independently: printf '%s' "$BODY" | openssl dgst -sha256 -hmac secret
    assert sign(BODY, "secret") == "sha256=" + __import__("hmac").new(
        b"secret", BODY, "sha256").hexdigest()
    assert check(sign(BODY, "secret"), BODY, "secret") is Signature.VALID


def test_missing_and_wrong_signatures():
    assert check(None, BODY, "secret") is Signature.MISSING
    assert check("", BODY, "secret") is Signature.MISSING
    assert check(sign(BODY, "other"), BODY, "secret") is Signature.WRONG
    assert check(sign(BODY + b" ", "secret"), BODY, "secret") is Signature.WRONG
    assert check(sign(BODY, "secret").replace("sha256=", "sha1="), BODY, "secret") is Signature.WRONG


def test_without_an_app_secret_nothing_is_valid():
    assert check(sign(BODY, ""), BODY, "") is Signature.WRONG
