"""Loading a UDI database download into med.udi.record, and looking a DI up in it.

Not collected by pytest. Run with the venv's python against a database where
med_device_stock is installed (everything it writes is rolled back):

    $PY tests/benchmarks/bench_udid.py -c ODOO_CONF -d DATABASE [--records 100000]
        [--lookups 2000] [--write docs/benchmarks.md]

It writes an NMPA UDI database full download of ``--records`` devices (each with a box
and a case level and a storage condition, about 1.3 KB of XML like the real ones) and a
GUDID delimited release of as many, then times: reading each file alone
(``medtrace.udid``), the import (read and load, as the wizard does), the same file
again (nothing changes), an incremental file in which a tenth of the devices changed,
and ``med.udi.record._med_find(di)`` on random DIs.
"""

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import odoo
from docs_section import write_section
from odoo import SUPERUSER_ID, api

from medtrace.udid import read

SECTION = "## UDI database records"
PREFIX = 6990000000000  # a GS1 prefix (699) none of the samples or tests use


def di(number):
    return f"{PREFIX + number:014d}"


def write_nmpa(path, count, changed_every=0):
    """An NMPA download of ``count`` devices; every ``changed_every``-th one changed."""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<udid><devices>\n')
        for number in range(count):
            primary = di(number)
            box, case = "1" + primary[1:], "2" + primary[1:]
            changed = changed_every and number % changed_every == 0
            version = 2 if changed else 1
            model = f"5ml 0.7×32TWLB-{number}" + (" 新" if changed else "")
            out.write(
                "<device>"
                f"<deviceRecordKey>{primary}20240101</deviceRecordKey>"
                f"<versionNumber>{version}</versionNumber><versionTime>2024-0{version}-01"
                "</versionTime><versionStauts>新增</versionStauts>"
                f"<zxxsdycpbs>{primary}</zxxsdycpbs><cpbsbmtxmc>GS1</cpbsbmtxmc>"
                "<cpbsfbrq>2024-01-01</cpbsfbrq><zxxsdyzsydydsl>1</zxxsdyzsydydsl>"
                "<sydycpbs></sydycpbs><sfyzcbayz>是</sfyzcbayz><btcpbs></btcpbs>"
                f"<cpmctymc>一次性使用无菌注射器 带针 {number}</cpmctymc><spmc>示例</spmc>"
                f"<ggxh>{model}</ggxh><sfwblztlcp>否</sfwblztlcp>"
                "<cpms>由外套、芯杆、活塞、注射针组成，供抽吸液体或在注入液体后注射用。</cpms>"
                f"<cphhhbh>REF-{number}</cphhhbh><yflbm>6815</yflbm><qxlb>器械</qxlb>"
                "<flbm>14-01-01</flbm><ylqxzcrbarmc>示例医疗器械有限公司</ylqxzcrbarmc>"
                "<ylqxzcrbarywmc>Example Medical Devices Co., Ltd.</ylqxzcrbarywmc>"
                "<tyshxydm>91110000000000001X</tyshxydm>"
                "<zczbhhzbapzbh>国械注准20243140004</zczbhhzbapzbh><cplb>耗材</cplb>"
                "<cgzmraqxgxx></cgzmraqxgxx><sfbjwycxsy>是</sfbjwycxsy><zdcfsycs></zdcfsycs>"
                "<sfwwjbz>是</sfwwjbz><syqsfxyjxmj>否</syqsfxyjxmj><mjfs>环氧乙烷</mjfs>"
                "<ybbm></ybbm><scbssfbhph>是</scbssfbhph><scbssfbhxlh>否</scbssfbhxlh>"
                "<scbssfbhscrq>是</scbssfbhscrq><scbssfbhsxrq>是</scbssfbhsxrq>"
                "<tscchcztj></tscchcztj><tsccsm></tsccsm><tsrq></tsrq>"
                f"<packingList><packing><bzcpbs>{box}</bzcpbs><cpbzjb>盒</cpbzjb>"
                f"<bznhxyjcpbssl>100</bznhxyjcpbssl><bznhxyjbzcpbs>{primary}</bznhxyjbzcpbs>"
                f"</packing><packing><bzcpbs>{case}</bzcpbs><cpbzjb>箱</cpbzjb>"
                f"<bznhxyjcpbssl>10</bznhxyjcpbssl><bznhxyjbzcpbs>{box}</bznhxyjbzcpbs>"
                "</packing></packingList>"
                "<storageList><storage><cchcztj>温度</cchcztj><zdz>-10</zdz><zgz>40</zgz>"
                "<jldw>℃</jldw></storage></storageList>"
                "</device>\n"
            )
        out.write("</devices></udid>\n")


def write_gudid(folder, count):
    folder.mkdir()
    with (folder / "device.txt").open("w", encoding="utf-8") as out:
        out.write(
            "PrimaryDI|publicDeviceRecordKey|publicVersionStatus|publicVersionNumber|"
            "publicVersionDate|brandName|versionModelNumber|catalogNumber|dunsNumber|"
            "companyName|deviceCount|deviceDescription|singleUse|deviceSterile\r\n"
        )
        for number in range(count):
            out.write(
                f"{di(number)}|key-{number}|New|1|2024-01-01|EXAMPLE {number}|M{number}|"
                f"C{number}|000000001|Example Inc.|1|Examination glove, nitrile, "
                "powder-free, medium|true|false\r\n"
            )
    with (folder / "identifiers.txt").open("w", encoding="utf-8") as out:
        out.write(
            "PrimaryDI|deviceId|deviceIdType|deviceIdIssuingAgency|containsDINumber|"
            "pkgQuantity|pkgDiscontinueDate|pkgStatus|pkgType\r\n"
        )
        for number in range(count):
            primary = di(number)
            out.write(
                f"{primary}|{primary}|Primary|GS1|||||\r\n"
                f"{primary}|1{primary[1:]}|Package|GS1|{primary}|100||In Commercial "
                "Distribution|Box\r\n"
            )


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--write", help="markdown file to record the results in")
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.config])
    odoo.modules.module.initialize_sys_path()
    # the addons are importable once the configuration named their path
    from odoo.addons.med_device_stock.models.med_udi_record import (
        _cyclic_gc_paused,
    )

    count = args.records

    with tempfile.TemporaryDirectory(prefix="bench-udid-") as folder:
        folder = Path(folder)
        full, update, gudid = folder / "full.xml", folder / "update.xml", folder / "gudid"
        write_nmpa(full, count)
        write_nmpa(update, count, changed_every=10)
        write_gudid(gudid, count)
        size_mb = full.stat().st_size / 1e6

        # as the import reads them: without the cyclic garbage collector
        with _cyclic_gc_paused():
            parse_nmpa, _ = timed(lambda: sum(1 for _ in read(full)))
            parse_gudid, _ = timed(lambda: sum(1 for _ in read(gudid)))

        registry = odoo.modules.registry.Registry(args.database)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Record = env["med.udi.record"]
            cr.execute("SELECT count(*) FROM med_udi_record")
            existing = cr.fetchone()[0]
            load, stats_full = timed(Record._med_load, read(full), "full.xml")
            cr.execute("ANALYZE med_udi_record")
            again, stats_again = timed(Record._med_load, read(full), "full.xml")
            incremental, stats_update = timed(Record._med_load, read(update), "update.xml")
            samples = [di(random.randrange(count)) for _ in range(args.lookups)]
            orm_times, sql_times = [], []
            for value in samples:
                Record.invalidate_model()
                seconds, found = timed(Record._med_find, value)
                assert found, value
                orm_times.append(seconds * 1000)
                seconds, _ = timed(
                    cr.execute, "SELECT id FROM med_udi_record WHERE di = %s", (value,)
                )
                sql_times.append(seconds * 1000)
            cr.execute("SELECT pg_total_relation_size('med_udi_record')")
            table_mb = cr.fetchone()[0] / 1e6
            cr.rollback()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def per_million(seconds):
        return seconds / count * 1_000_000 / 60

    def quantile(values, q):
        return sorted(values)[min(len(values) - 1, int(len(values) * q))]

    command = (
        "$PY tests/benchmarks/bench_udid.py -c <odoo.conf> -d <db> "
        f"--records {count} --lookups {args.lookups}"
        + (f" --write {args.write}" if args.write else "")
    )
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (run {time.strftime('%Y-%m-%d')}, Python "
        f"{sys.version.split()[0]}, 2 shared cores, PostgreSQL on the same machine; "
        f"{existing} records in the table before; everything rolled back).",
        "",
        f"{count:,} generated NMPA devices ({size_mb:.0f} MB of XML, a box and a case level "
        "and a storage condition each); batches of 2,000 rows, two statements each: a "
        "`SELECT` of their stored checksums, then one `INSERT ... ON CONFLICT (di, source) DO "
        "UPDATE ... WHERE checksum differs` of the new and changed ones.",
        "",
        "| step | seconds | records/s | 1,000,000 records (extrapolated) |",
        "|---|---:|---:|---:|",
        f"| read the NMPA XML only (`medtrace.udid`, no load) | {parse_nmpa:.1f} | "
        f"{count / parse_nmpa:,.0f} | {per_million(parse_nmpa):.1f} min |",
        f"| read the GUDID release only (device + identifiers) | {parse_gudid:.1f} | "
        f"{count / parse_gudid:,.0f} | {per_million(parse_gudid):.1f} min |",
        f"| import the full download (read + load, {stats_full['inserted']:,} new) | "
        f"{load:.1f} | {count / load:,.0f} | {per_million(load):.1f} min |",
        f"| import it again ({stats_again['unchanged']:,} unchanged, "
        f"{stats_again['updated']} rewritten) | {again:.1f} | {count / again:,.0f} | "
        f"{per_million(again):.1f} min |",
        f"| incremental file, a tenth changed ({stats_update['updated']:,} rewritten) | "
        f"{incremental:.1f} | {count / incremental:,.0f} | {per_million(incremental):.1f} min |",
        "",
        f"| DI lookup ({args.lookups:,} random DIs among {count + existing:,}) | median ms | "
        "p95 ms | max ms |",
        "|---|---:|---:|---:|",
        f"| `med.udi.record._med_find(di)` (ORM search, cache emptied) | "
        f"{statistics.median(orm_times):.2f} | {quantile(orm_times, 0.95):.2f} | "
        f"{max(orm_times):.2f} |",
        f"| `SELECT id ... WHERE di = %s` | {statistics.median(sql_times):.2f} | "
        f"{quantile(sql_times, 0.95):.2f} | {max(sql_times):.2f} |",
        "",
        f"Table with its indexes: {table_mb:.0f} MB for {count:,} records. Peak memory of the "
        f"process: {peak_mb:.0f} MB (the readers stream; the load holds one batch).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(Path(args.write), SECTION, text)


if __name__ == "__main__":
    main()
