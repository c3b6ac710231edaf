import LineDB

/// The `--column name:type[:pk|:unique|:notnull|:default=VALUE]` syntax of `create-table`.
enum ColumnSpec {
    /// Parses one `--column` value. `default=` comes last and takes the rest of the text, so a value may hold `:`.
    static func parse(_ spec: String, table: String) throws(UsageError) -> Column {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let syntax = "expected name:type[:pk|:unique|:notnull|:default=VALUE]"
        guard parts.count >= 2, !parts[0].isEmpty else { throw UsageError("--column '\(spec)': \(syntax)") }
        let name = parts[0]
        guard let type = ColumnType(typeName: parts[1]) else {
            let types = ColumnType.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("--column '\(spec)': unknown type '\(parts[1])' (use \(types))")
        }
        var primaryKey = false
        var unique = false
        var notNull = false
        var defaultValue: JSONValue? = nil
        var i = 2
        while i < parts.count {
            let flag = parts[i]
            if flag.lowercased().hasPrefix("default=") {
                let text = ([String(flag.dropFirst("default=".count))] + parts[(i + 1)...]).joined(separator: ":")
                defaultValue = try ValueParsing.value(text, for: Column(name, type), table: table)
                break
            }
            switch flag.lowercased() {
            case "pk", "primary-key", "primary_key", "primarykey": primaryKey = true
            case "unique": unique = true
            case "notnull", "not-null", "not_null", "required": notNull = true
            default:
                throw UsageError(
                    "--column '\(spec)': unknown flag '\(flag)' (use pk, unique, notnull or default=VALUE)")
            }
            i += 1
        }
        return Column(name, type, primaryKey: primaryKey, nullable: !notNull, unique: unique, default: defaultValue)
    }

    /// A column in the same syntax, e.g. `id:int:pk` or `gpa:float:default=0.0`.
    static func describe(_ column: Column) -> String {
        var text = "\(column.name):\(column.type.rawValue)"
        if column.primaryKey { text += ":pk" }
        if column.unique && !column.primaryKey { text += ":unique" }
        if !column.nullable && !column.primaryKey { text += ":notnull" }
        if let d = column.defaultValue { text += ":default=" + JSONWriter.encode(d) }
        return text
    }
}
