"""Person data from the BRP: a Haal Centraal BRP Personen client and a stand-in server for dev/tests."""
