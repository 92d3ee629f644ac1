"""medtrace.his.read_ack: the HIS's HL7 acknowledgment of a message sent."""

import pytest

from medtrace.his import read_ack

MSH = "MSH|^~\\&|HIS|HOSP|MEDTRACE|HOSP|20261207120000||ACK^P03^ACK|A1|P|2.5\r"


@pytest.mark.parametrize("code", ["AA", "CA"])
def test_accepted(code):
    ack = read_ack(f"{MSH}MSA|{code}|MSC/2026/00001\r")
    assert ack.accepted
    assert (ack.code, ack.control_id) == (code, "MSC/2026/00001")


@pytest.mark.parametrize("code", ["AE", "AR", "CE", "CR"])
def test_errors_and_rejections_carry_the_his_text(code):
    data = (
        f"{MSH}MSA|{code}|MSC1|Unknown patient\r"
        "ERR|||207^Application internal error^HL70357|E||||Patient ZY1 not admitted\r"
    )
    ack = read_ack(data.encode())
    assert not ack.accepted
    assert ack.code == code
    assert ack.text == "Unknown patient; Patient ZY1 not admitted; Application internal error"


@pytest.mark.parametrize(
    "data", ["", b"", "<html>OK</html>", '{"resourceType": "Bundle"}', f"{MSH}", f"{MSH}MSA|\r"]
)
def test_no_acknowledgment(data):
    assert read_ack(data) is None


def test_mllp_framed_and_newline_separated():
    ack = read_ack(f"\x0b{MSH}MSA|AA|X\n\x1c\r".replace("\r", "\n"))
    assert ack.accepted
