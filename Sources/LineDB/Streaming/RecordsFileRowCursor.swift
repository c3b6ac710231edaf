#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the rows of a records file one by one, in 1 MiB pieces (the row-level twin of ``RecordsCursor``: it
/// yields the parsed values without building a ``Record``, for the typed stream). A torn last line is skipped; a
/// line that is not a valid record is an error naming the file, line and byte offset.
struct RecordsFileRowCursor {
    private let schema: TableSchema
    private let path: String
    private let fd: FileDescriptorBox?
    private var buffer: [UInt8] = []
    private var start = 0
    private var offset = 0
    private var atEnd = false
    /// The 1-based line number of the row last returned.
    private(set) var line = 0
    /// Bytes read from the file so far.
    var bytesRead: Int { offset }

    /// A cursor over `path`; a missing file reads as empty (a table whose records were never saved).
    init(schema: TableSchema, path: String) throws(LineDBError) {
        self.schema = schema
        self.path = path
        do {
            fd = FileDescriptorBox(try RealFileIO.shared.open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0), path: path)
        } catch {
            guard case .io(_, _, let code) = error, code == ENOENT else { throw error }
            fd = nil
            atEnd = true
        }
    }

    /// The next row, or `nil` at the end of the file.
    mutating func next() throws(LineDBError) -> Row? {
        while true {
            let next = buffer.withUnsafeBufferPointer { all -> (JSONLine, Bool)? in
                guard start < all.count else { return nil }
                let l = JSONLines.line(in: all, at: start, number: line + 1)
                return l.complete ? (l, JSONLines.isBlank(all, l)) : nil
            }
            if let (l, blank) = next {
                let lineStart = offset - (buffer.count - start)
                start = l.next
                line += 1
                if blank { continue }
                let parsed = buffer.withUnsafeBufferPointer { all -> Result<Row, RowParseError> in
                    let slice = UnsafeBufferPointer(rebasing: all[l.start..<l.end])
                    do throws(RowParseError) { return .success(try schema.parseStoredRow(slice)) } catch {
                        return .failure(error)
                    }
                }
                switch parsed {
                case .success(let row): return row
                case .failure(let error):
                    let reason: String
                    switch error {
                    case .json(let e): reason = "invalid JSON: \(e.message)"
                    case .constraint(let e): reason = e.description
                    }
                    throw .corrupt(
                        path: path, line: line, column: nil, byteOffset: lineStart, reason: reason, hint: nil)
                }
            }
            if atEnd { return nil }  // what is left has no newline: a torn last line
            buffer.removeFirst(start)
            start = 0
            guard let fd else { return nil }
            let chunk = try RealFileIO.shared.pread(fd.fd, count: 1 << 20, offset: offset, path: path)
            if chunk.isEmpty {
                atEnd = true
                continue
            }
            offset += chunk.count
            buffer.append(contentsOf: chunk)
        }
    }
}
