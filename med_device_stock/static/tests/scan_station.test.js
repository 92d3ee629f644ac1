/** @odoo-module **/
/**
 * The scan station's state without a server: the offline queue (IndexedDB, order,
 * retries, refusals to resolve) and what a mode needs before the first scan.
 * Run by tests/test_scan_station_hoot.py (/web/tests, filtered on this suite).
 */

import { describe, expect, test } from "@odoo/hoot";
import { ScanOffline, ScanQueue } from "@med_device_stock/station/scan_queue";
import { StationModel } from "@med_device_stock/station/scan_station";

describe.current.tags("headless");

let dbCount = 0;
function queueName() {
    return `med_station_hoot_${Date.now()}_${++dbCount}`;
}

describe("med_device_stock scan station queue", () => {
    test("scans are stored before they are sent and survive a reload", async () => {
        const name = queueName();
        const queue = await new ScanQueue(name, {
            send: async () => {
                throw new ScanOffline("down");
            },
        }).open();
        await queue.add("UDI-1", "issue", { department_id: 3 });
        await queue.add("UDI-2", "issue", { department_id: 3 });
        await queue.flush();
        expect(queue.online).toBe(false);
        queue.close();
        const reloaded = await new ScanQueue(name).open();
        expect(reloaded.pending.map((e) => e.raw)).toEqual(["UDI-1", "UDI-2"]);
        expect(reloaded.pending[0].values).toEqual({ department_id: 3 });
        expect(reloaded.pending[0].key).not.toBe(reloaded.pending[1].key);
        expect(reloaded.pending.every((e) => e.scanned_at && e.queued)).toBe(true);
        reloaded.close();
    });

    test("pending scans are sent one at a time, in the order scanned", async () => {
        const sent = [];
        let inFlight = 0;
        const queue = await new ScanQueue(queueName(), {
            send: async (entry) => {
                inFlight++;
                expect(inFlight).toBe(1);
                await new Promise((resolve) => setTimeout(resolve, 5));
                sent.push(entry.raw);
                inFlight--;
                return { ok: true, message: `${entry.raw} recorded` };
            },
        }).open();
        for (const raw of ["A", "B", "C", "D"]) {
            await queue.add(raw, "receipt", {});
            queue.flush();
        }
        await queue.flush();
        await queue.flushing;
        expect(sent).toEqual(["A", "B", "C", "D"]);
        expect(queue.pending).toEqual([]);
        queue.close();
    });

    test("after the network is back, a refusal of a queued scan waits to be resolved", async () => {
        let online = false;
        const queue = await new ScanQueue(queueName(), {
            send: async (entry) => {
                if (!online) {
                    throw new ScanOffline("down");
                }
                return entry.raw === "MOVED"
                    ? { ok: false, message: "the unit is issued" }
                    : { ok: true, message: "ok", duplicate: entry.raw === "LOST" };
            },
        }).open();
        await queue.add("LOST", "issue", {});
        await queue.flush();
        await queue.add("MOVED", "issue", {});
        await queue.add("FINE", "issue", {});
        await queue.flush();
        expect(queue.pending.length).toBe(3);
        online = true;
        const answered = [];
        await queue.flush((entry) => answered.push([entry.raw, entry.status]));
        expect(answered).toEqual([["LOST", "done"], ["MOVED", "refused"], ["FINE", "done"]]);
        expect(queue.toResolve.map((e) => e.raw)).toEqual(["MOVED"]);
        await queue.resolve(queue.toResolve[0]);
        expect(queue.toResolve).toEqual([]);
        queue.close();
    });

    test("a scan sent while online and refused is not listed to resolve", async () => {
        const queue = await new ScanQueue(queueName(), {
            send: async () => ({ ok: false, message: "expired" }),
        }).open();
        await queue.add("X", "issue", {});
        await queue.flush();
        expect(queue.entries[0].status).toBe("refused");
        expect(queue.toResolve).toEqual([]);
        queue.close();
    });
});

describe("med_device_stock scan station modes", () => {
    const setup = {
        operations: [
            {
                name: "use",
                label: "Use on patient",
                fields: [
                    { name: "department_id", label: "Department", type: "many2one",
                      options: "departments", required: true },
                    { name: "patient_identifier", label: "Patient identifier", type: "char",
                      required: true },
                    { name: "surgery_ref", label: "Surgery", type: "char" },
                ],
            },
            {
                name: "receipt",
                label: "Receive",
                fields: [{ name: "purchase_id", label: "Purchase order", type: "many2one",
                           options: "purchase_orders", required: true }],
            },
        ],
        options: { departments: [[7, "Cardiology"]], purchase_orders: [[4, "P00004"], [5, "P00005"]] },
        defaults: { department_id: false },
    };

    test("a mode asks for its required values before the first scan", () => {
        const model = new StationModel(setup);
        expect(model.operation).toBe("use");
        // the only department offered is chosen
        expect(model.values.use.department_id).toBe(7);
        expect(model.missing()).toEqual(["Patient identifier"]);
        model.values.use.patient_identifier = "MRN-1";
        expect(model.missing()).toEqual([]);
        expect(model.scanValues()).toEqual({ department_id: 7, patient_identifier: "MRN-1" });
    });

    test("the values of each mode are kept for the next scans and after a reload", () => {
        const model = new StationModel(setup);
        model.values.use.patient_identifier = "MRN-2";
        model.operation = "receipt";
        model.values.receipt.purchase_id = 5;
        const again = new StationModel(setup, JSON.parse(JSON.stringify(model.stored())));
        expect(again.operation).toBe("receipt");
        expect(again.values.receipt.purchase_id).toBe(5);
        expect(again.values.use.patient_identifier).toBe("MRN-2");
    });

    test("a scanned order name chooses the order; a stale choice is dropped", () => {
        const model = new StationModel(setup, { operation: "receipt", values: { receipt: { purchase_id: 99 } } });
        expect(model.values.receipt.purchase_id).toBe(false);
        const [field, id] = model.choiceOf(" p00005 ");
        expect([field.name, id]).toEqual(["purchase_id", 5]);
        expect(model.choiceOf("0106950000001016")).toBe(null);
    });
});
