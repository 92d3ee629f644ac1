import datetime

from .common import ConsignorEdiCommon

CSV_HEADER = "报文编号,委托方编码,单据日期,订单号,客户编码,收货地址,商品编码,批号,有效期至,数量"


def _orders(message_id, nad_dp):
    """A consignor's EANCOM sales order (ORDERS, BGM 227) for 2 stents of lot L1."""
    body = [
        "UNH+1+ORDERS:D:96A:UN:EAN008",
        f"BGM+227+{message_id}+9",
        "DTM+137:20250601:102",
        f"RFF+ON:ORD-{message_id}",
        "NAD+SU+C0001::92",
        "NAD+BY+H0001::92",
        nad_dp,
        "LIN+1",
        "PIA+1+STENT-1:SA+L1:NB",
        "QTY+21:2",
        "DTM+36:20300131:102",
        "UNS+S",
        "CNT+2:1",
    ]
    body.append(f"UNT+{len(body) + 1}+1")
    return (
        "UNB+UNOC:3+C0001:ZZZ+H0001:ZZZ+250601:0830+R1'" + "'".join(body) + "'UNZ+1+R1'"
    ).encode()


class TestSalesOrderDelivery(ConsignorEdiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot_stent = cls._lot(cls.stent, "L1", datetime.date(2030, 1, 31))
        cls._consigned(cls.stent, cls.lot_stent, 10)
        cls.china = cls.env.ref("base.cn")
        cls.backend.format_edifact = True

    def _picking(self, exchange):
        self.assertEqual(exchange.state, "processed", exchange.problem_ids.mapped("message"))
        return self.env["stock.picking"].browse(exchange.res_id)

    def test_the_delivery_party_s_address_is_a_delivery_contact_of_the_customer(self):
        nad = "NAD+DP+K0001::92++Cardiology store+Xinhua Road 1:Building B+Hohhot++010010+CN"
        picking = self._picking(
            self._receive(_orders("SO-D1", nad), "sales_order", filename="so.edi")
        )
        delivery = picking.partner_id
        self.assertEqual(delivery.parent_id, self.customer)
        self.assertEqual(delivery.type, "delivery")
        self.assertEqual(
            (delivery.name, delivery.street, delivery.street2, delivery.city, delivery.zip),
            ("Cardiology store", "Xinhua Road 1", "Building B", "Hohhot", "010010"),
        )
        self.assertEqual(delivery.country_id, self.china)
        # the next order to the same address ships to the same contact: no duplicate
        again = self._picking(
            self._receive(_orders("SO-D2", nad), "sales_order", filename="so2.edi")
        )
        self.assertEqual(again.partner_id, delivery)
        self.assertEqual(self.customer.child_ids, delivery)
        # another address of the same customer is another delivery contact
        other = "NAD+DP+K0001::92++Cardiology store+Xinhua Road 9+Hohhot++010010+CN"
        third = self._picking(
            self._receive(_orders("SO-D3", other), "sales_order", filename="so3.edi")
        )
        self.assertNotEqual(third.partner_id, delivery)
        self.assertEqual(third.partner_id.parent_id, self.customer)
        self.assertEqual(third.partner_id.street, "Xinhua Road 9")
        # the shipment confirmation still names the customer by its code
        header, _lines = self.env["med.edi.handler.shipment_confirmation.out"]._edi_build(
            self.backend, picking
        )
        self.assertEqual(header["customer_code"], "K0001")

    def test_the_customer_s_own_address_ships_to_the_customer(self):
        self.customer.write(
            {
                "street": "Xinhua Road 1",
                "city": "Hohhot",
                "zip": "010010",
                "country_id": self.china.id,
            }
        )
        nad = "NAD+DP+K0001::92+++Xinhua Road 1+Hohhot++010010+CN"
        picking = self._picking(
            self._receive(_orders("SO-D4", nad), "sales_order", filename="so.edi")
        )
        self.assertEqual(picking.partner_id, self.customer)
        self.assertFalse(self.customer.child_ids)

    def test_a_delivery_address_column_is_the_delivery_contact_s_street(self):
        rows = [
            "SO-D5,C0001,2025-06-01,ORD-SO-D5,K0001,呼和浩特市新城区 1 号,STENT-1,L1,2030-01-31,2"
        ]
        picking = self._picking(self._receive(self._csv(rows, header=CSV_HEADER), "sales_order"))
        self.assertEqual(picking.partner_id.parent_id, self.customer)
        self.assertEqual(picking.partner_id.street, "呼和浩特市新城区 1 号")
        # without one, the customer itself
        header = CSV_HEADER.replace("收货地址,", "")
        rows = ["SO-D6,C0001,2025-06-01,ORD-SO-D6,K0001,STENT-1,L1,2030-01-31,2"]
        picking = self._picking(self._receive(self._csv(rows, header=header), "sales_order"))
        self.assertEqual(picking.partner_id, self.customer)
