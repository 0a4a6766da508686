// ProvokeLedger: contacts, videos and deliveries on SQLite, and the texts the ledger commands print.
// The only module that imports CSQLite (and only SQLite.swift calls it). It must not touch media: it
// takes render records and SHA-256s from its callers and never opens an MP4 or imports FFmpegKit.
//
//   SQLite.swift       Connection, Statement, SQLiteError: the C API's one choke point
//   Schema.swift       migrations, recorded in PRAGMA user_version
//   Ledger.swift       opening a ledger file, LedgerError mapping, transactions
//   Videos.swift       registering rendered files (RenderRecord) and finding versions
//   Contacts.swift     upserting, listing, removing contacts
//   ContactsCSV.swift  a contacts spreadsheet -> validated contacts (every bad row, with its line)
//   Deliveries.swift   deliver (idempotent, audience-checked), deliveries, pending
//   CSV.swift          RFC 4180 reading and spreadsheet-safe writing
//   Listing.swift      table / CSV / JSON output
//   Export.swift       CSV export (written through ProvokeSystem's FileOutput)
//   Ideas.swift        the ideas each file carries (schema 2) and `Campaign`, the whole ledger in one snapshot
//   Coverage.swift     which ideas reached whom: per idea (coverage) and per person (history)
