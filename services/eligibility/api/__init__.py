"""HTTP API of the eligibility service: thin views over service.py and contracts/service.py."""
