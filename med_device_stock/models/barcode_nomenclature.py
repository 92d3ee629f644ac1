# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Barcode nomenclatures that read medical device UDIs (GS1 and HIBCC).

Odoo's GS1 rules read a serial number (AI 21) as a lot and know no HIBCC.
On a GS1 nomenclature, or one with "Read medical device UDIs" set, a scan that
:func:`medtrace.udi.parse` reads is returned in the GS1 shape (a list of
dicts with ``rule``, ``type``, ``ai``, ``string_value``, ``value``) with the
serial number as its own ``serial`` result; anything else (EAN-13 product
codes, location barcodes...) goes on to the core rules.
"""

import datetime
import re

from odoo import api, fields, models
from odoo.addons.barcodes_gs1_nomenclature.models.barcode_nomenclature import FNC1_CHAR
from odoo.exceptions import ValidationError

from medtrace.udi import UdiError
from medtrace.udi import parse as parse_udi

#: UDI data elements: GS1 application identifier, barcode rule type, and the
#: attribute of the medtrace result holding the (typed) value.
UDI_ELEMENTS = {
    "01": ("product", "gtin"),
    "10": ("lot", "lot"),
    "21": ("serial", "serial"),
    "17": ("expiration_date", "expiry"),
    "11": ("manufacturing_date", "manufactured"),
}
#: HIBCC fields in the order they are returned, with the GS1 application
#: identifier carrying the same data (what GS1-minded consumers dispatch on:
#: 240 "additional product identification" for the labeler + product code).
HIBCC_ELEMENTS = (
    ("240", "product", "di"),
    ("10", "lot", "lot"),
    ("21", "serial", "serial"),
    ("17", "expiration_date", "expiry"),
    ("11", "manufacturing_date", "manufactured"),
    ("30", "quantity", "quantity"),
)
#: Rule fields sent to the web client with each result (as BarcodeParser reads them).
CLIENT_RULE_FIELDS = (
    "name",
    "sequence",
    "encoding",
    "pattern",
    "gs1_content_type",
    "gs1_decimal_usage",
)


class BarcodeNomenclature(models.Model):
    _inherit = "barcode.nomenclature"

    med_udi = fields.Boolean(
        string="Read Medical Device UDIs",
        help="Read GS1 (DataMatrix, GS1-128, human-readable text, Digital Link) and HIBCC "
        "unique device identifiers with lot and serial number apart, even when this is not "
        "a GS1 nomenclature. GS1 nomenclatures always read them.",
    )
    med_udi_enabled = fields.Boolean(
        string="Reads UDIs",
        compute="_compute_med_udi_enabled",
        help="Technical: scans are read as UDIs (GS1 nomenclature or option set).",
    )

    @api.depends("med_udi", "is_gs1_nomenclature")
    def _compute_med_udi_enabled(self):
        for nomenclature in self:
            nomenclature.med_udi_enabled = nomenclature.med_udi or nomenclature.is_gs1_nomenclature

    def parse_nomenclature_barcode(self, barcode):
        if self.med_udi_enabled:
            udi = self._med_read_udi(barcode)
            if udi is not None:
                return self._med_udi_results(udi)
        return super().parse_nomenclature_barcode(barcode)

    # UDI reading -------------------------------------------------------------------------

    def _med_read_udi(self, barcode):
        """The medtrace result of ``barcode``, or None to leave it to the core rules.

        None when it is no UDI medtrace can read, or (outside GS1 nomenclatures)
        a GS1 string without device identifier: the rules of such a
        nomenclature decide what a bare number means.
        """
        self.ensure_one()
        if not isinstance(barcode, str) or not barcode.strip():
            return None
        text = self._med_fnc1_text(barcode)
        try:
            udi = parse_udi(text)
        except UdiError:
            return None
        if not self.is_gs1_nomenclature and udi.issuer == "GS1" and not udi.di:
            return None
        return udi

    def _med_fnc1_text(self, barcode):
        """``barcode`` with the nomenclature's FNC1 substitute (``gs1_separator_fnc1``, a
        scanner configured to send another character for GS) read as FNC1, for a GS1
        element string; any other code as it is."""
        self.ensure_one()
        if (
            self.is_gs1_nomenclature
            and self.gs1_separator_fnc1
            and (barcode[:1].isdigit() or barcode.startswith(("]", FNC1_CHAR)))
        ):
            try:
                return re.sub(self.gs1_separator_fnc1, FNC1_CHAR, barcode)
            except re.error:  # reported by the nomenclature's constraint: read the scan as is
                return barcode
        return barcode

    def _med_udi_results(self, udi):
        """GS1-style results of a medtrace result: one dict per data element."""
        self.ensure_one()
        if udi.issuer == "HIBCC":
            elements = [
                (ai, rule_type, getattr(udi, attribute))
                for ai, rule_type, attribute in HIBCC_ELEMENTS
                if getattr(udi, attribute) not in (None, "")
            ]
        else:
            elements = [
                (ai, None, value) for ai, value in udi.elements.items() if value not in (None, "")
            ]
        rules = self.rule_ids.filtered(lambda rule: rule.encoding == "gs1-128")
        return [
            self._med_udi_result(udi, rules, ai, rule_type, value)
            for ai, rule_type, value in elements
        ]

    def _med_udi_result(self, udi, rules, ai, rule_type, value):
        """Result dict of one element: the matching GS1 rule's reading, then UDI typing."""
        typed = None
        string_value = value
        if isinstance(value, datetime.date):
            typed, string_value = value, value.strftime("%y%m%d")
        elif isinstance(value, int):
            typed, string_value = value, str(value)
        result = None
        rule = self.env["barcode.rule"]
        for candidate in rules:
            match = re.fullmatch(candidate.pattern, ai + string_value)
            if match and len(match.groups()) >= 2 and match.group(1) == ai:
                rule = candidate
                try:
                    result = self.parse_gs1_rule_pattern(match, rule)
                except ValidationError:
                    result = None
                break
        if result is None:
            result = {"rule": rule, "ai": ai, "string_value": string_value, "value": string_value}
        udi_type, attribute = UDI_ELEMENTS.get(ai, (None, None))
        if rule_type is None:
            rule_type = udi_type or (rule.type if rule else "error")
            if attribute:
                typed = getattr(udi, attribute)
        if typed is not None:
            result["value"] = typed
        result.update(
            type=rule_type,
            code=string_value,
            base_code=string_value,
            encoding="hibcc" if udi.issuer == "HIBCC" else "gs1-128",
            issuer=udi.issuer,
        )
        return result

    # Web client ----------------------------------------------------------------------------

    @api.model
    def med_udi_parse_barcode(self, barcode, nomenclature_id=False):
        """Read a scan for the web client's barcode parser (JSON-friendly).

        ``nomenclature_id`` defaults to the current company's nomenclature.
        Returns ``{"nomenclature_id", "enabled", "results"}``: ``enabled`` says
        whether that nomenclature reads UDIs at all, ``results`` is the list of
        results (dates as ``YYYY-MM-DD``, each rule as a dict) or False when
        the scan is no UDI and the client's own rules apply.
        """
        if nomenclature_id:
            nomenclature = self.browse(nomenclature_id).exists()
        else:
            nomenclature = self.env.company.sudo().nomenclature_id.sudo(False)
        response = {
            "nomenclature_id": nomenclature.id,
            "enabled": bool(nomenclature.med_udi_enabled),
            "results": False,
        }
        if response["enabled"] and isinstance(barcode, str):
            udi = nomenclature._med_read_udi(barcode)
            if udi is not None:
                response["results"] = [
                    nomenclature._med_result_for_client(result)
                    for result in nomenclature._med_udi_results(udi)
                ]
        return response

    def _med_result_for_client(self, result):
        rule = result["rule"]
        rule_vals = {name: rule[name] for name in CLIENT_RULE_FIELDS} if rule else {}
        rule_vals.update(
            id=rule.id,
            type=result["type"],
            associated_uom_id=(
                [rule.associated_uom_id.id, rule.associated_uom_id.display_name]
                if rule.associated_uom_id
                else False
            ),
        )
        value = result["value"]
        is_date = isinstance(value, datetime.date)
        return {
            key: item
            for key, item in result.items()
            if isinstance(item, (str, int, float, bool)) or item is None
        } | {
            "rule": rule_vals,
            "value": value.isoformat() if is_date else value,
            "is_date": is_date,
        }
