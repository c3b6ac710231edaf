import LineDB

/// `linedb export --as-of`: the table as it was, in key order, through the engine's export writer.
extension Export {
    func exportAsOf(_ db: Database, format chosen: ExportFormat) throws {
        guard let (past, table) = try asOf.table(self.table, of: db) else { return }
        let n = try db.export(past: table, to: file, format: chosen)
        Output.line(
            "exported \(plural(n, "record")) of \(self.table) as of \(past.momentDescription) to \(file) (\(chosen.rawValue))")
    }
}
