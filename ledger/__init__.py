"""Amazon's ledger: the Selling Partner API's Finances v0, read per seller account through a maintained client
(python-amazon-sp-api), its events matched to cases (``store.ledger``). The one package that talks to Amazon."""
