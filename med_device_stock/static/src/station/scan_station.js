/** @odoo-module **/
/**
 * The scan station: a full-screen client action where a storekeeper or a nurse
 * scans device units one after another (keyboard-wedge scanner, the device's camera
 * or the keyboard), for one operation at a time, online or offline.
 *
 * Every scan goes through the server's scan service (med.device.scan.station_scan,
 * then scan and its _check_scan); the station only asks, before the first scan, what
 * the operation needs (station_setup says which operations the user may do and what
 * each asks), keeps it for the next scans, and shows each answer.  Scans are kept in
 * the browser first (ScanQueue, IndexedDB) and sent in order with their idempotency
 * key, so none is lost or recorded twice.
 */

import {
    Component,
    onMounted,
    onPatched,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { user } from "@web/core/user";
import { session } from "@web/session";
import { ConnectionLostError, RPCError } from "@web/core/network/rpc";
import { scanBarcode } from "@web/core/barcode/barcode_dialog";
import { isBarcodeScannerSupported } from "@web/core/barcode/barcode_video_scanner";
import { ScanOffline, ScanQueue } from "./scan_queue";

/**
 * A scanner types a code's characters at most this many ms apart, by the keys' own time
 * stamps (people are slower; Odoo's barcode service allows 150 ms between keys).
 */
const SCANNER_KEY_MS = 50;
/** The shortest scanner burst taken out of a text field (a UDI is longer). */
const SCANNER_MIN_LENGTH = 8;

/** How often the station tries again to reach the server while scans wait (ms). */
export const RETRY_MS = 4000;
const ERROR_SOUND = "/barcodes/static/src/audio/error.mp3";

/** The station's state without the component: what a mode needs, what a scan says. */
export class StationModel {
    constructor(setup, stored = {}) {
        this.setup = setup;
        this.operations = setup.operations;
        const names = this.operations.map((op) => op.name);
        this.operation = names.includes(stored.operation) ? stored.operation : names[0] || null;
        this.values = {};
        for (const op of this.operations) {
            const kept = (stored.values || {})[op.name] || {};
            this.values[op.name] = {};
            for (const field of op.fields) {
                let value = kept[field.name];
                if (value === undefined && field.name in (setup.defaults || {})) {
                    value = setup.defaults[field.name];
                }
                if (field.type === "many2one") {
                    const ids = this.options(field).map(([id]) => id);
                    value = ids.includes(value) ? value : ids.length === 1 && field.required
                        ? ids[0] : false;
                }
                this.values[op.name][field.name] = value || (field.type === "many2one" ? false : "");
            }
        }
    }

    get current() {
        return this.operations.find((op) => op.name === this.operation) || null;
    }

    options(field) {
        return (this.setup.options || {})[field.options] || [];
    }

    /** The values sent with a scan of the current mode (empty ones left out). */
    scanValues() {
        const values = {};
        for (const [name, value] of Object.entries(this.values[this.operation] || {})) {
            if (value) {
                values[name] = value;
            }
        }
        return values;
    }

    /** Labels of the required fields of the current mode still empty. */
    missing() {
        const values = this.values[this.operation] || {};
        return (this.current ? this.current.fields : [])
            .filter((f) => f.required && !values[f.name])
            .map((f) => f.label);
    }

    /**
     * A scanned code naming a choice of the current mode (a purchase order or count
     * scanned from its paper): [field, id], else null.
     */
    choiceOf(code) {
        const text = code.trim().toLowerCase();
        for (const field of this.current ? this.current.fields : []) {
            if (field.type !== "many2one") {
                continue;
            }
            const found = this.options(field).find(([, name]) => name.toLowerCase() === text);
            if (found) {
                return [field, found[0]];
            }
        }
        return null;
    }

    stored() {
        return { operation: this.operation, values: this.values };
    }
}

function playError() {
    try {
        const audio = new Audio(ERROR_SOUND);
        audio.play().catch(() => {});
    } catch {
        // no sound: the screen says it
    }
}

function playSuccess() {
    try {
        const context = new (window.AudioContext || window.webkitAudioContext)();
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.frequency.value = 1480;
        gain.gain.value = 0.08;
        oscillator.connect(gain).connect(context.destination);
        oscillator.start();
        oscillator.stop(context.currentTime + 0.09);
        oscillator.onended = () => context.close();
    } catch {
        // no sound: the screen says it
    }
}

export class ScanStation extends Component {
    static template = "med_device_stock.ScanStation";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.barcode = useService("barcode");
        this.notification = useService("notification");
        this.manualRef = useRef("manual");
        this.feedbackRef = useRef("feedback");
        // on a phone the mode's fields fill the screen: bring each answer into view
        onPatched(() => {
            if (this.answerToShow && this.feedbackRef.el) {
                this.answerToShow = false;
                this.feedbackRef.el.scrollIntoView({ block: "nearest" });
            }
        });
        this.storageKey = `med_scan_station:${session.db}:${user.userId}`;
        this.cameraSupported = isBarcodeScannerSupported();
        this.state = useState({
            loading: true,
            model: null,
            entries: [],
            online: true,
            last: null,
            manual: "",
            notice: "",
            undoing: false,
            creating: false,
        });
        this.queue = new ScanQueue(this.storageKey, { send: (entry) => this.send(entry) });
        useBus(this.barcode.bus, "barcode_scanned", (ev) => this.onScan(ev.detail.barcode));
        onWillStart(async () => {
            await this.queue.open();
            this.state.model = new StationModel(await this.loadSetup(), this.readStored());
            this.refresh();
            this.state.loading = false;
        });
        onMounted(() => {
            this.onOnline = () => this.flush();
            window.addEventListener("online", this.onOnline);
            this.retryTimer = setInterval(() => {
                if (this.queue.pending.length) {
                    this.flush();
                }
            }, RETRY_MS);
            this.flush();
        });
        onWillUnmount(() => {
            window.removeEventListener("online", this.onOnline);
            clearInterval(this.retryTimer);
            this.queue.close();
        });
    }

    // ------------------------------------------------------------------ setup
    async loadSetup() {
        try {
            const setup = await this.orm.silent.call("med.device.scan", "station_setup", []);
            localStorage.setItem(`${this.storageKey}:setup`, JSON.stringify(setup));
            return setup;
        } catch (error) {
            const cached = localStorage.getItem(`${this.storageKey}:setup`);
            if (error instanceof ConnectionLostError && cached) {
                this.state.online = false;
                return JSON.parse(cached);
            }
            throw error;
        }
    }

    readStored() {
        try {
            return JSON.parse(localStorage.getItem(`${this.storageKey}:mode`) || "{}");
        } catch {
            return {};
        }
    }

    saveStored() {
        localStorage.setItem(`${this.storageKey}:mode`, JSON.stringify(this.state.model.stored()));
    }

    // ------------------------------------------------------------------ the mode
    get model() {
        return this.state.model;
    }

    selectOperation(name) {
        this.model.operation = name;
        this.state.notice = "";
        this.saveStored();
        this.releaseFocus();
    }

    setValue(field, value) {
        if (field.type === "many2one") {
            value = parseInt(value) || false;
        }
        this.model.values[this.model.operation][field.name] = value;
        this.saveStored();
    }

    optionName(field, id) {
        const found = this.model.options(field).find(([optionId]) => optionId === id);
        return found ? found[1] : "";
    }

    /**
     * Leave the focus outside text fields, so a keyboard-wedge scanner's keys reach
     * Odoo's barcode service (which reads GS, symbology identifiers and Enter) instead
     * of being typed into a field.
     */
    releaseFocus() {
        const active = document.activeElement;
        if (active && active !== document.body && active.closest(".o_med_station")) {
            active.blur();
        }
    }

    /**
     * Keys typed in a field of the mode.  Enter confirms the field and gives the scanner
     * back its keys.  A scanner's burst typed into the field (the user scanned without
     * leaving it: at least SCANNER_MIN_LENGTH characters, each within SCANNER_KEY_MS of
     * the previous one, then Enter) is not the field's text: it is taken out of the
     * field and scanned.
     */
    onFieldKeydown(ev) {
        const input = ev.target;
        const now = ev.timeStamp;
        const burst = this.fieldBurst;
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.fieldBurst = null;
            let code = "";
            if (burst && burst.input === input && now - burst.last <= SCANNER_KEY_MS) {
                code = input.value.slice(burst.start);
            }
            if (code.length >= SCANNER_MIN_LENGTH) {
                input.value = input.value.slice(0, burst.start);
            } else {
                code = "";
            }
            input.dispatchEvent(new Event("change"));
            input.blur();
            if (code) {
                this.onScan(code);
            }
            return;
        }
        if (ev.key.length !== 1) {
            return;
        }
        if (!burst || burst.input !== input || now - burst.last > SCANNER_KEY_MS) {
            const start = input.selectionStart ?? input.value.length;
            this.fieldBurst = { input, start, last: now };
        } else {
            burst.last = now;
        }
    }

    /**
     * A choice keeps the focus after it is made: a scanner's characters would then pick
     * another option by the select's type-ahead (a serial starting with "O" choosing
     * Orthopedics).  Characters typed on a select are not applied to it (arrows still
     * move between options); Odoo's barcode service still reads them as a scan.
     */
    onSelectKeydown(ev) {
        if (ev.key && ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
            ev.preventDefault();
        }
    }

    // ------------------------------------------------------------------ scanning
    onManualKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            const code = this.state.manual;
            this.state.manual = "";
            this.onScan(code);
        }
    }

    async scanWithCamera() {
        let code;
        try {
            code = await scanBarcode(this.env);
        } catch (error) {
            this.notification.add(error.message || String(error), { type: "danger" });
            return;
        }
        if (code) {
            this.onScan(code);
        }
    }

    /** A code scanned or typed: a choice of the mode (an order's name) or a unit's UDI. */
    async onScan(code) {
        if (!code || !code.trim() || this.state.loading) {
            return;
        }
        const model = this.model;
        const choice = model.choiceOf(code);
        if (choice) {
            const [field, id] = choice;
            this.setValue(field, id);
            this.state.notice = _t("%(field)s: %(value)s", {
                field: field.label,
                value: this.optionName(field, id),
            });
            playSuccess();
            return;
        }
        const missing = model.missing();
        if (missing.length) {
            this.state.notice = _t("Fill in %(fields)s before scanning.", {
                fields: missing.join(", "),
            });
            playError();
            return;
        }
        this.state.notice = "";
        await this.queue.add(code, model.operation, model.scanValues());
        this.refresh();
        this.flush();
    }

    async send(entry) {
        try {
            return await this.orm.silent.call(
                "med.device.scan",
                "station_scan",
                [entry.raw, entry.operation, entry.values],
                { key: entry.key, scanned_at: entry.scanned_at }
            );
        } catch (error) {
            if (error instanceof ConnectionLostError) {
                throw new ScanOffline(error.message);
            }
            if (error instanceof RPCError) {
                return { ok: false, message: (error.data && error.data.message) || error.message };
            }
            throw error;
        }
    }

    async flush() {
        await this.queue.flush((entry) => {
            this.state.last = entry;
            this.answerToShow = true;
            if (entry.result.ok) {
                playSuccess();
            } else {
                playError();
            }
            this.refresh();
        });
        this.refresh();
    }

    refresh() {
        this.state.online = this.queue.online;
        this.state.entries = [...this.queue.entries].reverse();
    }

    // ------------------------------------------------------------------ the list
    operationLabel(name) {
        const op = this.model.operations.find((o) => o.name === name);
        return op ? op.label : name;
    }

    get pendingCount() {
        return this.queue.pending.length;
    }

    get toResolve() {
        return this.queue.toResolve;
    }

    get lastAnswered() {
        return this.state.entries.find((e) => e.status !== "pending") || null;
    }

    canUndo(entry) {
        return (
            entry === this.lastAnswered &&
            entry.status === "done" &&
            entry.result.undo &&
            !entry.undone
        );
    }

    async undo(entry) {
        if (this.state.undoing) {
            return;
        }
        this.state.undoing = true;
        try {
            const answer = await this.orm.call("med.device.scan", "station_undo", [entry.key]);
            if (answer.ok) {
                await this.queue.update(entry, { undone: answer.document || true });
                playSuccess();
            } else {
                playError();
            }
            this.state.notice = answer.message;
        } finally {
            this.state.undoing = false;
            this.refresh();
        }
    }

    /**
     * A device manager's scan refused because no product has the DI, which the UDI
     * database knows: create the product from the record, then scan the unit again in
     * the mode it was scanned in.
     */
    async createProduct(entry) {
        if (this.state.creating) {
            return;
        }
        this.state.creating = true;
        try {
            const answer = await this.orm.call("med.device.scan", "station_create_product", [
                entry.result.udi_record.id,
            ]);
            this.state.notice = answer.message;
            if (!answer.ok) {
                playError();
                return;
            }
            await this.queue.update(entry, {
                resolved: true,
                result: { ...entry.result, udi_record: false },
            });
            await this.queue.add(entry.raw, entry.operation, entry.values);
            this.refresh();
            this.flush();
        } finally {
            this.state.creating = false;
        }
    }

    async dismiss(entry) {
        await this.queue.resolve(entry);
        this.refresh();
    }

    openDocument(entry) {
        const { res_model, res_id } = entry.result || {};
        if (res_model && res_id) {
            this.action.doAction({
                type: "ir.actions.act_window",
                res_model,
                res_id,
                views: [[false, "form"]],
                target: "current",
            });
        }
    }

    printLabel(entry) {
        const lotId = entry.result && entry.result.lot_id;
        if (lotId) {
            this.action.doAction("med_device_stock.stock_lot_label_report", {
                additionalContext: { active_ids: [lotId], active_id: lotId, active_model: "stock.lot" },
                props: { resIds: [lotId] },
            });
        }
    }

    zplUrl(entry) {
        const lotId = entry.result && entry.result.lot_id;
        return lotId ? `/med_device_stock/label/${lotId}.zpl` : "";
    }

    async printZpl(entry) {
        const lotId = entry.result && entry.result.lot_id;
        if (lotId) {
            await this.orm.call("stock.lot", "action_med_print_zpl", [[lotId]]);
            this.notification.add(_t("Label sent to the label printer."), { type: "success" });
        }
    }

    exit() {
        window.location.href = "/odoo";
    }
}

registry.category("actions").add("med_scan_station", ScanStation);
