# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The web client's barcode parser and service deliver UDIs as the server reads them.

Runs the patched BarcodeParser in a real browser (Chromium, Debian package
``chromium``): the test is skipped by Odoo when no Chrome/Chromium is found.
"""

import json

from odoo.tests import HttpCase, new_test_user, tagged

from medtrace.udi import gs1_element_string, hibcc_string

UDI = gs1_element_string("09506000134352", lot="LOT1", serial="SN42", expiry="2027-05-31")
HIBCC = hibcc_string("A123", "PROD45", "1", lot="LOT9", serial="S77", expiry="2027-03-01")

JS_TEST = """
(async function () {
    const UDI = %(udi)s, HIBCC = %(hibcc)s, NOMENCLATURE_ID = %(nomenclature_id)s;
    const fail = (message) => console.error("UDI barcode parser: " + message);
    const byType = (results) => Object.fromEntries(results.map((r) => [r.type, r.value]));
    try {
        const { BarcodeParser } = odoo.loader.modules.get("@barcodes/js/barcode_parser");
        const env = odoo.__WOWL_DEBUG__.root.env;
        const orm = env.services.orm;
        const nomenclature = await BarcodeParser.fetchNomenclature(orm, NOMENCLATURE_ID);
        const parser = new BarcodeParser({ nomenclature });

        // a string parsed by code: the server reads it, serial apart from lot
        const gs1 = byType(await parser.parseBarcodeAsync(UDI));
        if (gs1.lot !== "LOT1" || gs1.serial !== "SN42" || gs1.product !== "09506000134352") {
            return fail("GS1 read as " + JSON.stringify(gs1));
        }
        const expiry = gs1.expiration_date;
        if (!(expiry instanceof Date) || expiry.getFullYear() !== 2027 || expiry.getMonth() !== 4
                || expiry.getDate() !== 31) {
            return fail("expiry read as " + expiry);
        }
        // the same scan again is answered from the cache, synchronously
        if (byType(parser.parse_barcode(UDI)).serial !== "SN42") {
            return fail("cached reading lost");
        }

        // scans typed by a keyboard-wedge scanner, announced by the barcode service: a UDI
        // is read by the server before any listener (bus or DOM event) gets it, a plain
        // code typed right after it does not overtake it, and the reading is asked with
        // the active companies
        const { rpcBus } = odoo.loader.modules.get("@web/core/network/rpc");
        let readingContext = null;
        const onRequest = (ev) => {
            const params = ev.detail.data.params || {};
            if (params.method === "med_udi_parse_barcode") {
                readingContext = params.kwargs.context || {};
            }
        };
        rpcBus.addEventListener("RPC:REQUEST", onRequest);
        const bus = env.services.barcode.bus;
        const busHeard = [];
        const domHeard = [];
        const target = document.createElement("div");
        target.setAttribute("barcode_events", "true");
        document.body.appendChild(target);
        const read = (barcode) => {
            try {
                return byType(parser.parse_barcode(barcode));
            } catch {
                return null;  // a code the GS1 rules do not read (the EAN-8 below)
            }
        };
        const onBus = (ev) => busHeard.push([ev.detail.barcode, read(ev.detail.barcode)]);
        bus.addEventListener("barcode_scanned", onBus);
        target.addEventListener("barcode_scanned", (ev) => domHeard.push(
            [ev.detail.barcode, read(ev.detail.barcode)]));
        const type = (text) => {
            for (const key of [...text, "Enter"]) {
                target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
            }
        };
        type(HIBCC);
        type("12345670");
        for (let i = 0; i < 100 && domHeard.length < 2; i++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        bus.removeEventListener("barcode_scanned", onBus);
        rpcBus.removeEventListener("RPC:REQUEST", onRequest);
        for (const [where, heard] of [["bus", busHeard], ["DOM", domHeard]]) {
            if (heard.map(([code]) => code).join(" ") !== HIBCC + " 12345670") {
                return fail(where + " heard " + JSON.stringify(heard.map(([code]) => code)));
            }
            const hibcc = heard[0][1];
            if (hibcc.product !== "A123PROD451" || hibcc.lot !== "LOT9" || hibcc.serial !== "S77") {
                return fail("HIBCC read on the " + where + " as " + JSON.stringify(hibcc));
            }
        }
        const companies = readingContext && readingContext.allowed_company_ids;
        if (!companies || !companies.includes(env.services.company.currentCompany.id)) {
            return fail("the reading was asked without the active companies: "
                        + JSON.stringify(readingContext));
        }

        // not a UDI: the client's own GS1 rules, no server reading
        const plain = parser.parse_barcode("0109506000134352");
        if (plain.length !== 1 || plain[0].type !== "product" || plain[0].is_date !== undefined) {
            return fail("plain GTIN read as " + JSON.stringify(plain));
        }
        console.log("test successful");
    } catch (error) {
        fail(error.message + "\\n" + error.stack);
    }
})();
"""


@tagged("post_install", "-at_install")
class TestBarcodeWebClient(HttpCase):
    def test_web_client_parser_reads_udis_through_the_server(self):
        nomenclature = self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")
        self.env.company.nomenclature_id = nomenclature
        new_test_user(
            self.env,
            login="med_scanner",
            password="med_scanner",
            groups="med_device_stock.group_med_storekeeper",
        )
        code = JS_TEST % {
            "udi": json.dumps(UDI),
            "hibcc": json.dumps(HIBCC),
            "nomenclature_id": nomenclature.id,
        }
        self.browser_js("/odoo", code, "odoo.isReady === true", login="med_scanner", timeout=120)
