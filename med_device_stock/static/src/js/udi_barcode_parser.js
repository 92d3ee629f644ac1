/** @odoo-module **/
/**
 * Medical device UDIs in the web client's barcode parser.
 *
 * The server reads UDIs (GS1 and HIBCC) with medtrace, the one implementation:
 * `barcode.nomenclature.med_udi_parse_barcode` returns GS1-style results where
 * the serial number (type "serial") is kept apart from the lot. The readings
 * are cached here so that BarcodeParser.parse_barcode, which is synchronous
 * for its callers (Odoo's Barcode app...), returns them at once: the barcode
 * service fetches the reading of a scan before announcing it (see
 * udi_barcode_service.js), and parseBarcodeAsync does the same for code that
 * parses a string itself.
 */

import { patch } from "@web/core/utils/patch";
import { rpc } from "@web/core/network/rpc";
import { user } from "@web/core/user";
import { BarcodeParser } from "@barcodes/js/barcode_parser";
import { FNC1_CHAR } from "@barcodes_gs1_nomenclature/js/barcode_parser";

const MAX_READINGS = 500;

/** Server readings by nomenclature and scan: list of results, or false (not a UDI). */
export const udiReadings = new Map();
/** Whether the current company's nomenclature reads UDIs (undefined until the server said). */
export const udiCompany = { enabled: undefined, nomenclatureId: undefined };

function readingKey(nomenclatureId, barcode) {
    return `${nomenclatureId}\u0000${barcode}`;
}

/**
 * Whether a scan may be a UDI worth asking the server about: HIBCC (+...),
 * GS1 with symbology identifier, FNC1, human-readable text or Digital Link,
 * or a GS1 element string. Plain product codes (EAN-8/UPC-A/EAN-13/GTIN-14)
 * and other barcodes stay with the client's rules.
 *
 * @param {string} barcode
 * @returns {boolean}
 */
export function looksLikeUdi(barcode) {
    if (typeof barcode !== "string" || barcode.length < 3) {
        return false;
    }
    if (/^\*?\+[A-Z$]/.test(barcode) || barcode.startsWith("]") || barcode.startsWith(FNC1_CHAR)) {
        return true;
    }
    if (/^\(\d{2,4}\)/.test(barcode) || /^https?:\/\/.+\/01\/\d{14}/i.test(barcode)) {
        return true;
    }
    return /^\d{2}/.test(barcode) && !/^(\d{8}|\d{12,14})$/.test(barcode);
}

/**
 * Ask the server to read a scan and cache the reading.
 *
 * @param {string} barcode
 * @param {number|false} nomenclatureId false: the current company's nomenclature
 * @returns {Promise<Object>} {nomenclature_id, enabled, results}
 */
export async function fetchUdiReading(barcode, nomenclatureId = false) {
    const response = await rpc("/web/dataset/call_kw/barcode.nomenclature/med_udi_parse_barcode", {
        model: "barcode.nomenclature",
        method: "med_udi_parse_barcode",
        args: [barcode],
        // the active companies, as every call of the web client sends them
        kwargs: { nomenclature_id: nomenclatureId, context: user.context },
    });
    if (!nomenclatureId) {
        udiCompany.enabled = response.enabled;
        udiCompany.nomenclatureId = response.nomenclature_id;
    }
    if (response.enabled) {
        if (udiReadings.size >= MAX_READINGS) {
            udiReadings.delete(udiReadings.keys().next().value);
        }
        udiReadings.set(readingKey(response.nomenclature_id, barcode), response.results);
    }
    return response;
}

/**
 * Whether the server's reading of a scan is cached.
 *
 * @param {string} barcode
 * @param {number} [nomenclatureId] default: the current company's nomenclature
 * @returns {boolean}
 */
export function hasUdiReading(barcode, nomenclatureId = udiCompany.nomenclatureId) {
    return nomenclatureId !== undefined && udiReadings.has(readingKey(nomenclatureId, barcode));
}

/** A cached server result as the GS1 parser returns it (dates as Date objects). */
function toParserResult(result) {
    const parsed = { ...result, rule: { ...result.rule } };
    if (result.is_date) {
        const [year, month, day] = result.value.split("-").map(Number);
        parsed.value = new Date(year, month - 1, day);
    }
    return parsed;
}

patch(BarcodeParser, {
    barcodeNomenclatureFields: [...BarcodeParser.barcodeNomenclatureFields, "med_udi_enabled"],
});

patch(BarcodeParser.prototype, {
    /**
     * The server's reading of a UDI scan, when it was fetched.
     *
     * @param {string} barcode
     * @returns {Array|null} GS1-style results, null when not read as a UDI
     */
    getUdiReading(barcode) {
        if (!this.nomenclature || !this.nomenclature.med_udi_enabled) {
            return null;
        }
        const results = udiReadings.get(readingKey(this.nomenclature.id, barcode));
        return results ? results.map(toParserResult) : null;
    },

    /**
     * Parse a barcode, asking the server first when it may be a UDI.
     *
     * @param {string} barcode
     * @returns {Promise<Object|Array>} what parse_barcode returns
     */
    async parseBarcodeAsync(barcode) {
        const nomenclature = this.nomenclature;
        if (
            nomenclature &&
            nomenclature.med_udi_enabled &&
            looksLikeUdi(barcode) &&
            !hasUdiReading(barcode, nomenclature.id)
        ) {
            await fetchUdiReading(barcode, nomenclature.id);
        }
        return this.parse_barcode(barcode);
    },

    /** @override: a UDI read by the server, else the rules (core or GS1). */
    parseBarcodeNomenclature(barcode) {
        return this.getUdiReading(barcode) || super.parseBarcodeNomenclature(...arguments);
    },
});
