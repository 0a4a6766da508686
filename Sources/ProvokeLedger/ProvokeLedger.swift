// ProvokeLedger: contacts, videos and deliveries on SQLite (CSQLite). The only module that imports CSQLite.
import CSQLite
