"""The three uitvoeringsvarianten (UP026, OP261). Which one applies is read from the contract line of the
product on the prestatie's date (eligibility's contractvoorwaarden), never from code:

- inspanning: time units × the contract tariff within the toewijzing (TR418 with IV081 minutes);
- output: a fixed price per client per product per period or per trajectory, declared at the agreed moment
  (OP263, OP264), never above the tariff, the plafond or the budget, cumulative over earlier declaraties;
- taak: no client-level declaratie at all (OP261); the contract's lump sum or budget per period becomes a
  payment schedule per aanbieder per gemeente (payments.py, GET /v1/betaalschema).

The rules register when services.declaration.rules imports these modules (that fixes their order).
"""
