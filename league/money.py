"""How an amount of money is shown, everywhere (public pages, the admin, the audit trail)."""
from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | int | None, currency: str = "") -> str:
    """'CNY 10,000,000', 'USD 1,500.50': the ISO 4217 code, then the amount (cents only when
    there are some). The league's own announcement says RMB; ISO's code for it is CNY."""
    if value is None:
        return ""
    amount = Decimal(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{(currency or '').upper()} {text}".strip()
