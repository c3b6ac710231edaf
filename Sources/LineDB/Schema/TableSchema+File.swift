/// Reading and writing the schema file format (the seed's `.schema.json`).
extension TableSchema {
    /// The schema as the JSON object of its file: `{"table_name", "schema": {column: {...}}, "created_at"}`.
    public var jsonObject: JSONObject {
        var columnsObject = JSONObject()
        for column in columns {
            var c = JSONObject()
            c["type"] = .string(column.typeName)
            c["primary_key"] = .bool(column.primaryKey)
            c["nullable"] = .bool(column.nullable)
            c["unique"] = .bool(column.unique)
            if let d = column.defaultValue { c["default"] = d }
            for (k, v) in column.extra where c[k] == nil { c[k] = v }
            columnsObject[column.name] = .object(c)
        }
        var object = JSONObject()
        object["table_name"] = .string(name)
        object["schema"] = .object(columnsObject)
        object["created_at"] = .string(createdAt)
        for (k, v) in extra where object[k] == nil { object[k] = v }
        return object
    }

    /// The bytes of the schema file: pretty-printed like Python's `json.dump(indent=2)`, ending in a newline.
    public var fileContents: [UInt8] {
        Array((JSONWriter.encodePretty(.object(jsonObject)) + "\n").utf8)
    }

    /// Reads a schema from its JSON object.
    ///
    /// - Parameters:
    ///   - object: the parsed file (or the `record` of a `CREATE_TABLE` WAL line).
    ///   - path: the file, for error messages.
    ///   - expectedName: the name the file name implies; a different `table_name` is an error.
    ///   - warnings: receives a message for each unknown type (read as `json`).
    package init(object: JSONObject, path: String?, expectedName: String?, warnings: inout [String])
        throws(LineDBError)
    {
        let where_ = path ?? "schema"
        guard case .string(let tableName)? = object["table_name"] ?? expectedName.map({ .string($0) }) else {
            throw .invalidSchema(path: path, reason: "\"table_name\" is missing or not a string")
        }
        if let expectedName, !String.exactlyEqual(tableName, expectedName) {
            throw .invalidSchema(
                path: path,
                reason: "\"table_name\" is '\(tableName)' but the file is named for '\(expectedName)'")
        }
        guard case .object(let columnsObject)? = object["schema"] else {
            throw .invalidSchema(path: path, reason: "\"schema\" is missing or not an object of columns")
        }
        var columns: [Column] = []
        for (columnName, spec) in columnsObject {
            guard case .object(let c) = spec else {
                throw .invalidSchema(path: path, reason: "column '\(columnName)' is not an object")
            }
            let typeName: String
            switch c["type"] {
            case .string(let t)?: typeName = t
            case nil, .null?: typeName = "json"
            default: throw .invalidSchema(path: path, reason: "column '\(columnName)': \"type\" is not a string")
            }
            var type = ColumnType(typeName: typeName)
            if type == nil {
                warnings.append("\(where_): column '\(columnName)' has unknown type '\(typeName)'; read as json")
                type = .json
            }
            func flag(_ key: String, _ fallback: Bool) throws(LineDBError) -> Bool {
                switch c[key] {
                case nil, .null?: return fallback
                case .bool(let b)?: return b
                case .int(let i)? where i == 0 || i == 1: return i == 1
                default: throw .invalidSchema(path: path, reason: "column '\(columnName)': \"\(key)\" is not true or false")
                }
            }
            let primaryKey = try flag("primary_key", false)
            var column = Column(
                columnName, type!, primaryKey: primaryKey, nullable: try flag("nullable", true),
                unique: try flag("unique", false), default: c["default"])
            column.nullable = try flag("nullable", true)  // keep the file's word even for a primary key
            column.typeName = typeName
            var extra = c
            for known in ["type", "primary_key", "nullable", "unique", "default"] { extra.removeValue(forKey: known) }
            column.extra = extra
            columns.append(column)
        }
        let createdAt = object["created_at"]?.stringValue ?? ""
        var extra = object
        for known in ["table_name", "schema", "created_at"] { extra.removeValue(forKey: known) }
        try self.init(name: tableName, columns: columns, createdAt: createdAt, extra: extra, path: path)
    }

    /// Parses the bytes of a schema file, reporting JSON errors as `file:line:col`.
    package static func parse(fileBytes: [UInt8], path: String, expectedName: String, warnings: inout [String])
        throws(LineDBError) -> TableSchema
    {
        let value: JSONValue
        do {
            value = try fileBytes.withUnsafeBufferPointer { (buffer) throws(JSONParseError) in try JSONParser.parse(buffer) }
        } catch {
            let (line, column) = TextPosition.lineAndColumn(of: error.offset, in: fileBytes)
            throw .corrupt(
                path: path, line: line, column: column, byteOffset: error.offset, reason: "invalid JSON: \(error.message)",
                hint: "fix the file by hand or restore it; LineDB changed nothing")
        }
        guard case .object(let object) = value else {
            throw .invalidSchema(path: path, reason: "the file does not hold a JSON object")
        }
        return try TableSchema(object: object, path: path, expectedName: expectedName, warnings: &warnings)
    }
}

/// Line and column (1-based, column in bytes) of a byte offset, for error messages.
enum TextPosition {
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        var i = 0
        let end = min(offset, bytes.count)
        while i < end {
            if bytes[i] == 10 { line += 1; lineStart = i + 1 }
            i += 1
        }
        return (line, offset - lineStart + 1)
    }
}
