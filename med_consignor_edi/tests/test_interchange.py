"""EDIFACT interchanges of several messages and their acknowledgements (issue 14)."""

import os
import warnings

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from pydifact.segmentcollection import Interchange as PydifactInterchange

from .common import ConsignorEdiCommon

STENT_GTIN, VALVE_DI = "06901234567892", "06901234567908"


def _orders(reference, message_id, lines=((STENT_GTIN, "3"), (VALVE_DI, "1")), document_code="220"):
    """One ORDERS message (UNH..UNT) of consignor C0001."""
    body = [
        f"UNH+{reference}+ORDERS:D:96A:UN:EAN008'",
        f"BGM+{document_code}+{message_id}+9'",
        "DTM+137:20250601:102'",
        f"RFF+ON:{message_id}-ORDER'",
        "NAD+SU+C0001::92'",
        "NAD+BY+H0001::92'",
    ]
    for number, (gtin, quantity) in enumerate(lines, start=1):
        body += [f"LIN+{number}++{gtin}:SRV'", f"QTY+21:{quantity}'"]
    body += ["UNS+S'", f"CNT+2:{len(lines)}'"]
    body.append(f"UNT+{len(body) + 1}+{reference}'")
    return body


def _interchange(*messages, control="IC0001", unz_count=None, group=False):
    """An interchange (UNA, UNB..UNZ) of ``messages`` (lists of segments)."""
    segments = ["UNA:+.? '", f"UNB+UNOC:3+C0001:ZZZ+H0001:ZZZ+250601:1200+{control}'"]
    if group:
        segments.append("UNG+ORDERS+C0001:ZZZ+H0001:ZZZ+250601:1200+G1+UN+D:96A'")
    for message in messages:
        segments += message
    if group:
        segments.append(f"UNE+{len(messages)}+G1'")
    count = unz_count if unz_count is not None else (1 if group else len(messages))
    segments.append(f"UNZ+{count}+{control}'")
    return ("\n".join(segments) + "\n").encode("latin-1")


def _segments(data):
    """(tag, elements) of every segment of an interchange, read by pydifact."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interchange = PydifactInterchange.from_str(data.decode("latin-1"))
    header = interchange.get_header_segment()
    found = [("UNB", header.elements)] if header else []
    found += [(s.tag, s.elements) for s in interchange.segments]
    return found


def _first(segments, tag):
    return next(elements for found, elements in segments if found == tag)


class InterchangeCommon(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.format_edifact = True
        cls.backend_b.format_edifact = True

    def _acks(self, message_type=None):
        domain = [("backend_id", "=", self.backend.id), ("direction", "=", "out")]
        if message_type:
            domain.append(("message_type", "=", message_type))
        return self.env["med.edi.exchange"].search(domain, order="id")

    def _receive_edi(self, data, message_type="purchase_order", filename="orders.edi"):
        return self.backend._edi_receive(data, message_type, filename=filename)


@tagged("post_install", "-at_install")
class TestInterchange(InterchangeCommon):
    def test_interchange_of_two_orders_is_kept_and_split(self):
        data = _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"))
        received = self._receive_edi(data)
        self.assertEqual(received.attachment_id.raw, data, "the whole file is kept")
        self.assertFalse(received.message_type)
        self.assertEqual(received.interchange_reference, "IC0001")
        self.assertEqual(received.state, "processed", received.problem_ids.mapped("message"))
        messages = received.interchange_message_ids.sorted("interchange_position")
        self.assertEqual(messages.mapped("interchange_position"), [1, 2])
        self.assertEqual(messages.mapped("interchange_reference"), ["1", "2"])
        self.assertEqual(messages.mapped("message_type"), ["purchase_order"] * 2)
        self.assertEqual(
            messages.mapped("state"), ["processed"] * 2, messages.problem_ids.mapped("message")
        )
        self.assertEqual(messages.mapped("message_ident"), ["PO-A", "PO-B"])
        self.assertEqual(set(messages.mapped("res_model")), {"purchase.order"})
        orders = self.env["purchase.order"].browse(messages.mapped("res_id"))
        self.assertEqual(len(orders), 2)
        self.assertEqual(sorted(orders.mapped("partner_ref")), ["PO-A-ORDER", "PO-B-ORDER"])
        self.assertEqual(orders[0].order_line.mapped("product_qty"), [3.0, 1.0])
        self.assertIn("PO-A", messages[0].name)

    def test_one_message_is_processed_as_before(self):
        received = self._receive_edi(_interchange(_orders("1", "PO-ONE")))
        self.assertEqual(received.state, "processed", received.problem_ids.mapped("message"))
        self.assertEqual(received.message_type, "purchase_order")
        self.assertFalse(received.interchange_message_ids)
        self.assertEqual(received.res_model, "purchase.order")

    def test_group_is_split_and_message_type_read_from_unh_and_bgm(self):
        # sent as a stock statement, the UNG group holds an ORDERS 220: a purchase order
        data = _interchange(_orders("7", "PO-G"), group=True)
        received = self._receive_edi(data, message_type="stock_statement")
        self.assertEqual(received.state, "processed", received.problem_ids.mapped("message"))
        message = received.interchange_message_ids
        self.assertEqual(len(message), 1)
        self.assertEqual(message.message_type, "purchase_order")
        self.assertEqual(message.state, "processed")

    def test_same_interchange_twice_is_processed_once(self):
        data = _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"))
        first = self._receive_edi(data)
        orders = self.env["purchase.order"].search_count([])
        again = self._receive_edi(data, filename="orders-again.edi")
        self.assertEqual(again.state, "duplicate")
        self.assertEqual(again.duplicate_of_id, first)
        self.assertFalse(again.interchange_message_ids)
        self.assertEqual(self.env["purchase.order"].search_count([]), orders)
        # the same messages in another interchange (new control reference): duplicates
        other = self._receive_edi(
            _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"), control="IC0002")
        )
        self.assertEqual(other.interchange_message_ids.mapped("state"), ["duplicate"] * 2)
        self.assertEqual(
            set(other.interchange_message_ids.duplicate_of_id.ids),
            set(first.interchange_message_ids.ids),
        )
        self.assertEqual(self.env["purchase.order"].search_count([]), orders)
        # processing the first interchange again processes nothing
        self.assertEqual(first.interchange_message_ids.mapped("state"), ["processed"] * 2)
        processed = self.env["med.edi.exchange"].search_count(
            [("state", "=", "processed"), ("message_ident", "in", ("PO-A", "PO-B"))]
        )
        self.assertEqual(processed, 2)

    def test_unknown_message_of_an_interchange_is_refused_alone(self):
        data = _interchange(_orders("1", "PO-A"), _orders("2", "X-1", document_code="999"))
        received = self._receive_edi(data)
        self.assertEqual(received.state, "error")
        good, bad = received.interchange_message_ids.sorted("interchange_position")
        self.assertEqual(good.state, "processed")
        self.assertEqual(bad.state, "error")
        self.assertFalse(bad.message_type)
        self.assertEqual(bad.problem_ids.code, "edifact_unknown_message")
        self.assertEqual(received.problem_ids.code, "interchange_message_error")
        # processed again: the order is not created twice
        orders = self.env["purchase.order"].search_count([])
        received.action_process()
        self.assertEqual(good.state, "processed")
        self.assertEqual(self.env["purchase.order"].search_count([]), orders)

    def test_folder_channel_splits_and_writes_contrl_to_outbox(self):
        with self._edi_tempdir() as folder:
            inbox, outbox = os.path.join(folder, "in"), os.path.join(folder, "out")
            os.makedirs(inbox)
            self.backend.write(
                {
                    "channel": "folder",
                    "inbox_path": inbox,
                    "outbox_path": outbox,
                    "ack_contrl": True,
                }
            )
            data = _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"))
            with open(os.path.join(inbox, "purchase_order-1.edi"), "wb") as handle:
                handle.write(data)
            received = self.backend._edi_read_inbox()
            self.assertEqual(received.state, "processed")
            self.assertEqual(len(received.interchange_message_ids), 2)
            self.assertTrue(
                os.path.exists(os.path.join(inbox, "processed", "purchase_order-1.edi"))
            )
            contrl = self._acks("contrl")
            self.assertEqual(contrl.state, "sent")
            self.assertEqual(os.listdir(outbox), [contrl.file_name])
            with open(os.path.join(outbox, contrl.file_name), "rb") as handle:
                self.assertEqual(_first(_segments(handle.read()), "UCI")[0], "IC0001")


@tagged("post_install", "-at_install")
class TestAcknowledgements(InterchangeCommon):
    def test_no_acknowledgement_unless_asked(self):
        self._receive_edi(
            _interchange(_orders("1", "PO-A"), _orders("2", "X", lines=(("00000000000000", "1"),)))
        )
        self._receive_edi(_interchange(_orders("1", "PO-S"), control="IC0009"))
        self.assertFalse(self._acks())

    def test_contrl_accepts_the_interchange(self):
        self.backend.ack_contrl = True
        received = self._receive_edi(_interchange(_orders("1", "PO-A"), _orders("2", "PO-B")))
        contrl = self._acks()
        self.assertEqual(contrl.message_type, "contrl")
        self.assertEqual(contrl.acknowledged_id, received)
        self.assertEqual(received.acknowledgement_ids, contrl)
        self.assertEqual(contrl.state, "generated", "HTTP channel: waits to be pulled")
        self.assertEqual(contrl.file_format, "edifact")
        segments = _segments(contrl.attachment_id.raw)
        unb = _first(segments, "UNB")
        self.assertEqual((unb[1][0], unb[2][0]), ("H0001", "C0001"), "sender and recipient swapped")
        self.assertEqual(_first(segments, "UNH")[1][0], "CONTRL")
        uci = _first(segments, "UCI")
        self.assertEqual(uci[0], "IC0001")
        self.assertEqual(uci[3], "7")
        self.assertEqual([e[0] for tag, e in segments if tag == "UCM"], ["1", "2"])
        self.assertEqual([e[2] for tag, e in segments if tag == "UCM"], ["7", "7"])

    def test_contrl_rejects_a_wrong_envelope(self):
        self.backend.ack_contrl = True
        data = _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"), unz_count=5)
        received = self._receive_edi(data)
        self.assertEqual(received.state, "error", "a wrong count refuses its messages")
        self.assertEqual(
            self.env["purchase.order"].search_count(
                [("partner_ref", "in", ("PO-A-ORDER", "PO-B-ORDER"))]
            ),
            0,
        )
        uci = _first(_segments(self._acks("contrl").attachment_id.raw), "UCI")
        self.assertEqual(uci[0], "IC0001")
        self.assertEqual(uci[3:6], ["4", "29", "UNZ"])

    def test_contrl_names_the_data_element_in_error(self):
        """A date in a format the reader does not know refuses its message; the CONTRL
        rejects that message with a UCS locating the DTM and a UCD naming its element
        (C507, component 3: the format) with 0085 code 12, invalid value."""
        self.backend.ack_contrl = True
        bad = _orders("2", "PO-D")
        bad[2] = "DTM+137:2025W23:999'"
        received = self._receive_edi(_interchange(_orders("1", "PO-C"), bad))
        good, wrong = received.interchange_message_ids.sorted("interchange_position")
        self.assertEqual((good.state, wrong.state), ("processed", "error"))
        self.assertIn("edifact_date_format", wrong.problem_ids.mapped("code"))
        segments = _segments(self._acks("contrl").attachment_id.raw)
        self.assertEqual([e[2:] for tag, e in segments if tag == "UCM"], [["7"], ["4", "12"]])
        self.assertEqual(
            [e for tag, e in segments if tag == "UCS"],
            [["3"]],
            "the DTM is the message's third segment",
        )
        self.assertEqual([e for tag, e in segments if tag == "UCD"], [["12", ["1", "3"]]])

    def test_contrl_for_a_duplicate_and_a_single_message(self):
        self.backend.ack_contrl = True
        data = _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"))
        self._receive_edi(data)
        again = self._receive_edi(data)
        single = self._receive_edi(_interchange(_orders("1", "PO-S"), control="IC0003"))
        contrls = self._acks("contrl")
        self.assertEqual(len(contrls), 3)
        self.assertEqual(contrls[1].acknowledged_id, again)
        self.assertEqual(contrls[2].acknowledged_id, single)
        self.assertEqual(_first(_segments(contrls[2].attachment_id.raw), "UCI")[0], "IC0003")

    def test_aperak_names_the_line_and_problem_of_a_refused_message(self):
        self.backend.ack_aperak = True
        data = _interchange(
            _orders("1", "PO-A"),
            _orders("2", "PO-BAD", lines=((STENT_GTIN, "2"), ("06900000000007", "1"))),
        )
        received = self._receive_edi(data)
        good, bad = received.interchange_message_ids.sorted("interchange_position")
        self.assertEqual(bad.state, "error")
        problem = bad.problem_ids.filtered(lambda p: p.severity == "error")
        self.assertEqual(problem.code, "unknown_product")
        self.assertTrue(problem.line)
        aperak = self._acks()
        self.assertEqual(aperak.message_type, "aperak", "no APERAK for the message accepted")
        self.assertEqual(aperak.acknowledged_id, bad)
        self.assertEqual(good.acknowledgement_ids.ids, [])
        segments = _segments(aperak.attachment_id.raw)
        self.assertEqual(_first(segments, "UNH")[1][0], "APERAK")
        self.assertEqual(_first(segments, "BGM")[0][0], "12E")
        references = [e[0] for tag, e in segments if tag == "RFF"]
        self.assertIn(["ACW", "2"], references)
        self.assertIn(["ON", "PO-BAD"], references)
        self.assertIn(["LI", str(problem.line)], references)
        self.assertEqual(_first(segments, "ERC")[0][0], "unknown_")
        text = "".join(_first(segments, "FTX")[3])
        self.assertIn(f"line {problem.line}", text)
        self.assertIn("06900000000007", text)

    def test_ordrsp_accepts_an_order_then_tells_changed_lines(self):
        self.backend.ack_ordrsp = True
        received = self._receive_edi(_interchange(_orders("1", "PO-A")))
        self.assertEqual(received.state, "processed", received.problem_ids.mapped("message"))
        ordrsp = self._acks()
        self.assertEqual(ordrsp.message_type, "ordrsp")
        self.assertEqual(ordrsp.acknowledged_id, received)
        self.assertEqual((ordrsp.res_model, ordrsp.res_id), (received.res_model, received.res_id))
        segments = _segments(ordrsp.attachment_id.raw)
        self.assertEqual(_first(segments, "UNH")[1][0], "ORDRSP")
        bgm = _first(segments, "BGM")
        self.assertEqual((bgm[0], bgm[2]), ("231", "29"))
        self.assertEqual(_first(segments, "RFF")[0], ["ON", "PO-A-ORDER"])
        self.assertEqual([e[1] for tag, e in segments if tag == "LIN"], ["5", "5"])
        # the second line's quantity changed: a new ORDRSP says so
        order = self.env["purchase.order"].browse(received.res_id)
        order.order_line.sorted("id")[1].product_qty = 4
        received.with_user(self.user_edi).action_send_order_response()
        changed = self._acks("ordrsp")[-1]
        self.assertNotEqual(changed, ordrsp)
        segments = _segments(changed.attachment_id.raw)
        self.assertEqual(_first(segments, "BGM")[2], "4")
        self.assertEqual([e[1] for tag, e in segments if tag == "LIN"], ["5", "3"])
        quantities = [e[0] for tag, e in segments if tag == "QTY"]
        self.assertEqual(quantities, [["21", "3"], ["113", "3"], ["21", "1"], ["113", "4"]])

    def test_ordrsp_for_each_order_of_an_interchange(self):
        self.backend.write({"ack_ordrsp": True, "ack_contrl": True})
        received = self._receive_edi(_interchange(_orders("1", "PO-A"), _orders("2", "PO-B")))
        messages = received.interchange_message_ids
        self.assertEqual(self._acks("ordrsp").acknowledged_id, messages)
        self.assertEqual(self._acks("contrl").acknowledged_id, received)


@tagged("post_install", "-at_install")
class TestInterchangeAccess(InterchangeCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backend.write({"ack_contrl": True, "ack_aperak": True, "ack_ordrsp": True})
        cls.key_a = cls._api_key(cls.user_api_a, "consignor A")
        cls.key_b = cls._api_key(cls.user_api_b, "consignor B")

    def _get(self, path, key):
        return self.url_open(path, headers={"Authorization": f"Bearer {key}"})

    def test_other_consignor_cannot_read_interchange_or_acknowledgements(self):
        received = self._receive_edi(_interchange(_orders("1", "PO-A"), _orders("2", "PO-B")))
        records = received | received.interchange_message_ids | self._acks()
        self.assertEqual(len(records), 6, "interchange, 2 messages, CONTRL, 2 ORDRSP")
        records.with_user(self.user_api_a).read(["state", "interchange_id", "acknowledged_id"])
        for record in records:
            with self.assertRaises(AccessError):
                record.with_user(self.user_api_b).read(["state"])
        Exchange = self.env["med.edi.exchange"].with_user(self.user_api_b)
        self.assertFalse(Exchange.search([("id", "in", records.ids)]))
        order = received.interchange_message_ids[0]
        for user in (self.user_api_a, self.user_api_b):
            with self.assertRaises(AccessError):
                order.with_user(user).action_send_order_response()
        contrl = self._acks("contrl")
        for path in (
            f"/med_edi/{self.backend.id}/outbox",
            f"/med_edi/{self.backend.id}/exchange/{contrl.id}/file",
            f"/med_edi/{self.backend.id}/exchange/{received.id}",
        ):
            self.assertEqual(self._get(path, self.key_b).status_code, 403, path)
        # and its own backend's id with another backend's exchange: 403 too
        path = f"/med_edi/{self.backend_b.id}/exchange/{contrl.id}/file"
        self.assertEqual(self._get(path, self.key_b).status_code, 403)
        self.assertEqual(contrl.state, "generated")

    def test_post_interchange_and_pull_acknowledgements(self):
        data = _interchange(_orders("1", "PO-A"), _orders("2", "PO-B"))
        response = self.url_open(
            f"/med_edi/{self.backend.id}/purchase_order",
            data=data,
            headers={
                "Authorization": f"Bearer {self.key_a}",
                "Content-Type": "application/edifact",
            },
        )
        self.assertEqual(response.status_code, 200, response.text[-2000:])
        result = response.json()
        self.assertEqual(result["state"], "processed")
        self.assertEqual([m["state"] for m in result["messages"]], ["processed"] * 2)
        self.assertEqual(
            sorted(a["message_type"] for a in result["acknowledgements"]),
            ["contrl", "ordrsp", "ordrsp"],
        )
        outbox = self._get(f"/med_edi/{self.backend.id}/outbox", self.key_a).json()
        self.assertEqual(len(outbox["exchanges"]), 3)
        contrl = next(a for a in outbox["exchanges"] if a["message_type"] == "contrl")
        pulled = self._get(contrl["file"], self.key_a)
        self.assertEqual(pulled.status_code, 200)
        self.assertEqual(_first(_segments(pulled.content), "UCI")[0], "IC0001")
        self.assertEqual(self.env["med.edi.exchange"].browse(contrl["exchange_id"]).state, "sent")
        outbox = self._get(f"/med_edi/{self.backend.id}/outbox", self.key_a).json()
        self.assertEqual(len(outbox["exchanges"]), 2)
