/// Checking that an existing table can hold a ``TableRecord`` type, and saying precisely how it cannot.
///
/// Compared: the columns (each of the type's columns must be in the table, and every other column of the table
/// must accept a record that does not give it), their types, the primary key and UNIQUE. Not compared: column
/// order (records are matched by name), nullability and defaults (the table's file wins: a NOT NULL Swift property
/// over a nullable column only fails if a stored record really holds null, and says which; an Optional property
/// over a NOT NULL column only fails on inserting nil). So a table written by the seed's Python design, whose
/// columns are nullable unless declared otherwise and which writes no defaults, matches the natural Swift type.
enum SchemaMatch {
    static func check(existing: TableSchema, layout: RecordLayout, path: String?) throws {
        let table = existing.name
        let wanted = layout.schema
        func mismatch(_ column: String?, _ difference: String) -> TypedRecordError {
            .schemaMismatch(table: table, path: path, column: column, difference: difference)
        }
        for (i, column) in wanted.columns.enumerated() {
            let property = "\(layout.typeName).\(column.name) (\(layout.swiftTypes[i]))"
            guard let found = existing.column(named: column.name) else {
                let near = Suggest.closest(column.name, in: existing.columns.map(\.name))
                throw mismatch(
                    column.name,
                    "the table has no such column, but \(property) needs one of type \(column.type.rawValue)"
                        + (near.map { " (the table has '\($0)'; rename the property or give it that coding key)" }
                            ?? "")
                )
            }
            if found.type != column.type {
                throw mismatch(
                    column.name,
                    "the table says \(found.type.rawValue) (\"\(found.typeName)\"), "
                        + "\(property) is \(column.type.rawValue)"
                        + "; change the property's type, or declare .type(\"\(column.name)\", .\(found.type.rawValue))")
            }
            if found.primaryKey != column.primaryKey {
                throw mismatch(
                    column.name,
                    found.primaryKey
                        ? "it is the table's primary key, but \(layout.typeName) declares "
                            + "'\(wanted.primaryKey?.name ?? "none")' as its primary key"
                        : "\(layout.typeName) declares it the primary key, but the table's primary key is "
                            + "'\(existing.primaryKey?.name ?? "none")'")
            }
            if !found.primaryKey && found.unique != column.unique {
                throw mismatch(
                    column.name,
                    found.unique
                        ? "the table says UNIQUE, \(layout.typeName) does not; add .unique(\"\(column.name)\")"
                        : "\(layout.typeName) says UNIQUE, the table does not; remove .unique(\"\(column.name)\") or "
                            + "recreate the table")
            }
        }
        for column in existing.columns where wanted.column(named: column.name) == nil {
            if column.isRequired && column.defaultValue == nil {
                throw mismatch(
                    column.name,
                    "the table's column is NOT NULL without a default, and \(layout.typeName) has no property for it, "
                        + "so no record of \(layout.typeName) could be inserted; add the property")
            }
        }
    }
}
