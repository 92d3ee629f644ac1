"""The EDI message types exchanged with consignors, and the fields of each.

A message is a header (message_id, consignor, date, order reference...) and lines
(product, lot, serial, expiry, quantity...). DB15/T 961-2016 §5.3.2 lists the
exchanges between a consignor (委托企业) and the pharmaceutical logistics warehouse
(被委托企业); a hospital holding consignment stock (寄售) exchanges the same ones.

*inbound* types come from the consignor, *outbound* types go to the consignor.

Each :class:`Field` knows its type, whether it is required, its maximum length, its
allowed values and the column names (Chinese aliases included) that a spreadsheet may
use for it. Field names are unique across the header and the lines of a message, so
the flat "one row per line, header fields repeated" CSV/XLSX layout is unambiguous.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .errors import EdiError

INBOUND = "inbound"
OUTBOUND = "outbound"
TYPES = ("str", "int", "decimal", "date", "month", "gtin", "di", "choice")


def normalize_column(name) -> str:
    """Column name as compared with aliases: half-width, lower case, no spaces or markers.

    ``" 有效期至* "``, ``"有效期至（必填）"`` and ``"Expiry_Date"`` compare as written
    without decoration.
    """
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    text = re.sub(r"\((必填|选填|可选|required|optional)\)$", "", text)
    text = text.strip("*＊ \t\r\n\ufeff")
    return re.sub(r"[\s_\-]+", "", text)


@dataclass(frozen=True)
class Field:
    """One field of a message header or line."""

    name: str
    type: str
    label: str
    label_zh: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None
    #: allowed values: (code, Chinese label) pairs; either is accepted on input.
    choices: tuple[tuple[str, str], ...] = ()
    minimum: Decimal | None = None
    minimum_exclusive: bool = False
    example: object = None
    help: str = ""

    @property
    def choice_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.choices)

    def choice_value(self, text: str) -> str | None:
        wanted = normalize_column(text)
        for code, label in self.choices:
            if wanted in (normalize_column(code), normalize_column(label)):
                return code
        return None

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column name accepted for this field (normalized)."""
        names = (self.name, self.label, self.label_zh, *self.aliases)
        return tuple(dict.fromkeys(normalize_column(n) for n in names))

    def describe_type(self) -> str:
        text = self.type
        if self.type == "str" and self.max_length:
            text = f"text ≤ {self.max_length}"
        elif self.type == "choice":
            text = "one of " + ", ".join(f"{c} ({z})" for c, z in self.choices)
        elif self.type == "date":
            text = "date YYYY-MM-DD"
        elif self.type == "month":
            text = "month YYYY-MM"
        if self.minimum is not None:
            text += " > 0" if self.minimum_exclusive else " ≥ 0"
        return text


def _f(name, type_, label, label_zh, aliases=(), **options) -> Field:
    return Field(name, type_, label, label_zh, tuple(aliases), **options)


_POSITIVE = {"minimum": Decimal(0), "minimum_exclusive": True}
_NON_NEGATIVE = {"minimum": Decimal(0), "minimum_exclusive": False}

#: Every field, by name; message types pick from here (and may override flags).
CATALOGUE = {
    f.name: f
    for f in (
        # header
        _f(
            "message_id",
            "str",
            "Message ID",
            "报文编号",
            ("消息编号", "报文号", "msg_id"),
            max_length=35,
            example="MSG-0001",
            help="Unique per consignor: a message is processed once.",
        ),
        _f(
            "consignor_code",
            "str",
            "Consignor code",
            "委托方编码",
            ("委托企业编码", "货主编码", "寄售商编码", "供应商编码", "consignor"),
            max_length=35,
            example="C0001",
        ),
        _f(
            "partner_code",
            "str",
            "Partner code",
            "受托方编码",
            ("被委托企业编码", "医院编码", "收货单位编码", "partner"),
            max_length=35,
            example="H0001",
            help="The hospital or logistics warehouse that holds the stock.",
        ),
        _f(
            "date",
            "date",
            "Document date",
            "单据日期",
            ("日期", "制单日期", "业务日期"),
            example=datetime.date(2025, 6, 1),
        ),
        _f(
            "order_ref",
            "str",
            "Order reference",
            "订单号",
            ("单号", "订单编号", "采购单号", "单据号"),
            max_length=35,
            example="PO-2025-0001",
        ),
        _f(
            "origin_ref",
            "str",
            "Origin reference",
            "原单号",
            ("原订单号", "原单据号"),
            max_length=35,
            example="SO-2025-0001",
        ),
        _f(
            "expected_date",
            "date",
            "Expected date",
            "要求到货日期",
            ("到货日期", "交货日期"),
            example=datetime.date(2025, 6, 5),
        ),
        _f(
            "shipment_date",
            "date",
            "Shipment date",
            "发货日期",
            ("出库日期",),
            example=datetime.date(2025, 6, 2),
        ),
        _f(
            "receipt_date",
            "date",
            "Receipt date",
            "收货日期",
            ("验收日期", "入库日期"),
            example=datetime.date(2025, 6, 2),
        ),
        _f(
            "customer_code",
            "str",
            "Customer code",
            "客户编码",
            ("购货单位编码", "收货方编码"),
            max_length=35,
            example="K0001",
        ),
        _f(
            "customer_name",
            "str",
            "Customer name",
            "客户名称",
            ("购货单位", "收货方"),
            max_length=120,
            example="第一人民医院",
        ),
        _f(
            "delivery_address",
            "str",
            "Delivery address",
            "收货地址",
            ("送货地址",),
            max_length=250,
            example="呼和浩特市新城区 1 号",
        ),
        _f(
            "warehouse_code",
            "str",
            "Warehouse code",
            "仓库编码",
            ("库房编码",),
            max_length=35,
            example="WH01",
        ),
        _f(
            "carrier",
            "str",
            "Carrier",
            "承运商",
            ("物流公司", "承运单位"),
            max_length=70,
            example="顺丰速运",
        ),
        _f(
            "tracking_no",
            "str",
            "Tracking number",
            "运单号",
            ("物流单号", "快递单号"),
            max_length=35,
            example="SF1234567890",
        ),
        _f(
            "status",
            "choice",
            "Status",
            "物流状态",
            ("状态",),
            choices=(
                ("accepted", "已接单"),
                ("picking", "拣货中"),
                ("shipped", "已发货"),
                ("in_transit", "运输中"),
                ("delivered", "已送达"),
                ("signed", "已签收"),
                ("exception", "异常"),
                ("cancelled", "已取消"),
            ),
            example="shipped",
        ),
        _f(
            "period", "month", "Period", "对账期间", ("期间", "对账月份", "月份"), example="2025-05"
        ),
        _f("currency", "str", "Currency", "币种", (), max_length=3, example="CNY"),
        _f(
            "reason",
            "str",
            "Reason",
            "原因",
            ("退货原因", "损溢原因"),
            max_length=250,
            example="包装破损",
        ),
        _f("note", "str", "Note", "备注", ("说明",), max_length=250, example=""),
        # lines
        _f(
            "line_no",
            "int",
            "Line",
            "行号",
            ("序号", "line"),
            minimum=Decimal(0),
            minimum_exclusive=True,
            example=1,
        ),
        _f(
            "product_code",
            "str",
            "Product code",
            "商品编码",
            ("产品编码", "物料编码", "货品编码", "药品编码", "品种编码", "商品代码"),
            max_length=40,
            example="P-1001",
        ),
        _f(
            "gtin",
            "gtin",
            "GTIN",
            "商品条码",
            ("条形码", "条码", "国际条码", "GTIN码"),
            example="06901234567892",
        ),
        _f(
            "di",
            "di",
            "UDI-DI",
            "产品标识",
            ("器械标识", "UDI", "DI", "最小销售单元产品标识"),
            max_length=50,
            example="",
        ),
        _f(
            "product_name",
            "str",
            "Product name",
            "商品名称",
            ("产品名称", "品名", "药品名称", "器械名称", "通用名称"),
            max_length=200,
            example="冠脉支架",
        ),
        _f(
            "specification",
            "str",
            "Specification",
            "规格型号",
            ("规格", "型号", "型号规格"),
            max_length=200,
            example="3.0x18mm",
        ),
        _f("uom", "str", "Unit", "单位", ("计量单位", "uom"), max_length=10, example="个"),
        _f(
            "lot",
            "str",
            "Lot",
            "批号",
            ("生产批号", "批次号", "批次", "lot_number", "batch"),
            max_length=40,
            example="L240501",
        ),
        _f(
            "serial",
            "str",
            "Serial number",
            "序列号",
            ("SN", "serial_number"),
            max_length=40,
            example="",
        ),
        _f(
            "expiry_date",
            "date",
            "Expiry date",
            "有效期至",
            ("有效期", "失效日期", "效期", "有效期至日期", "expiry"),
            example=datetime.date(2027, 4, 30),
        ),
        _f(
            "production_date",
            "date",
            "Production date",
            "生产日期",
            (),
            example=datetime.date(2024, 5, 1),
        ),
        _f(
            "quantity",
            "decimal",
            "Quantity",
            "数量",
            (
                "订货数量",
                "订购数量",
                "退货数量",
                "发货数量",
                "收货数量",
                "库存数量",
                "实收数量",
                "qty",
            ),
            example=Decimal(10),
            **_POSITIVE,
        ),
        _f(
            "unit_price",
            "decimal",
            "Unit price",
            "单价",
            ("含税单价", "价格"),
            example=Decimal("1280.00"),
            **_NON_NEGATIVE,
        ),
        _f(
            "amount",
            "decimal",
            "Amount",
            "金额",
            ("含税金额",),
            example=Decimal("3840.00"),
            **_NON_NEGATIVE,
        ),
        _f(
            "registration_no",
            "str",
            "Registration number",
            "注册证号",
            ("注册证编号", "注册证", "批准文号"),
            max_length=60,
            example="国械注准20233130001",
        ),
        _f(
            "manufacturer",
            "str",
            "Manufacturer",
            "生产企业",
            ("生产厂家", "厂家"),
            max_length=120,
            example="",
        ),
        _f(
            "location",
            "str",
            "Location",
            "货位",
            ("库位", "储位"),
            max_length=40,
            example="A-01-02",
        ),
        _f(
            "stock_status",
            "choice",
            "Stock status",
            "库存状态",
            ("质量状态",),
            choices=(
                ("available", "合格"),
                ("quarantine", "待验"),
                ("blocked", "冻结"),
                ("rejected", "不合格"),
            ),
            example="available",
        ),
        _f(
            "quantity_rejected",
            "decimal",
            "Rejected quantity",
            "拒收数量",
            (),
            example=Decimal(0),
            **_NON_NEGATIVE,
        ),
        _f("reject_reason", "str", "Reject reason", "拒收原因", (), max_length=250, example=""),
        _f(
            "our_quantity",
            "decimal",
            "Our quantity",
            "本方数量",
            ("仓库数量", "账面数量", "实存数量"),
            example=Decimal(10),
            **_NON_NEGATIVE,
        ),
        _f(
            "their_quantity",
            "decimal",
            "Consignor quantity",
            "委托方数量",
            ("对方数量",),
            example=Decimal(9),
            **_NON_NEGATIVE,
        ),
        _f(
            "difference",
            "decimal",
            "Difference",
            "差异数量",
            ("差异", "差异数"),
            example=Decimal(1),
        ),
        _f(
            "direction",
            "choice",
            "Gain or loss",
            "损溢类型",
            ("类型",),
            choices=(("gain", "报溢"), ("loss", "报损")),
            example="loss",
        ),
        _f(
            "line_reason",
            "str",
            "Line reason",
            "损溢原因说明",
            ("明细原因",),
            max_length=250,
            example="破损",
        ),
        _f(
            "usage_date",
            "date",
            "Usage date",
            "使用日期",
            ("手术日期",),
            example=datetime.date(2025, 5, 20),
        ),
        _f(
            "department",
            "str",
            "Department",
            "使用科室",
            ("科室",),
            max_length=70,
            example="心内科",
        ),
        _f(
            "patient_ref",
            "str",
            "Patient reference",
            "患者标识",
            ("住院号", "病历号"),
            max_length=40,
            example="ZY2025000123",
            help="A hospital reference (admission number), never the patient's name or ID number.",
        ),
        _f(
            "charge_ref",
            "str",
            "Charge reference",
            "收费单号",
            ("手术单号",),
            max_length=35,
            example="SF-2025-0520-01",
        ),
        _f(
            "event_date",
            "date",
            "Event date",
            "节点日期",
            ("事件日期",),
            example=datetime.date(2025, 6, 2),
        ),
        _f(
            "event_time",
            "str",
            "Event time",
            "节点时间",
            ("事件时间",),
            max_length=8,
            example="09:30",
            help="Local time HH:MM of the event.",
        ),
        _f(
            "event_status",
            "choice",
            "Event status",
            "节点状态",
            (),
            choices=(
                ("accepted", "已接单"),
                ("picking", "拣货中"),
                ("shipped", "已发货"),
                ("in_transit", "运输中"),
                ("delivered", "已送达"),
                ("signed", "已签收"),
                ("exception", "异常"),
                ("cancelled", "已取消"),
            ),
            example="shipped",
        ),
        _f("place", "str", "Place", "地点", ("所在地",), max_length=70, example="呼和浩特"),
        _f(
            "opening_quantity",
            "decimal",
            "Opening quantity",
            "期初数量",
            ("期初",),
            example=Decimal(10),
            **_NON_NEGATIVE,
        ),
        _f(
            "received_quantity",
            "decimal",
            "Received quantity",
            "本期入库",
            ("入库数量",),
            example=Decimal(5),
            **_NON_NEGATIVE,
        ),
        _f(
            "used_quantity",
            "decimal",
            "Used quantity",
            "本期使用",
            ("使用数量", "消耗数量"),
            example=Decimal(3),
            **_NON_NEGATIVE,
        ),
        _f(
            "returned_quantity",
            "decimal",
            "Returned quantity",
            "本期退货",
            ("退回数量",),
            example=Decimal(0),
            **_NON_NEGATIVE,
        ),
        _f(
            "closing_quantity",
            "decimal",
            "Closing quantity",
            "期末数量",
            ("期末", "结存数量"),
            example=Decimal(12),
            **_NON_NEGATIVE,
        ),
        _f(
            "shipped_quantity",
            "decimal",
            "Shipped quantity",
            "本期发货",
            ("销售出库数量",),
            example=Decimal(0),
            **_NON_NEGATIVE,
            help="Delivered to customers (a logistics consignor's sales orders).",
        ),
        _f(
            "gain_quantity",
            "decimal",
            "Gain quantity",
            "本期报溢",
            ("报溢数量", "盘盈数量"),
            example=Decimal(0),
            **_NON_NEGATIVE,
            help="Found in excess by inventory counts.",
        ),
        _f(
            "loss_quantity",
            "decimal",
            "Loss quantity",
            "本期报损",
            ("报损数量", "盘亏数量"),
            example=Decimal(0),
            **_NON_NEGATIVE,
            help="Missing at inventory counts, damaged or scrapped.",
        ),
        # invoices
        _f(
            "invoice_type",
            "choice",
            "Invoice type",
            "发票类型",
            ("单据类型", "票据类型"),
            choices=(
                ("invoice", "发票"),
                ("credit_note", "红字发票"),
                ("debit_note", "借项通知"),
                ("corrected_invoice", "更正发票"),
            ),
            example="invoice",
            help="A credit note states positive quantities and amounts: its type makes them a "
            "credit (EANCOM BGM 381). Empty means invoice.",
        ),
        _f(
            "invoicee_code",
            "str",
            "Invoicee code",
            "受票方编码",
            ("受票单位编码", "付款方编码"),
            max_length=35,
            example="H0001",
            help="The party invoiced, when not the buyer.",
        ),
        _f(
            "delivery_note_ref",
            "str",
            "Delivery note",
            "送货单号",
            ("随货同行单号", "配送单号", "发货单号"),
            max_length=35,
            example="DN-2025-0001",
        ),
        _f(
            "due_date",
            "date",
            "Due date",
            "付款到期日",
            ("到期日", "付款期限"),
            example=datetime.date(2025, 7, 1),
        ),
        _f(
            "lines_total",
            "decimal",
            "Lines total",
            "明细合计金额",
            ("货款合计", "行金额合计"),
            example=Decimal("25600.00"),
            **_NON_NEGATIVE,
            help="Sum of the line amounts (EANCOM MOA+79).",
        ),
        _f(
            "taxable_amount",
            "decimal",
            "Taxable amount",
            "不含税金额",
            ("计税金额",),
            example=Decimal("25600.00"),
            **_NON_NEGATIVE,
        ),
        _f(
            "tax_amount",
            "decimal",
            "Tax amount",
            "税额",
            ("增值税额", "税金"),
            example=Decimal("3328.00"),
            **_NON_NEGATIVE,
        ),
        _f(
            "invoice_total",
            "decimal",
            "Invoice total",
            "价税合计",
            ("发票金额", "发票总金额"),
            example=Decimal("28928.00"),
            **_NON_NEGATIVE,
            help="The amount to pay: taxable amount + tax (EANCOM MOA+77).",
        ),
        _f(
            "tax_rate",
            "decimal",
            "Tax rate %",
            "税率",
            ("增值税率", "税率%"),
            example=Decimal(13),
            **_NON_NEGATIVE,
            help="Percent: 13 for 13 %.",
        ),
        # order responses
        _f(
            "response_code",
            "choice",
            "Response",
            "应答类型",
            ("确认结果", "响应类型"),
            choices=(("accepted", "接受"), ("changed", "变更"), ("not_accepted", "拒绝")),
            example="changed",
            help="The order accepted as it is, changed (the lines say how) or not accepted.",
        ),
        _f(
            "line_action",
            "choice",
            "Line action",
            "行应答",
            ("行确认结果", "明细状态"),
            choices=(
                ("accepted", "接受"),
                ("changed", "变更"),
                ("not_accepted", "拒绝"),
                ("added", "新增"),
                ("deleted", "删除"),
            ),
            example="accepted",
        ),
        _f(
            "ordered_quantity",
            "decimal",
            "Ordered quantity",
            "原订单数量",
            ("原订货数量",),
            example=Decimal(10),
            **_NON_NEGATIVE,
        ),
        _f(
            "delivery_date",
            "date",
            "Delivery date",
            "确认交货日期",
            ("承诺交货日期", "预计到货日期"),
            example=datetime.date(2025, 6, 5),
        ),
    )
}

#: fields that identify the product of a line; a line needs at least one.
PRODUCT_FIELDS = ("product_code", "gtin", "di")


@dataclass(frozen=True)
class EdifactMapping:
    """How a message type is carried in EANCOM (see docs/edi/eancom.md)."""

    message: str  # UNH message type: ORDERS, DESADV...
    document_code: str  # BGM C002 1001
    quantity_qualifier: str  # QTY 6063 of the line quantity
    association: str  # UNH 0057 association assigned code (EANCOM version)


@dataclass(frozen=True)
class Schema:
    """A message type: its header and line fields and its rules."""

    name: str
    direction: str
    title: str
    title_zh: str
    description: str
    header: tuple[Field, ...]
    lines: tuple[Field, ...]
    edifact: EdifactMapping | None = None
    lines_required: bool = True
    product_required: bool = True
    #: severity of an expiry date before the document date
    expired_severity: str = "error"
    #: line amount = quantity × unit price, totals = sum of the lines (warnings)
    line_amounts: bool = False

    @property
    def fields(self) -> tuple[Field, ...]:
        return self.header + self.lines

    def field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def header_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.header)

    @property
    def line_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.lines)

    def column_index(self) -> dict[str, str]:
        """Normalized column name -> field name."""
        index = {}
        for field in self.fields:
            for name in field.column_names:
                index.setdefault(name, field.name)
        return index

    def resolve_column(self, name, mapping=None) -> str | None:
        """The field a column (or JSON key) of a file stands for, or None."""
        if mapping:
            wanted = normalize_column(name)
            for source, target in mapping.items():
                if normalize_column(source) == wanted:
                    return target
        return self.column_index().get(normalize_column(name))

    def column_title(self, field: Field, lang: str = "en") -> str:
        return field.label_zh if lang.lower().startswith("zh") else field.name


def _pick(*names, required=(), **overrides) -> tuple[Field, ...]:
    fields = []
    for name in names:
        field = CATALOGUE[name]
        changes = dict(overrides.get(name, {}))
        if name in required:
            changes["required"] = True
        fields.append(dataclasses.replace(field, **changes) if changes else field)
    return tuple(fields)


_ORDERS = "EAN008"
_PRODUCT = ("line_no", "product_code", "gtin", "di", "product_name", "specification", "uom")
_IDS = ("message_id", "consignor_code", "partner_code", "date")
_REQ_IDS = ("message_id", "consignor_code", "date")

SCHEMAS: dict[str, Schema] = {
    s.name: s
    for s in (
        Schema(
            "purchase_order",
            INBOUND,
            "Purchase order",
            "采购订货",
            "The consignor's purchase plan: goods the warehouse (or hospital) is to receive "
            "from the consignor's suppliers (DB15/T 961-2016 §5.3.2 b).",
            _pick(
                *_IDS,
                "order_ref",
                "expected_date",
                "warehouse_code",
                "note",
                required=(*_REQ_IDS, "order_ref"),
            ),
            _pick(
                *_PRODUCT, "lot", "expiry_date", "quantity", "unit_price", required=("quantity",)
            ),
            EdifactMapping("ORDERS", "220", "21", _ORDERS),
        ),
        Schema(
            "purchase_return",
            INBOUND,
            "Purchase return",
            "采购退货",
            "The consignor's instruction to return goods to a supplier (DB15/T 961-2016 §5.3.2 c).",
            _pick(
                *_IDS,
                "order_ref",
                "origin_ref",
                "reason",
                "note",
                required=(*_REQ_IDS, "order_ref"),
            ),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "quantity",
                "unit_price",
                required=("quantity", "lot"),
            ),
            EdifactMapping("ORDERS", "Z01", "61", _ORDERS),
        ),
        Schema(
            "sales_order",
            INBOUND,
            "Sales order",
            "销售开票",
            "The consignor's sales instruction: goods to deliver from consignment stock to a "
            "customer (DB15/T 961-2016 §5.3.2 d).",
            _pick(
                *_IDS,
                "order_ref",
                "customer_code",
                "customer_name",
                "delivery_address",
                "expected_date",
                "note",
                required=(*_REQ_IDS, "order_ref", "customer_code"),
            ),
            _pick(
                *_PRODUCT, "lot", "expiry_date", "quantity", "unit_price", required=("quantity",)
            ),
            EdifactMapping("ORDERS", "227", "21", _ORDERS),
        ),
        Schema(
            "sales_return",
            INBOUND,
            "Sales return",
            "销售退货",
            "The consignor's instruction to take back goods a customer returns (DB15/T 961-2016 "
            "§5.3.2 e).",
            _pick(
                *_IDS,
                "order_ref",
                "origin_ref",
                "customer_code",
                "customer_name",
                "reason",
                "note",
                required=(*_REQ_IDS, "order_ref", "customer_code"),
            ),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "quantity",
                "unit_price",
                required=("quantity", "lot"),
            ),
            EdifactMapping("ORDERS", "Z02", "61", _ORDERS),
        ),
        Schema(
            "invoice",
            INBOUND,
            "Invoice",
            "发票",
            "The consignor bills the consignment stock used (or credits it back): per line the "
            "product, lot, quantity invoiced, unit price, amount and tax rate, with the totals.",
            _pick(
                "message_id",
                "invoice_type",
                "consignor_code",
                "partner_code",
                "invoicee_code",
                "customer_code",
                "date",
                "due_date",
                "currency",
                "order_ref",
                "delivery_note_ref",
                "lines_total",
                "taxable_amount",
                "tax_amount",
                "invoice_total",
                "note",
                required=_REQ_IDS,
                message_id={
                    "label": "Invoice number",
                    "label_zh": "发票号",
                    "aliases": ("发票号码", "报文编号", "报文号", "msg_id"),
                },
                customer_code={"help": "The delivery party (EANCOM NAD+DP)."},
            ),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "quantity",
                "unit_price",
                "amount",
                "tax_rate",
                required=("quantity",),
                quantity={"aliases": ("开票数量", "qty")},
                unit_price={
                    "aliases": ("不含税单价", "净价", "价格"),
                    "help": "Net price of one unit, before tax (EANCOM PRI+AAA divided "
                    "by its price basis).",
                },
                amount={
                    "label": "Line amount",
                    "label_zh": "金额",
                    "aliases": ("行金额",),
                    "example": Decimal("12800.00"),
                    "help": "quantity × unit_price, before tax (EANCOM MOA+203).",
                },
            ),
            EdifactMapping("INVOIC", "380", "47", "EAN008"),
            expired_severity="warning",
            line_amounts=True,
        ),
        Schema(
            "order_response",
            INBOUND,
            "Order response",
            "订单应答",
            "The consignor's answer to a purchase order: accepted, changed or not accepted, and "
            "per line the quantity and delivery date it confirms.",
            _pick(
                "message_id",
                "consignor_code",
                "partner_code",
                "date",
                "order_ref",
                "response_code",
                "currency",
                "note",
                required=(*_REQ_IDS, "order_ref", "response_code"),
            ),
            _pick(
                *_PRODUCT,
                "line_action",
                "ordered_quantity",
                "quantity",
                "delivery_date",
                "unit_price",
                "amount",
                quantity={
                    "label": "Confirmed quantity",
                    "label_zh": "确认数量",
                    "aliases": ("可供数量", "应答数量", "qty"),
                    **_NON_NEGATIVE,
                    "help": "The quantity to be delivered (EANCOM QTY+113).",
                },
                amount={
                    "label": "Line amount",
                    "label_zh": "金额",
                    "aliases": ("行金额",),
                    "example": Decimal("12800.00"),
                },
            ),
            EdifactMapping("ORDRSP", "231", "113", "EAN005"),
            lines_required=False,
        ),
        Schema(
            "stock_statement",
            INBOUND,
            "Stock statement",
            "委托方库存",
            "The consignor's own stock figures, to compare with the stock held "
            "(DB15/T 961-2016 §5.3.2 a).",
            _pick(*_IDS, "warehouse_code", "note", required=_REQ_IDS),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "quantity",
                required=("quantity",),
                quantity=_NON_NEGATIVE,
            ),
            EdifactMapping("INVRPT", "35", "145", "EAN008"),
            expired_severity="warning",
        ),
        Schema(
            "stock_status",
            OUTBOUND,
            "Stock status",
            "库存状态",
            "The stock held for the consignor, per product, lot and serial, with its quality "
            "status (DB15/T 961-2016 §5.3.2 a).",
            _pick(*_IDS, "warehouse_code", "note", required=_REQ_IDS),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "production_date",
                "quantity",
                "stock_status",
                "location",
                required=("quantity",),
                quantity=_NON_NEGATIVE,
            ),
            EdifactMapping("INVRPT", "35", "145", "EAN008"),
            expired_severity="warning",
        ),
        Schema(
            "stock_comparison",
            OUTBOUND,
            "Stock comparison",
            "库存对比",
            "Our stock against the consignor's stock statement, line by line, with the "
            "difference (DB15/T 961-2016 §5.3.2 a).",
            _pick(*_IDS, "warehouse_code", "origin_ref", "note", required=_REQ_IDS),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "our_quantity",
                "their_quantity",
                "difference",
                required=("our_quantity", "their_quantity", "difference"),
            ),
            expired_severity="warning",
        ),
        Schema(
            "gain_loss",
            OUTBOUND,
            "Stock gain/loss",
            "库存损溢",
            "Stock found in excess (gain) or missing, damaged, scrapped (loss) "
            "(DB15/T 961-2016 §5.3.2 a).",
            _pick(*_IDS, "order_ref", "warehouse_code", "note", required=_REQ_IDS),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "direction",
                "quantity",
                "line_reason",
                required=("direction", "quantity"),
            ),
            expired_severity="warning",
        ),
        Schema(
            "receipt_confirmation",
            OUTBOUND,
            "Receipt confirmation",
            "收货确认",
            "The goods received and checked against a purchase order or a return, with the "
            "quantities rejected.",
            _pick(
                *_IDS,
                "order_ref",
                "receipt_date",
                "note",
                required=(*_REQ_IDS, "order_ref", "receipt_date"),
            ),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "production_date",
                "quantity",
                "quantity_rejected",
                "reject_reason",
                required=("quantity",),
                quantity=_NON_NEGATIVE,
            ),
            EdifactMapping("RECADV", "632", "48", "EAN003"),
        ),
        Schema(
            "shipment_confirmation",
            OUTBOUND,
            "Shipment confirmation",
            "发货确认",
            "The goods shipped for a sales order or a purchase return: products, lots, serials, "
            "expiry dates.",
            _pick(
                *_IDS,
                "order_ref",
                "shipment_date",
                "customer_code",
                "carrier",
                "tracking_no",
                "note",
                required=(*_REQ_IDS, "order_ref", "shipment_date"),
            ),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "production_date",
                "quantity",
                "registration_no",
                required=("quantity",),
            ),
            EdifactMapping("DESADV", "351", "12", "EAN007"),
        ),
        Schema(
            "logistics_status",
            OUTBOUND,
            "Logistics status",
            "物流状态",
            "Where an order stands (accepted, picking, shipped, delivered...) with its tracking "
            "events; lines are optional.",
            _pick(
                *_IDS,
                "order_ref",
                "status",
                "carrier",
                "tracking_no",
                "note",
                required=(*_REQ_IDS, "order_ref", "status"),
            ),
            _pick(
                "line_no",
                "event_date",
                "event_time",
                "event_status",
                "place",
                required=("event_date", "event_status"),
            ),
            lines_required=False,
            product_required=False,
        ),
        Schema(
            "usage_report",
            OUTBOUND,
            "Usage report",
            "使用报告",
            "Consignment units used on patients: the consignor invoices them and replenishes "
            "the stock.",
            _pick(*_IDS, "period", "note", required=(*_REQ_IDS, "partner_code")),
            _pick(
                *_PRODUCT,
                "lot",
                "serial",
                "expiry_date",
                "quantity",
                "unit_price",
                "usage_date",
                "department",
                "patient_ref",
                "charge_ref",
                required=("quantity", "lot", "usage_date"),
            ),
            EdifactMapping("SLSRPT", "73E", "153", "EAN004"),
            expired_severity="warning",
        ),
        Schema(
            "reconciliation",
            OUTBOUND,
            "Monthly reconciliation",
            "月度对账",
            "The month's movements per product and lot: opening, received, used, returned, "
            "shipped, gained, lost, closing, with the amount to invoice for the units used.",
            _pick(
                *_IDS, "period", "currency", "note", required=(*_REQ_IDS, "partner_code", "period")
            ),
            _pick(
                *_PRODUCT,
                "lot",
                "unit_price",
                "opening_quantity",
                "received_quantity",
                "used_quantity",
                "returned_quantity",
                "shipped_quantity",
                "gain_quantity",
                "loss_quantity",
                "closing_quantity",
                "amount",
                required=(
                    "opening_quantity",
                    "received_quantity",
                    "used_quantity",
                    "returned_quantity",
                    "closing_quantity",
                ),
            ),
            expired_severity="warning",
        ),
    )
}

MESSAGE_TYPES = tuple(SCHEMAS)


def get_schema(message_type) -> Schema:
    """The schema of ``message_type``; raises EdiError ``unknown_type`` otherwise."""
    schema = SCHEMAS.get(message_type) if isinstance(message_type, str) else None
    if schema is None:
        raise EdiError("unknown_type", value=message_type, expected=", ".join(MESSAGE_TYPES))
    return schema


_SECOND_LINE = {
    "line_no": 2,
    "product_code": "P-1002",
    "gtin": "06901234567908",
    "lot": "L240602",
    "product_name": "球囊扩张导管",
    "specification": "2.5x15mm",
    "serial": "",
}
_PER_TYPE = {
    "usage_report": (
        {"serial": "SN0001", "quantity": Decimal(1)},
        {"serial": "SN0002", "quantity": Decimal(1)},
    ),
    "stock_status": ({"serial": "", "location": "A-01-02"}, {"stock_status": "quarantine"}),
    "receipt_confirmation": (
        {},
        {"quantity": Decimal(8), "quantity_rejected": Decimal(2), "reject_reason": "外包装破损"},
    ),
    "order_response": (
        {},
        {
            "line_action": "changed",
            "quantity": Decimal(8),
            "amount": Decimal("10240.00"),
            "delivery_date": datetime.date(2025, 6, 9),
        },
    ),
    "logistics_status": (
        {
            "event_date": datetime.date(2025, 6, 1),
            "event_status": "accepted",
            "place": "呼和浩特仓",
        },
        {"event_status": "shipped"},
    ),
}


#: invoice_type -> sign of its quantities and amounts for the books (all are sent positive)
INVOICE_SIGNS = {"invoice": 1, "credit_note": -1, "debit_note": 1, "corrected_invoice": 1}


def invoice_sign(invoice_type) -> int:
    """-1 for a credit note, 1 otherwise: EANCOM sends a credit note's values positive."""
    return INVOICE_SIGNS.get(invoice_type or "invoice", 1)


def example_message(message_type: str):
    """A complete, valid example message of ``message_type`` (two lines)."""
    from .message import Line, Message

    schema = get_schema(message_type)
    prefix = "".join(part[0] for part in message_type.split("_")).upper()
    header = {f.name: f.example for f in schema.header}
    header["message_id"] = f"{prefix}-20250601-0001"
    first = {f.name: f.example for f in schema.lines}
    second = {**first, **{k: v for k, v in _SECOND_LINE.items() if k in first}}
    extra_first, extra_second = _PER_TYPE.get(message_type, ({}, {}))
    first.update(extra_first)
    second.update(extra_second)
    lines = [
        Line(number, {k: v for k, v in values.items() if k in first})
        for number, values in ((1, first), (2, second))
    ]
    header = {k: (None if v == "" else v) for k, v in header.items()}
    for line in lines:
        line.values = {k: (None if v == "" else v) for k, v in line.values.items()}
    return Message(message_type, header, lines)
