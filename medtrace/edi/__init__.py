"""Consignor EDI codecs and schemas."""
